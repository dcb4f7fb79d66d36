"""Through signed Slack requests, with a desk file of two teams (one private) and three
request types: the card and `/ticket show` name the ticket's request type (English and
German; the stored id of a type a later desk file dropped; nothing with one type), and
`/ticket list` takes `field:<id>=<value>` like search, never listing a private team's
ticket to anyone outside it; a field filter written wrongly gets the usage. On SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.listeners import commands
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_request_type_forms import cards, choose_type, open_form, submit, typed_state
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import block_action
from tests.snapshots import snapshot

SAM = "USAM000001"  # a member of IT
HANNA = "UHANNA0001"  # a member of the private team HR
DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001, members: [USAM000001]}
  - {id: hr, name: HR, channel: G0HR000001, members: [UHANNA0001], private: true}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
      - {id: asset_tag, label: Asset tag, type: text}
  - id: printer
    name: Printer & scanner
    team: it
    fields:
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
  - id: payroll
    name: Payroll
    team: hr
    fields:
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
"""
# The next year's desk file: printers are no longer a request type of their own.
WITHOUT_PRINTER = DESK.replace(
    """  - id: printer
    name: Printer & scanner
    team: it
    fields:
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
""",
    "",
)
ONE_TYPE = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001}
request_types:
  - {id: hardware, name: Hardware defect, team: it}
"""


@pytest.fixture
def desk_file(tmp_path: Path) -> Path:
    path = tmp_path / "desk.yaml"
    path.write_text(DESK)
    return path


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, desk_file: Path) -> Iterator[Bot]:
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def open_typed(bot: Bot, user: str, type_id: str, title: str, **fields: str) -> int:
    """`/ticket`, the type chosen, the form sent with `fields` (select values); the
    ticket's number once its card is out."""
    before = len(cards(bot.slack))
    _modal, opened = open_form(bot, user)
    updated = choose_type(bot, user, opened, type_id, title=title).args["view"]
    shown = {**updated, "id": opened.response["view"]["id"]}
    values = {
        f"field.{type_id}.{field}": {"type": "static_select", "selected_option": {"value": v}}
        for field, v in fields.items()
    }
    assert submit(bot, user, shown, typed_state(title, type_id, **values)) == {}
    bot.slack.wait_for(lambda _: len(cards(bot.slack)) > before)
    return int(cards(bot.slack)[before].args["text"].split("#")[1].split(":")[0])


def take(bot: Bot, user: str, card: Call) -> Any:
    """Click "Take it" on the card as posted in its team's channel."""
    element = next(
        e
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["action_id"] == "ticket.take"
    )
    payload = block_action(
        user,
        "ticket.take",
        value=element["value"],
        channel=card.args["channel"],
        message_ts=card.response["ts"],
        response_url=bot.slack.issue_response_url(),
        trigger_id=bot.slack.issue_trigger_id(),
    )
    return bot.http.interact(payload)


def summary(blocks: list[dict[str, Any]]) -> list[str]:
    block = next(b for b in blocks if b.get("block_id") == "summary")
    return [field["text"] for field in block["fields"]]


def shown(bot: Bot, user: str, ticket_id: int) -> list[str]:
    response = bot.command(user, f"show {ticket_id}")
    assert response.status == 200
    return summary(response.json()["blocks"])


def listed(bot: Bot, user: str, words: str, *, command: str = "list") -> str:
    response = bot.command(user, f"{command} {words}")
    assert response.status == 200
    return json.dumps(response.json(), ensure_ascii=False)


def test_the_card_and_show_name_the_request_type(desk_bot: Bot, desk_file: Path) -> None:
    printer = open_typed(desk_bot, ALICE, "printer", "Paper jam", floor="EG")
    card = cards(desk_bot.slack)[-1]
    assert "*Request type*\nPrinter &amp; scanner" in summary(card.args["blocks"])
    assert "*Request type*\nPrinter &amp; scanner" in shown(desk_bot, ALICE, printer)
    desk_bot.slack.set_locale(SAM, "de-DE")
    assert "*Art der Anfrage*\nPrinter &amp; scanner" in shown(desk_bot, SAM, printer)
    # The desk file drops the type: the ticket keeps it, shown by the id it keeps.
    desk_file.write_text(WITHOUT_PRINTER)
    desk_bot.restart()
    assert "*Request type*\nprinter" in shown(desk_bot, ALICE, printer)
    assert take(desk_bot, SAM, card).status == 200
    update = desk_bot.slack.wait_for("chat.update")[-1]
    assert "*Request type*\nprinter" in summary(update.args["blocks"])


def test_with_one_request_type_the_card_names_none(
    database_url: str, slack: FakeSlack, desk_file: Path
) -> None:
    desk_file.write_text(ONE_TYPE)
    bot = Bot(slack, bot_settings(database_url, slack, flashticket_desk_file=str(desk_file)))
    bot.start()
    try:
        ticket_id = open_typed(bot, ALICE, "hardware", "Dock")
        assert not any("Request type" in f for f in summary(cards(slack)[-1].args["blocks"]))
        assert not any("Request type" in f for f in shown(bot, ALICE, ticket_id))
    finally:
        bot.stop()


