"""The clock through the real server, with targets of seconds around the clock: a
missed target is escalated once, a reply in time prevents it, waiting pauses it, and a
resolved ticket closes itself and tells its reporter once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import FakeSlack

# A sweep every 5 s fires a timer within 15 s of being due; this leaves room for it.
FIRES_WITHIN = 25.0
MakeBot = Callable[..., Bot]


@pytest.fixture
def make_bot(database_url: str, slack: FakeSlack) -> Iterator[MakeBot]:
    started: list[Bot] = []

    def make(**settings: Any) -> Bot:
        values = {"flashticket_business_hours": "always", "flashticket_sla": ""} | settings
        bot = Bot(slack, bot_settings(database_url, slack, **values)).start()
        started.append(bot)
        return bot

    yield make
    for bot in started:
        bot.stop()


def escalations(slack: FakeSlack, ticket_id: int) -> list[str]:
    return [
        str(c.args["text"])
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == SUPPORT_CHANNEL
        and not c.args.get("thread_ts")
        and "missed its" in str(c.args.get("text"))
        and f"*#{ticket_id}*" in str(c.args.get("text"))
    ]


def support_reply(bot: Bot, ticket_id: int, text: str) -> None:
    before = len(bot.slack.calls("views.open"))
    assert bot.click(ADMIN, ticket_id, "ticket.reply").status == 200
    modal = bot.slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    response = bot.submit(ADMIN, modal, {"text": {"type": "plain_text_input", "value": text}})
    assert response.status == 200
    bot.slack.wait_for(lambda _: any(text in t for t in bot.dm_thread(ticket_id)))


def test_a_missed_first_response_is_escalated_once_and_a_reply_in_time_prevents_it(
    make_bot: MakeBot, slack: FakeSlack
) -> None:
    bot = make_bot(flashticket_sla="high=4s/1h")
    late = bot.open_ticket(ALICE, "Printer <!channel> on fire & smoking", priority="high")
    answered = bot.open_ticket(ALICE, "Mail is slow", priority="high")
    support_reply(bot, answered, "Looking at it now.")
    slack.wait_for(lambda _: len(escalations(slack, late)) == 1, timeout=FIRES_WITHIN)
    [text] = escalations(slack, late)
    assert "first response" in text
    assert "4 s" in text
    # The title is the reporter's words: escaped once, never a live mention.
    assert "&lt;!channel&gt; on fire &amp; smoking" in text
    assert f"https://slack.com/archives/{SUPPORT_CHANNEL}/p" in text
    # A restart, then a later ticket's breach proves sweeps ran since: nothing again.
    bot.restart()
    later = bot.open_ticket(ALICE, "Later", priority="high")
    slack.wait_for(lambda _: len(escalations(slack, later)) == 1, timeout=FIRES_WITHIN)
    assert len(escalations(slack, late)) == 1
    assert escalations(slack, answered) == []


def test_waiting_pauses_the_target_and_the_reporters_answer_resumes_it(
    make_bot: MakeBot, slack: FakeSlack
) -> None:
    bot = make_bot(flashticket_sla="high=6s/1h", flashticket_waiting_nudge="off")
    paused = bot.open_ticket(ALICE, "Which laptop?", priority="high")
    assert bot.click(ADMIN, paused, "ticket.status", "waiting").status == 200
    slack.wait_for(lambda _: any("Waiting" in t for t in bot.dm_thread(paused)))
    control = bot.open_ticket(ALICE, "Opened later", priority="high")
    slack.wait_for(lambda _: len(escalations(slack, control)) == 1, timeout=FIRES_WITHIN)
    assert escalations(slack, paused) == []  # opened first, but its clock stood still
    assert bot.reply_in_dm(ALICE, paused, "The grey one.").status == 200
    slack.wait_for(lambda _: len(escalations(slack, paused)) == 1, timeout=FIRES_WITHIN)


def test_a_resolved_ticket_closes_itself_and_tells_the_reporter_once(
    make_bot: MakeBot, slack: FakeSlack
) -> None:
    bot = make_bot(flashticket_auto_close="2s")

    def closed_notes(ticket_id: int) -> list[str]:
        return [t for t in bot.dm_thread(ticket_id) if "closed by itself" in t]

    first = bot.open_ticket(ALICE, "Done soon")
    assert bot.click(ADMIN, first, "ticket.status", "resolved").status == 200
    slack.wait_for(lambda _: len(closed_notes(first)) == 1, timeout=FIRES_WITHIN)
    slack.wait_for(lambda _: "Closed" in str(bot.card(first).args["blocks"]))
    second = bot.open_ticket(ALICE, "Done later")
    assert bot.click(ADMIN, second, "ticket.status", "resolved").status == 200
    slack.wait_for(lambda _: len(closed_notes(second)) == 1, timeout=FIRES_WITHIN)
    assert len(closed_notes(first)) == 1
