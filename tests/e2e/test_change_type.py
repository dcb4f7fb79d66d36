"""Changing a ticket's request type through the real server against the fake Slack, with
a desk file of two teams: the card's "Change type" (only where the ticket's team has
several types) opens a form of the team's other types; its submission updates the card
and tells its thread who changed the type; the same form again is stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flashticket_core.domain.model import FieldValue
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_routing import action_ids, thread_of, wait_for_card
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import block_action

IT_CHANNEL = "C0IT000001"
HR_CHANNEL = "G0HR000001"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: {IT_CHANNEL}}}
  - {{id: hr, name: HR & People, channel: {HR_CHANNEL}}}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {{id: asset_tag, label: Asset tag, type: text}}
  - {{id: access, name: Access & keys, team: it, priority: high}}
  - {{id: leave, name: Leave request, team: hr}}
"""


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def click_change_type(bot: Bot, user: str, card: Call) -> int:
    """Click the card's "Change type"; returns how many forms were open before."""
    (value,) = [
        element["value"]
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "ticket.change_type"
    ]
    before = len(bot.slack.calls("views.open"))
    click = block_action(
        user,
        "ticket.change_type",
        value=value,
        channel=str(card.args["channel"]),
        message_ts=str(card.response["ts"]),
        response_url=bot.slack.issue_response_url(),
        trigger_id=bot.slack.issue_trigger_id(),
    )
    assert bot.http.interact(click).status == 200
    return before


def choose(kind: str) -> dict[str, dict[str, Any]]:
    return {"request_type": {"type": "static_select", "selected_option": {"value": kind}}}


def test_change_type_updates_the_card_and_tells_its_thread(desk_bot: Bot) -> None:
    slack, desk = desk_bot.slack, desk_bot.running.core.desk
    ticket = desk.tickets.open_ticket(
        ALICE,
        title="Screen flickers",
        request_type="hardware",
        fields=[FieldValue("asset_tag", ("A-17",))],
    )
    card = wait_for_card(slack, IT_CHANNEL, ticket.id)
    assert "ticket.change_type" in action_ids(card)
    before = click_change_type(desk_bot, ADMIN, card)
    form: dict[str, Any] = slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    [block] = form["blocks"]
    assert [option["value"] for option in block["element"]["options"]] == ["access"]
    assert block["element"]["options"][0]["text"]["text"] == "Access & keys"
    response = desk_bot.submit(ADMIN, form, choose("access"))
    assert response.status == 200, response.body
    assert response.body in (b"", b"{}"), response.body
    # The card is updated as the ticket is now: the next version's buttons, its field.
    version = ticket.version + 1
    slack.wait_for(
        lambda _: any(
            c.args.get("ts") == card.response["ts"]
            and any(b.get("block_id") == f"actions-v{version}" for b in c.args["blocks"])
            for c in slack.calls("chat.update")
        )
    )
    slack.wait_for(lambda _: bool(thread_of(slack, card)))
    assert thread_of(slack, card) == [
        f"<@UADMIN0001> changed the request type of #{ticket.id} "
        "from *Hardware defect* to *Access &amp; keys*."
    ]
    shown = desk.queries.show(ADMIN, ticket.id).ticket
    assert (shown.request_type, shown.priority.value) == ("access", "medium")
    assert [(f.label, f.text) for f in shown.fields] == [("Asset tag", "A-17")]
    # The same form again: the ticket changed since it was opened.
    stale = desk_bot.submit(ADMIN, form, choose("access")).json()
    assert stale["response_action"] == "errors"
    assert f"#{ticket.id}" in stale["errors"]["request_type"]


def test_no_change_type_where_the_team_has_one_type_nor_for_a_plain_user(
    desk_bot: Bot,
) -> None:
    slack, desk = desk_bot.slack, desk_bot.running.core.desk
    leave = desk.tickets.open_ticket(ALICE, title="Two weeks", request_type="leave")
    hr_card = wait_for_card(slack, HR_CHANNEL, leave.id)
    assert "ticket.move_team" in action_ids(hr_card)
    assert "ticket.change_type" not in action_ids(hr_card)
    screen = desk.tickets.open_ticket(ALICE, title="Screen", request_type="hardware")
    card = wait_for_card(slack, IT_CHANNEL, screen.id)
    before = click_change_type(desk_bot, BOB, card)
    [refusal] = slack.wait_for("response_url")
    assert "change the request type of tickets" in str(refusal.args), refusal.args
    assert len(slack.calls("views.open")) == before
    assert desk.queries.show(ADMIN, screen.id).ticket.request_type == "hardware"