def test_list_takes_a_field_filter_within_the_teams_one_may_see(
    desk_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk_bot.slack.set_locale(BOB, "de-DE")
    dock = open_typed(desk_bot, ALICE, "hardware", "Dock flickers", floor="1. OG")
    open_typed(desk_bot, BOB, "hardware", "Mouse broken", floor="EG")
    jam = open_typed(desk_bot, BOB, "printer", "Paper jam", floor="1. OG")
    salary = open_typed(desk_bot, BOB, "payroll", "Salary late", floor="1. OG")

    # IT's member: the tickets of IT on that floor; HR's is private to it.
    found = listed(desk_bot, SAM, 'field:floor="1. og"')
    assert "Dock flickers" in found
    assert "Paper jam" in found
    assert "Mouse broken" not in found
    assert "Salary late" not in found
    assert 'Tickets field:floor=\\"1. og\\" (2)' in found
    # Page by page, the next page's command keeps the filter (counted, not the tallies).
    monkeypatch.setattr(commands, "LIST_PAGE", 1)
    first = listed(desk_bot, SAM, 'field:floor="1. og"')
    assert 'Page 1 of 2. …and 1 more: `/ticket list field:floor=\\"1. og\\" page 2`' in first
    second = listed(desk_bot, SAM, 'field:floor="1. og" page 2')
    assert "Page 2 of 2." in second
    monkeypatch.setattr(commands, "LIST_PAGE", 10)
    # With other filters: they narrow together.
    found = listed(desk_bot, SAM, 'field:floor="1. OG" team:it unassigned')
    assert f"#{dock}" in found
    assert f"#{jam}" in found
    # HR's member and the admin see HR's ticket; a reporter their own alone.
    assert "Salary late" in listed(desk_bot, HANNA, 'field:floor="1. OG" team:hr')
    assert f"#{salary}" in listed(desk_bot, ADMIN, 'field:floor="1. OG"')
    mine = listed(desk_bot, ALICE, 'field:floor="1. OG"')
    assert "Dock flickers" in mine
    assert "Paper jam" not in mine
    assert "Salary late" not in mine
    # In German, the same word; the title keeps the filter. A reporter's own tickets.
    german = listed(desk_bot, BOB, "field:floor=EG unzugewiesen", command="liste")
    assert "Mouse broken" in german
    assert "Dock flickers" not in german
    assert "Tickets unzugewiesen field:floor=EG (1)" in german


def test_a_private_teams_ticket_is_never_listed_to_outsiders(desk_bot: Bot) -> None:
    assert desk_bot.command(ADMIN, f"grant <@{BOB}> support", command="/ticket-admin").status == 200
    salary = open_typed(desk_bot, ALICE, "payroll", "Salary late", floor="EG")
    for user in (SAM, BOB):  # a team's member elsewhere; global support
        for words in ("field:floor=EG", "field:floor=EG unassigned", "field:floor=EG status:new"):
            assert f"#{salary}" not in listed(desk_bot, user, words), (user, words)
        assert f"#{salary}" not in listed(desk_bot, user, "field:floor=EG team:hr")
    assert f"#{salary}" in listed(desk_bot, HANNA, "field:floor=EG")


def test_a_field_filter_written_wrongly_gets_the_usage_and_changes_nothing(
    desk_bot: Bot,
) -> None:
    open_typed(desk_bot, ALICE, "hardware", "Dock", floor="EG")
    before = snapshot(desk_bot.running.core.engine)["tickets"]
    typo = listed(desk_bot, SAM, "fild:floor=EG")
    assert "I do not know `fild:floor=EG`. Did you mean `field:floor=eg`?" in typo
    assert "`field:&lt;id&gt;=&lt;value&gt;`" in typo
    for words in (
        "field:floor",
        'field:floor="1. OG',
        "field:floor=",
        " ".join(f"field:f{n}=x" for n in range(5)),
    ):
        answer = listed(desk_bot, SAM, words)
        assert "a field filter is written `field:&lt;id&gt;=&lt;value&gt;`, at most 4" in answer
        assert "Usage: `/ticket list" in answer
    desk_bot.slack.set_locale(HANNA, "de-DE")
    german = listed(desk_bot, HANNA, "field:floor", command="liste")
    assert "ein Feld grenzt man mit `field:&lt;Kürzel&gt;=&lt;Wert&gt;` ein" in german
    # What a person typed is never a live mention in the answer.
    response = desk_bot.command(SAM, "list field:floor=<!channel>").json()
    assert "<!channel>" not in response["text"]
    assert response["text"] == "Tickets field:floor=@channel (0)"
    assert snapshot(desk_bot.running.core.engine)["tickets"] == before
