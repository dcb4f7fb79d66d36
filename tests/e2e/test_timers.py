"""The clock through the real server, with targets of seconds around the clock: a
missed target is escalated once, a reply in time prevents it and leaves the card,
waiting pauses resolution (not first response), and a resolved ticket closes itself and
tells its reporter once; two replicas escalate once; outside business hours no target
runs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from flashticket_core.adapters.tables import TicketTimer
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import block_action

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
    """The escalations naming the ticket: its own, or a sweep's list of several."""
    return [
        str(c.args["text"])
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == SUPPORT_CHANNEL
        and not c.args.get("thread_ts")
        and "missed" in str(c.args.get("text"))
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
    assert "first response due" in str(bot.card(answered).args["blocks"])
    support_reply(bot, answered, "Looking at it now.")
    # Met: the card no longer says it is due.
    slack.wait_for(lambda _: "first response" not in str(bot.card(answered).args["blocks"]))
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


def test_waiting_pauses_resolution_and_the_reporters_answer_resumes_it(
    make_bot: MakeBot, slack: FakeSlack
) -> None:
    bot = make_bot(flashticket_sla="high=/6s,medium=4s/", flashticket_waiting_nudge="off")
    paused = bot.open_ticket(ALICE, "Which laptop?", priority="high")
    # Waiting before any answer: the first response is still owed, and missed.
    unanswered = bot.open_ticket(ALICE, "Waiting for nothing", priority="medium")
    for ticket_id in (paused, unanswered):
        assert bot.click(ADMIN, ticket_id, "ticket.status", "waiting").status == 200
        slack.wait_for(lambda _, t=ticket_id: any("Waiting" in x for x in bot.dm_thread(t)))
    slack.wait_for(lambda _: len(escalations(slack, unanswered)) == 1, timeout=FIRES_WITHIN)
    assert "first response" in escalations(slack, unanswered)[0]
    control = bot.open_ticket(ALICE, "Opened later", priority="high")
    slack.wait_for(lambda _: len(escalations(slack, control)) == 1, timeout=FIRES_WITHIN)
    assert escalations(slack, paused) == []  # opened first, but its clock stood still
    assert bot.reply_in_dm(ALICE, paused, "The grey one.").status == 200
    slack.wait_for(lambda _: len(escalations(slack, paused)) == 1, timeout=FIRES_WITHIN)
    assert "resolution" in escalations(slack, paused)[0]


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


def test_two_replicas_on_postgresql_send_one_escalation(
    postgres_database_url: str, slack: FakeSlack
) -> None:
    values = {"flashticket_business_hours": "always", "flashticket_sla": "high=3s/1h"}
    replicas = [
        Bot(slack, bot_settings(postgres_database_url, slack, **values)).start() for _ in range(2)
    ]
    try:
        tickets = [
            replicas[n % 2].open_ticket(ALICE, f"VPN {n}", priority="high") for n in range(4)
        ]
        for ticket_id in tickets:
            slack.wait_for(
                lambda _, t=ticket_id: len(escalations(slack, t)) >= 1, timeout=FIRES_WITHIN
            )
        # Both replicas sweep every 5 s; two more rounds of each find nothing left to send.
        last = replicas[0].open_ticket(ALICE, "Last", priority="high")
        slack.wait_for(lambda _: len(escalations(slack, last)) == 1, timeout=FIRES_WITHIN)
        assert [len(escalations(slack, t)) for t in tickets] == [1, 1, 1, 1]
    finally:
        for replica in replicas:
            replica.stop()


def test_outside_business_hours_no_target_runs(make_bot: MakeBot, slack: FakeSlack) -> None:
    # Every day is open, but today and the days around it are holidays: no business time
    # passes during the test, while the wall-clock timers (auto-close) still run.
    today = datetime.now(UTC).date()
    days_off = ",".join(str(today + timedelta(days=n)) for n in (-1, 0, 1))
    bot = make_bot(
        flashticket_sla="high=2s/4s",
        flashticket_business_hours="mon-sun 00:00-24:00",
        flashticket_holidays=days_off,
        flashticket_auto_close="2s",
    )
    waiting = bot.open_ticket(ALICE, "Nobody is in today", priority="high")
    control = bot.open_ticket(ALICE, "Done")
    assert bot.click(ADMIN, control, "ticket.status", "resolved").status == 200
    # The control closes itself after 2 s of wall-clock time: sweeps ran past the target.
    slack.wait_for(
        lambda _: any("closed by itself" in t for t in bot.dm_thread(control)),
        timeout=FIRES_WITHIN,
    )
    # The sweep that closed it ran after the target would have been due: it fired none
    # of the target's timers, all due once the holidays are over.
    with bot.running.core.database.reading() as session:
        timers = session.execute(
            select(TicketTimer.fired_at, TicketTimer.due_at).where(TicketTimer.ticket_id == waiting)
        ).all()
    assert timers
    assert all(fired is None for fired, _ in timers)
    assert all(due > datetime.now(UTC) + timedelta(days=1) for _, due in timers)
    assert escalations(slack, waiting) == []


def test_the_reporter_may_reopen_what_the_clock_closed_not_what_a_person_closed(
    make_bot: MakeBot, slack: FakeSlack
) -> None:
    bot = make_bot(flashticket_auto_close="2s")
    by_clock = bot.open_ticket(ALICE, "Closed by the clock")
    assert bot.click(ADMIN, by_clock, "ticket.status", "resolved").status == 200
    root = bot.dm_root(by_clock)

    def closed_note() -> Any:
        for call in slack.calls("chat.postMessage"):
            if call.args.get("thread_ts") == root.response["ts"] and "closed by itself" in str(
                call.args.get("text")
            ):
                return call
        return None

    slack.wait_for(lambda _: closed_note() is not None, timeout=FIRES_WITHIN)
    [reopen] = [
        e
        for b in closed_note().args.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "reporter.reopen"
    ]

    def press(ticket_value: str) -> str:
        payload = block_action(
            ALICE,
            "reporter.reopen",
            channel=root.response["channel"],
            response_url=slack.issue_response_url(),
            value=ticket_value,
        )
        before = len(slack.calls("response_url"))
        assert bot.http.interact(payload).status == 200
        answers = slack.calls("response_url")[before:]
        return str(answers[-1].args["text"]) if answers else ""

    assert press(reopen["value"]) == ""
    slack.wait_for(lambda _: "In progress" in str(bot.card(by_clock).args["blocks"]))

    # Closed by a person: the reporter's reopen (a forged click) is refused, nothing moves.
    by_person = bot.open_ticket(ALICE, "Closed by support")
    assert bot.click(ADMIN, by_person, "ticket.status", "closed").status == 200
    slack.wait_for(lambda _: "Closed" in str(bot.card(by_person).args["blocks"]))
    version = json.loads(reopen["value"])["v"]
    for seen in range(1, version + 3):
        answer = press(json.dumps({"t": by_person, "v": seen}, separators=(",", ":")))
        assert answer, "a refusal is said, never silent"
    assert "Closed" in str(bot.card(by_person).args["blocks"])
    assert "Closed" in str(bot.command(ALICE, f"show {by_person}").json())
