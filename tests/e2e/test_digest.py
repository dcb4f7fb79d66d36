"""The morning digest through the real server: its periodic round, on a clock the test
moves, posts one message in the support channel, and a restart does not post another."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ALICE, Clock
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def morning_bot(database_url: str, slack: FakeSlack) -> Iterator[tuple[Bot, Clock]]:
    # Wednesday 2 December 2026, 08:59 in Berlin.
    clock = Clock(datetime(2026, 12, 2, 7, 59, tzinfo=UTC))
    settings = bot_settings(
        database_url,
        slack,
        flashticket_timezone="Europe/Berlin",
        flashticket_digest_time="09:00",
        flashticket_language="de",
    )
    bot = Bot(slack, settings, clock=clock).start()
    yield bot, clock
    bot.stop()


def digest_posts(slack: FakeSlack) -> list[str]:
    return [
        call.args["text"]
        for call in slack.calls("chat.postMessage")
        if call.args.get("channel") == SUPPORT_CHANNEL and "Morgenübersicht" in call.args["text"]
    ]


def run_digest_round(bot: Bot) -> bool:
    return bool(bot.running.scheduler.get_job("digest").func())


def test_the_digest_goes_out_once_after_its_time(
    morning_bot: tuple[Bot, Clock], slack: FakeSlack
) -> None:
    bot, clock = morning_bot
    number = bot.open_ticket(ALICE, "Drucker <!here> streikt")
    assert not run_digest_round(bot)  # 08:59: not yet
    clock.advance(minutes=2)
    assert run_digest_round(bot)
    slack.wait_for(lambda _calls: len(digest_posts(slack)) == 1)
    (text,) = digest_posts(slack)
    assert "Offen: *1* · Nicht zugewiesen: *1* · Wartet: *0*" in text
    assert f"*#{number}* Drucker &lt;!here&gt; streikt" in text
    assert not run_digest_round(bot)
    bot.restart()
    assert not run_digest_round(bot)
    assert len(digest_posts(slack)) == 1
