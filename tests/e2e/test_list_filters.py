"""`/ticket list` with filters as words, through the real signed slash command, in
English and German: what the list shows, the next page's command, and the answer to a
word it does not take."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.listeners import commands
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.fakes.slack_api import FakeSlack
from tests.snapshots import snapshot


def text_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def titles(response: Any) -> list[str]:
    return re.findall(r"(?:Mouse|VPN|Printer|Issue \d)", text_of(response))


def test_filters_narrow_the_list_and_pages_keep_them(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands, "LIST_PAGE", 2)
    bot.open_ticket(ALICE, "VPN", priority="high")
    bot.open_ticket(BOB, "Mouse", priority="low")
    printer = bot.open_ticket(BOB, "Printer", priority="high")
    assert bot.click(ADMIN, printer, "ticket.take").status == 200
    desk = bot.running.core.desk
    bot.slack.wait_for(lambda _: desk.queries.show(ADMIN, printer).ticket.assignee_id is not None)
    answer = bot.command(ADMIN, "list team:support status:new priority:high unassigned")
    assert titles(answer) == ["VPN"]
    assert "Tickets team:support status:new priority:high unassigned (1)" in text_of(answer)
    assert sorted(titles(bot.command(ADMIN, "list priority:HIGH"))) == ["Printer", "VPN"]
    assert titles(bot.command(ADMIN, "list status:in-progress")) == ["Printer"]
    assert titles(bot.command(ALICE, "list priority:high")) == ["VPN"]  # a person's own
    assert titles(bot.command(BOB, "list unassigned")) == ["Mouse"]
    for n in range(3):
        bot.open_ticket(ALICE, f"Issue {n}", priority="high")
    first = text_of(bot.command(ADMIN, "list priority:high unassigned"))
    assert "Page 1 of 2. …and 2 more: `/ticket list priority:high unassigned page 2`" in first
    second = bot.command(ADMIN, "list priority:high unassigned page 2")
    assert len(titles(second)) == 2
    assert "Page 2 of 2." in text_of(second)
    # Each once over the pages.
    shown = [*re.findall(r"VPN|Issue \d", first), *titles(second)]
    assert sorted(shown) == ["Issue 0", "Issue 1", "Issue 2", "VPN"]


def test_a_word_the_list_does_not_take_says_what_it_does_and_changes_nothing(
    bot: Bot,
) -> None:
    bot.open_ticket(ALICE, "VPN")
    tables = ("tickets", "ticket_history", "ticket_entries", "role_assignments", "teams")
    before = {table: snapshot(bot.running.core.engine)[table] for table in tables}
    modals = len(bot.slack.calls("views.open"))
    status = text_of(bot.command(ADMIN, "list status:neww"))
    assert "There is no status `neww`. Did you mean `status:new`?" in status
    assert "`in-progress`" in status
    team = text_of(bot.command(ADMIN, "list team:it"))
    assert "There is no team `it`." in team
    assert "The teams: `support`." in team
    word = text_of(bot.command(ADMIN, "list unasigned"))
    assert "I do not know `unasigned`. Did you mean `unassigned`?" in word
    assert "Usage: `/ticket list [mine] [page &lt;n&gt;]`" in word
    assert "`priority:high|medium|low`" in word
    assert "each filter goes into a list once" in text_of(
        bot.command(ADMIN, "list status:new status:closed")
    )
    # A typo of `list` with filters after it is still a typo, not a new ticket's title.
    assert "Did you mean `list`?" in text_of(bot.command(ADMIN, "lsit status:new"))
    after = snapshot(bot.running.core.engine)
    assert {table: after[table] for table in tables} == before
    assert len(bot.slack.calls("views.open")) == modals


def test_german_filter_words_and_answers(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "LIST_PAGE", 1)
    bot.slack.set_locale(ADMIN, "de-DE")
    bot.open_ticket(ALICE, "VPN", priority="high")
    bot.open_ticket(ALICE, "Mouse", priority="high")
    first = text_of(bot.command(ADMIN, "liste priorität:hoch status:Neu unzugewiesen"))
    assert "Tickets status:neu priorität:hoch unzugewiesen (2)" in first
    assert "`/ticket liste status:neu priorität:hoch unzugewiesen seite 2`" in first
    assert "Seite 2 von 2." in text_of(bot.command(ADMIN, "liste prioritaet:hoch seite 2"))
    # The English words go in German too.
    assert "Tickets priorität:hoch (2)" in text_of(bot.command(ADMIN, "liste priority:high"))
    wrong = text_of(bot.command(ADMIN, "liste priorität:dringend"))
    assert "Eine Priorität `dringend` gibt es nicht." in wrong
    assert "`hoch`, `mittel`, `niedrig`" in wrong
    hilfe = text_of(bot.command(ADMIN, "hilfe"))
    assert "`status:neu`" in hilfe
    assert "`unzugewiesen`" in hilfe
    assert "`priority:high`" in text_of(bot.command(ALICE, "help"))


def test_a_desk_files_teams_are_the_ones_a_list_takes(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(
        "teams:\n  - {id: it, name: IT, channel: C0IT}\n  - {id: hr, name: HR, channel: G0HR}\n"
    )
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    bot = Bot(slack, settings).start()
    try:
        assert "Tickets team:hr (0)" in text_of(bot.command(ADMIN, "list team:hr"))
        refused = text_of(bot.command(ADMIN, "list team:support"))
        assert "There is no team `support`." in refused
        assert "The teams: `it`, `hr`." in refused
    finally:
        bot.stop()
