"""Per team through the real server: the morning digest of two teams lands in each
team's own channel, once a day; `/ticket stats it` answers with IT's figures alone, in
English and German (`/ticket statistik it`); an unknown team is named back with the
teams there are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB, Clock
from tests.fakes.slack_api import FakeSlack
from tests.snapshots import snapshot

IT_CHANNEL = "C0IT000001"
HR_CHANNEL = "G0HR000001"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: {IT_CHANNEL}}}
  - {{id: hr, name: HR & People, channel: {HR_CHANNEL}, private: true}}
"""


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[Bot, Clock]]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    # Wednesday 2 December 2026, 08:59 in Berlin.
    clock = Clock(datetime(2026, 12, 2, 7, 59, tzinfo=UTC))
    settings = bot_settings(
        database_url,
        slack,
        flashticket_desk_file=str(desk_file),
        flashticket_timezone="Europe/Berlin",
        flashticket_digest_time="09:00",
    )
    bot = Bot(slack, settings, clock=clock).start()
    yield bot, clock
    bot.stop()


def open_in(bot: Bot, team: str, reporter: str, title: str) -> int:
    """A ticket of `team` (made in the core: which team's channel its card goes to is
    not what these tests are about)."""
    core = bot.running.core
    ticket_id = int(core.desk.tickets.open_ticket(reporter, title=title).id)
    with core.engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET team_id = :team WHERE id = :id"),
            {"team": team, "id": ticket_id},
        )
    return ticket_id


def digest_posts(slack: FakeSlack) -> dict[str, list[str]]:
    posts: dict[str, list[str]] = {}
    for call in slack.calls("chat.postMessage"):
        if "Morning digest" in call.args["text"]:
            posts.setdefault(call.args["channel"], []).append(call.args["text"])
    return posts


def run_digest_round(bot: Bot) -> bool:
    return bool(bot.running.scheduler.get_job("digest").func())


def test_each_teams_digest_lands_in_its_own_channel_once(
    desk_bot: tuple[Bot, Clock], slack: FakeSlack
) -> None:
    bot, clock = desk_bot
    vpn = open_in(bot, "it", ALICE, "VPN <!here> down")
    open_in(bot, "it", BOB, "Mouse")
    payslip = open_in(bot, "hr", ALICE, "Payslip")
    assert not run_digest_round(bot)  # 08:59: not yet
    clock.advance(minutes=2)
    assert run_digest_round(bot)
    slack.wait_for(lambda _calls: len(digest_posts(slack)) == 2)
    posts = digest_posts(slack)
    assert set(posts) == {IT_CHANNEL, HR_CHANNEL}
    (it,) = posts[IT_CHANNEL]
    (hr,) = posts[HR_CHANNEL]
    assert it.startswith("*Morning digest of IT-Support, ")
    assert "Open: *2* · Unassigned: *2* · Waiting: *0*" in it
    assert f"*#{vpn}* VPN &lt;!here&gt; down" in it
    assert "Payslip" not in it
    assert hr.startswith("*Morning digest of HR &amp; People, ")
    assert "Open: *1* · Unassigned: *1*" in hr
    assert f"*#{payslip}* Payslip" in hr
    assert "VPN" not in hr
    header = next(
        call.args["blocks"][0]["text"]["text"]
        for call in slack.calls("chat.postMessage")
        if call.args["channel"] == HR_CHANNEL and "Morning digest" in call.args["text"]
    )
    assert header.startswith("Morning digest of HR & People, ")
    # Not in the support channel, and not again: a second round, a restart.
    assert SUPPORT_CHANNEL not in posts
    assert not run_digest_round(bot)
    bot.restart()
    assert not run_digest_round(bot)
    assert {channel: len(texts) for channel, texts in digest_posts(slack).items()} == {
        IT_CHANNEL: 1,
        HR_CHANNEL: 1,
    }


def answer_of(bot: Bot, user: str, words: str) -> tuple[str, str]:
    response = bot.command(user, words)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return str(body["text"]), json.dumps(body.get("blocks", []), ensure_ascii=False)


def test_stats_of_one_team_and_of_all(desk_bot: tuple[Bot, Clock], slack: FakeSlack) -> None:
    bot, _clock = desk_bot
    for title in ("VPN", "Mouse", "Screen"):
        open_in(bot, "it", ALICE, title)
    open_in(bot, "hr", BOB, "Payslip")
    title, shown = answer_of(bot, ADMIN, "stats it")
    assert title == "Statistics of IT-Support (last 30 days)"
    assert "*Open:* 3 (New 3" in shown
    title, shown = answer_of(bot, ADMIN, "stats hr 7")
    assert title == "Statistics of HR &amp; People (last 7 days)"
    assert "Statistics of HR & People (last 7 days)" in shown  # the header, plain text
    assert "*Open:* 1 (New 1" in shown
    title, shown = answer_of(bot, ADMIN, "stats")
    assert title == "Help desk statistics (last 30 days)"
    assert "*Open:* 4 (New 4" in shown
    # The charts of the team asked for go to the person's DM as before.
    slack.wait_for("files.completeUploadExternal", count=3)


def test_stats_in_german_and_an_unknown_team(desk_bot: tuple[Bot, Clock], slack: FakeSlack) -> None:
    bot, _clock = desk_bot
    open_in(bot, "it", ALICE, "VPN")
    slack.set_locale(ADMIN, "de-DE")
    title, shown = answer_of(bot, ADMIN, "statistik it 1")
    assert title == "Statistik von IT-Support (letzter Tag)"
    assert "*Offen:* 1" in shown
    tables = ("tickets", "ticket_history", "ticket_entries", "role_assignments", "teams")
    before = {table: snapshot(bot.running.core.engine)[table] for table in tables}
    title, _shown = answer_of(bot, ADMIN, "statistik finanzen")
    assert title == "Unbekanntes Team „finanzen“; erlaubt sind it, hr."
    # What a person typed is never a live mention in the answer.
    title, _shown = answer_of(bot, ADMIN, "stats <!channel>")
    assert title == "Unbekanntes Team „@channel“; erlaubt sind it, hr."
    title, _shown = answer_of(bot, ADMIN, "statistik it hr")
    assert "/ticket statistik [Team] [Tage]" in title
    after = snapshot(bot.running.core.engine)
    assert {table: after[table] for table in tables} == before
    # A person who is not support is refused as before, and learns no team's id.
    refused, _shown = answer_of(bot, ALICE, "stats it")
    assert "support" in refused.lower()
    assert answer_of(bot, ALICE, "stats finanzen")[0] == refused
