"""Timers on both databases: written in the transaction of the change that sets them,
fired once by the sweep, across restarts and by two sweepers at once."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import case, func, select

from bot import blocks
from bot.blocks.answers import ticket_detail
from bot.blocks.stats import targets_met
from bot.settings import Settings
from bot.slack_sender import SlackTransport
from flashticket_core.adapters.tables import OutboxMessage, TicketTarget, TicketTimer
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.clock import SYSTEM_ACTOR, TargetKind, TimerKind, Urgency
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.i18n import Language
from flashticket_core.service_layer import sweep as sweep_module
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.export import COLUMNS
from flashticket_core.service_layer.jobs import Leases
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import FakeSlack

ESCALATIONS = "C0ESCALATE"


@pytest.fixture
def core(database_url: str, clock: Clock) -> Iterator[Core]:
    """The targets around the clock, so the arithmetic here is the timers' alone (the
    business calendar's is tests/unit/test_business_time.py's)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_business_hours="always",
    )
    core = bootstrap(settings, clock=clock)
    yield core
    core.close()


def unfired(core: Core, ticket_id: int | None = None) -> dict[str, Any]:
    query = select(TicketTimer.kind, TicketTimer.due_at).where(
        TicketTimer.fired_at.is_(None), TicketTimer.cancelled_at.is_(None)
    )
    if ticket_id is not None:
        query = query.where(TicketTimer.ticket_id == ticket_id)
    with core.engine.connect() as connection:
        return dict(connection.execute(query).all())


def messages(core: Core, kind: str) -> list[dict[str, Any]]:
    with core.engine.connect() as connection:
        payloads = connection.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
        return [json.loads(payload) for payload in payloads]


def escalated(core: Core) -> list[int]:
    """The tickets the escalation messages name, a lone one's or a list's, in order."""
    named: list[int] = []
    with core.engine.connect() as connection:
        for ticket_id, payload in connection.execute(
            select(OutboxMessage.ticket_id, OutboxMessage.payload)
            .where(OutboxMessage.kind == "escalation")
            .order_by(OutboxMessage.id)
        ):
            items = json.loads(payload).get("items")
            named.extend([ticket_id] if items is None else [item["ticket"] for item in items])
    return named


def leases(core: Core, clock: Clock, holder: str = "replica-1") -> Leases:
    return Leases(core.jobs, clock=clock, holder=holder)


def test_a_new_ticket_has_its_targets_timers_from_its_own_transaction(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    opened_at = clock()
    ticket = desk.tickets.open_ticket(ALICE, title="VPN down", priority=Priority.HIGH)
    assert unfired(core, ticket.id) == {
        TimerKind.WARN_FIRST_RESPONSE: opened_at + timedelta(minutes=22.5),
        TimerKind.BREACH_FIRST_RESPONSE: opened_at + timedelta(minutes=30),
        TimerKind.WARN_RESOLUTION: opened_at + timedelta(hours=3),
        TimerKind.BREACH_RESOLUTION: opened_at + timedelta(hours=4),
    }


def test_waiting_pauses_resolution_not_first_response_and_the_answer_cancels_the_nudge(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    opened_at = clock()
    ticket = desk.tickets.open_ticket(ALICE, title="printer", priority=Priority.HIGH)
    clock.advance(minutes=10)
    desk.tickets.change_status(SUPPORT, ticket.id, Status.WAITING)
    waiting_since = clock()
    # Waiting is no answer: the first response is still owed, on time as set.
    assert unfired(core, ticket.id) == {
        TimerKind.WARN_FIRST_RESPONSE: opened_at + timedelta(minutes=22.5),
        TimerKind.BREACH_FIRST_RESPONSE: opened_at + timedelta(minutes=30),
        TimerKind.WAITING_NUDGE: waiting_since + timedelta(days=3),
        TimerKind.WAITING_RESOLVE: waiting_since + timedelta(days=7),
    }
    clock.advance(hours=5)
    desk.conversation.add_reporter_reply(ALICE, ticket.id, "it works again, sometimes")
    timers = unfired(core, ticket.id)
    assert TimerKind.WAITING_NUDGE not in timers
    assert TimerKind.WAITING_RESOLVE not in timers
    # 3 h 50 min of the 4 h are left, counted from the answer.
    assert timers[TimerKind.BREACH_RESOLUTION] == clock() + timedelta(hours=3, minutes=50)


def test_a_breach_is_escalated_once_and_a_reply_in_time_prevents_it(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    late = desk.tickets.open_ticket(ALICE, title="late <@UALL> &", priority=Priority.HIGH)
    answered = desk.tickets.open_ticket(ALICE, title="answered", priority=Priority.HIGH)
    clock.advance(minutes=29)
    desk.conversation.add_internal_note(SUPPORT, late.id, "a note is no response")
    desk.conversation.add_support_reply(SUPPORT, answered.id, "on it")
    clock.advance(minutes=2)
    sweeper = leases(core, clock)
    assert core.sweep_timers(sweeper) == 2  # the late one's warning and breach
    escalations = messages(core, "escalation")
    assert [(m["event"], m["target"]) for m in escalations] == [("sla_breach", "first_response")]
    assert escalations[0]["late"] == 60
    warnings = messages(core, "support_thread")
    assert [m["event"] for m in warnings].count("sla_warning") == 1  # unassigned: the thread
    assert core.sweep_timers(sweeper) == 0
    assert len(messages(core, "escalation")) == 1


def test_the_warning_goes_to_the_assignee(core: Core, desk: HelpDesk, clock: Clock) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="slow laptop", priority=Priority.HIGH)
    desk.tickets.take(SUPPORT, ticket.id)
    clock.advance(minutes=23)
    assert core.sweep_timers(leases(core, clock)) == 1
    [warning] = messages(core, "person")
    assert (warning["user"], warning["target"]) == (SUPPORT, "first_response")


def test_a_restart_does_not_fire_a_timer_again(core: Core, desk: HelpDesk, clock: Clock) -> None:
    desk.tickets.open_ticket(ALICE, title="mail", priority=Priority.HIGH)
    clock.advance(minutes=31)
    assert core.sweep_timers(leases(core, clock)) == 2
    restarted = bootstrap(core.settings, clock=clock)
    try:
        clock.advance(minutes=1)  # the first replica's lease has not run out: a new holder waits
        assert restarted.sweep_timers(leases(restarted, clock, "replica-2")) == 0
        clock.advance(minutes=1)
        assert restarted.sweep_timers(leases(restarted, clock, "replica-2")) == 0
    finally:
        restarted.close()
    assert len(messages(core, "escalation")) == 1


class AlwaysHeld(Leases):
    """A lease that ran out in the middle of a round: both replicas sweep."""

    def acquire(self, name: str, duration: timedelta) -> bool:
        return True


def test_two_sweepers_at_once_fire_each_timer_once(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    tickets = [
        desk.tickets.open_ticket(ALICE, title=f"ticket {number}", priority=Priority.HIGH)
        for number in range(40)
    ]
    clock.advance(minutes=31)
    other = bootstrap(core.settings, clock=clock)
    fired: list[int] = []
    errors: list[BaseException] = []

    def run(replica: Core, holder: str) -> None:
        try:
            fired.append(replica.sweep_timers(AlwaysHeld(replica.jobs, clock=clock, holder=holder)))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(core, "a")),
        threading.Thread(target=run, args=(other, "b")),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    assert not errors
    assert sum(fired) == 80
    # Each missed target is told once, in the escalation of whichever round fired it.
    assert sorted(escalated(core)) == sorted(t.id for t in tickets)


def test_a_resolved_ticket_closes_itself_and_tells_the_reporter_once(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="done soon")
    desk.tickets.change_status(SUPPORT, ticket.id, Status.RESOLVED)
    clock.advance(days=7, seconds=1)
    sweeper = leases(core, clock)
    assert core.sweep_timers(sweeper) == 1
    assert core.sweep_timers(sweeper) == 0
    detail = desk.queries.show(SUPPORT, ticket.id)
    assert detail.ticket.status is Status.CLOSED
    assert detail.history[-1].actor_id == SYSTEM_ACTOR
    told = [m for m in messages(core, "reporter_thread") if m.get("reason") == "auto_close"]
    assert len(told) == 1
    # Support hears of it in the card's thread: the card's edit alone notifies nobody.
    heard = [m for m in messages(core, "support_thread") if m.get("event") == "status"]
    assert [m["reason"] for m in heard] == ["auto_close"]
    desk.tickets.reopen(SUPPORT, ticket.id)  # a reopen owes a full resolution target
    assert unfired(core, ticket.id)[TimerKind.BREACH_RESOLUTION] == clock() + timedelta(days=2)


def test_a_waiting_ticket_nudges_then_resolves_itself(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="need your logs")
    desk.conversation.add_support_reply(SUPPORT, ticket.id, "Could you send your logs?")
    desk.tickets.change_status(SUPPORT, ticket.id, Status.WAITING)
    sweeper = leases(core, clock)
    clock.advance(days=3, seconds=1)
    assert core.sweep_timers(sweeper) == 1
    assert [m["event"] for m in messages(core, "reporter_thread")][-1] == "waiting_nudge"
    clock.advance(days=4)
    assert core.sweep_timers(sweeper) == 1
    assert desk.queries.show(SUPPORT, ticket.id).ticket.status is Status.RESOLVED
    assert messages(core, "reporter_thread")[-1]["reason"] == "waiting_resolve"
    heard = [m for m in messages(core, "support_thread") if m.get("event") == "status"]
    assert [m["reason"] for m in heard] == ["waiting_resolve"]
    assert TimerKind.AUTO_CLOSE in unfired(core, ticket.id)


def test_statistics_share_the_targets_met_in_time_and_show_says_what_is_due(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    in_time = desk.tickets.open_ticket(ALICE, title="in time", priority=Priority.HIGH)
    late = desk.tickets.open_ticket(ALICE, title="late", priority=Priority.HIGH)
    clock.advance(minutes=10)
    desk.conversation.add_support_reply(SUPPORT, in_time.id, "on it")
    clock.advance(minutes=25)
    core.sweep_timers(leases(core, clock))
    desk.conversation.add_support_reply(SUPPORT, late.id, "sorry, on it now")
    kpis = desk.queries.statistics(SUPPORT).kpis
    assert kpis.targets_met == {(Priority.HIGH, TargetKind.FIRST_RESPONSE): (1, 1)}
    assert targets_met(Language.EN, kpis) == "High first response 50 % (1 of 2)"
    detail = desk.queries.show(SUPPORT, late.id)
    shown = ticket_detail(Language.EN, detail, now=clock() + timedelta(hours=5))
    due = next(block for block in shown if block.get("block_id") == "due")
    assert due["elements"][0]["text"] == ":rotating_light: resolution missed by 1 h 35 min"


def test_the_export_has_each_targets_due_time_and_standing(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    opened_at = clock()
    answered = desk.tickets.open_ticket(ALICE, title="answered", priority=Priority.HIGH)
    waiting = desk.tickets.open_ticket(ALICE, title="waiting", priority=Priority.HIGH)
    desk.conversation.add_support_reply(SUPPORT, answered.id, "on it")
    desk.tickets.change_status(SUPPORT, waiting.id, Status.WAITING)
    out = io.StringIO()
    desk.admin.export_csv(ADMIN, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    due = (opened_at + timedelta(hours=4)).isoformat(sep=" ", timespec="seconds")
    assert [
        (r["first_response_target"], r["resolution_due_at"], r["resolution_target"])
        for r in records
    ] == [("met", due, "running"), ("running", "", "paused")]


def test_the_app_home_queue_says_what_is_due(core: Core, desk: HelpDesk, clock: Clock) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="queue me", priority=Priority.HIGH)
    home = desk.queries.home(SUPPORT)
    assert home.queue is not None
    [queued] = [t for t in home.queue.items if t.id == ticket.id]
    assert [clock.kind for clock in queued.targets] == list(TargetKind)
    queue = next(
        b
        for b in blocks.home(Language.EN, home)["blocks"]
        if b.get("block_id", "").startswith(f"queue_row-{ticket.id}-")
    )
    due = clock() + timedelta(minutes=30)
    at = f"<!date^{int(due.timestamp())}^{{date_short_pretty}} {{time}}|{due:%Y-%m-%d %H:%M}>"
    assert f"first response due {at}" in queue["text"]["text"]
    # A reporter's Home shows no queue, nor anything due.
    mine = desk.queries.home(ALICE)
    assert mine.queue is None
    assert all(not t.targets for t in mine.my_open.items)


def test_the_support_queue_puts_missed_targets_first_until_they_are_met(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    printer = desk.tickets.open_ticket(ALICE, title="printer", priority=Priority.LOW).id
    clock.advance(hours=23, minutes=50)
    vpn = desk.tickets.open_ticket(ALICE, title="vpn", priority=Priority.HIGH).id

    def queue() -> list[int]:
        return [t.id for t in desk.queries.list_tickets(SUPPORT, queue=True).items]

    assert queue() == [vpn, printer]  # the queue's own order: high before low
    clock.advance(minutes=11)  # low's first response (1 d around the clock) is missed
    core.sweep_timers(leases(core, clock))
    assert queue() == [printer, vpn]
    # A reporter's own list keeps its order.
    assert [t.id for t in desk.queries.list_tickets(ALICE).items] == [vpn, printer]
    desk.conversation.add_support_reply(SUPPORT, printer, "Which tray?")
    assert queue() == [vpn, printer]  # met now: it takes its place again


def standing(core: Core, ticket_id: int) -> Urgency:
    """The ticket's stored place in the support queue, checked against what its target
    rows say (a missed one not met since, else a reminded one, else neither)."""
    flagged = (
        select(func.min(case((TicketTarget.breached, 0), else_=1)))
        .where(
            TicketTarget.ticket_id == ticket_id,
            TicketTarget.met_at.is_(None),
            TicketTarget.breached | TicketTarget.warned,
        )
        .scalar_subquery()
    )
    with core.engine.connect() as connection:
        stored, from_targets = connection.execute(
            select(Ticket.target_urgency, func.coalesce(flagged, Urgency.CALM)).where(
                Ticket.id == ticket_id
            )
        ).one()
    assert stored == from_targets
    return Urgency(stored)


def test_the_queue_standing_follows_reminders_misses_replies_reopens_and_priorities(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    # High: first response 30 min (reminded at 22.5), resolution 4 h (reminded at 3 h).
    ticket = desk.tickets.open_ticket(ALICE, title="vpn", priority=Priority.HIGH).id
    sweeper = leases(core, clock)
    assert standing(core, ticket) is Urgency.CALM
    clock.advance(minutes=23)
    assert core.sweep_timers(sweeper) == 1
    assert standing(core, ticket) is Urgency.REMINDED
    clock.advance(minutes=8)
    assert core.sweep_timers(sweeper) == 1
    assert standing(core, ticket) is Urgency.MISSED
    desk.conversation.add_support_reply(SUPPORT, ticket, "Restarting the gateway")
    assert standing(core, ticket) is Urgency.CALM  # met, late; resolution is not due yet
    clock.advance(hours=2, minutes=30)  # 3 h 1 min in: resolution's reminder
    assert core.sweep_timers(sweeper) == 1
    assert standing(core, ticket) is Urgency.REMINDED
    # Low gives resolution 5 d: the reminder is owed again later, not now.
    desk.tickets.set_priority(SUPPORT, ticket, Priority.LOW)
    assert standing(core, ticket) is Urgency.CALM
    desk.tickets.set_priority(SUPPORT, ticket, Priority.HIGH)  # past 3 h again: reminded
    assert core.sweep_timers(sweeper) == 1
    assert standing(core, ticket) is Urgency.REMINDED
    clock.advance(hours=1)
    assert core.sweep_timers(sweeper) == 1
    assert standing(core, ticket) is Urgency.MISSED
    desk.tickets.change_status(SUPPORT, ticket, Status.RESOLVED)
    assert standing(core, ticket) is Urgency.CALM
    # A reopen owes a resolution in a fresh 4 h, reminded of at 3 h as before.
    desk.tickets.reopen(SUPPORT, ticket)
    assert standing(core, ticket) is Urgency.CALM
    clock.advance(hours=3, minutes=1)
    core.sweep_timers(sweeper)
    assert standing(core, ticket) is Urgency.REMINDED


def test_a_waiting_ticket_keeps_its_standing_and_the_queue_reads_it(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    """Waiting pauses a target without meeting it: a missed one stays first in the
    queue, and an assignee's part of the queue has the same order."""
    missed = desk.tickets.open_ticket(ALICE, title="printer", priority=Priority.LOW).id
    desk.tickets.take(SUPPORT, missed)
    clock.advance(hours=23, minutes=50)
    calm = desk.tickets.open_ticket(ALICE, title="vpn", priority=Priority.HIGH).id
    desk.tickets.take(SUPPORT, calm)
    clock.advance(minutes=11)
    core.sweep_timers(leases(core, clock))
    desk.tickets.change_status(SUPPORT, missed, Status.WAITING)
    assert standing(core, missed) is Urgency.MISSED
    assert standing(core, calm) is Urgency.CALM

    def queue(**only: str) -> list[int]:
        return [t.id for t in desk.queries.list_tickets(SUPPORT, queue=True, **only).items]

    assert queue() == queue(assignee_id=SUPPORT) == [missed, calm]


def test_a_sweep_passes_over_a_ticket_a_change_holds_and_fires_it_next_round(
    postgres_database_url: str, clock: Clock
) -> None:
    """PostgreSQL: a change locks its ticket, then the ticket's timers. A sweep that
    claimed the timer alone and then waited for the ticket would deadlock with it; it
    claims both, skipping the ticket a change holds, and fires it in the next round."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=postgres_database_url,
        flashticket_admins=ADMIN,
        flashticket_business_hours="always",
    )
    core = bootstrap(settings, clock=clock)
    try:
        held = core.desk.tickets.open_ticket(ALICE, title="held", priority=Priority.HIGH)
        core.desk.tickets.open_ticket(ALICE, title="free", priority=Priority.HIGH)
        clock.advance(minutes=31)
        fired: list[int] = []
        with core.engine.connect() as change:  # a change in flight holds the ticket's row
            change.execute(select(Ticket.id).where(Ticket.id == held.id).with_for_update()).all()
            sweep = threading.Thread(
                target=lambda: fired.append(core.sweep_timers(leases(core, clock)))
            )
            sweep.start()
            sweep.join(timeout=20)
            blocked = sweep.is_alive()
            change.rollback()
        sweep.join(timeout=20)
        assert not blocked, "the sweep waited for a ticket a change held"
        assert fired == [2]  # the free ticket's warning and breach
        assert core.sweep_timers(leases(core, clock)) == 2  # the held one's, now
        with core.engine.connect() as connection:
            escalated = connection.scalars(
                select(OutboxMessage.ticket_id).where(OutboxMessage.kind == "escalation")
            ).all()
        assert sorted(escalated) == [held.id, held.id + 1]  # each ticket's once
    finally:
        core.close()


def test_a_burst_of_missed_targets_is_one_escalation_and_one_reminder_per_person(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    """One person opens many tickets at once: one sweep finds their targets near and
    then missed together, and tells each channel and person once, listing them."""
    unassigned = [
        desk.tickets.open_ticket(ALICE, title=f"burst {n}", priority=Priority.HIGH).id
        for n in range(4)
    ]
    taken = [
        desk.tickets.open_ticket(ALICE, title=f"taken {n}", priority=Priority.HIGH).id
        for n in range(3)
    ]
    for ticket_id in taken:
        desk.tickets.take(SUPPORT, ticket_id)
    clock.advance(minutes=23)
    assert core.sweep_timers(leases(core, clock)) == 7  # seven reminders
    [to_support] = messages(core, "support_notice")
    assert [item["ticket"] for item in to_support["items"]] == unassigned
    [to_assignee] = messages(core, "person")
    assert to_assignee["user"] == SUPPORT
    assert [item["ticket"] for item in to_assignee["items"]] == taken
    assert not [m for m in messages(core, "support_thread") if m.get("event") == "sla_warning"]
    clock.advance(minutes=8)
    assert core.sweep_timers(leases(core, clock)) == 7  # seven breaches
    [escalation] = messages(core, "escalation")
    assert escalation["event"] == "sla_breaches"
    assert sorted(escalated(core)) == sorted(unassigned + taken)
    assert {item["target"] for item in escalation["items"]} == {"first_response"}
    # Each card still shows its own target as missed.
    assert len(messages(core, "support_update")) >= 7


def test_a_very_long_burst_is_split_into_lists_of_a_readable_length(
    core: Core, desk: HelpDesk, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep_module, "NOTICE_BATCH", 2)
    opened = [
        desk.tickets.open_ticket(ALICE, title=f"burst {n}", priority=Priority.HIGH).id
        for n in range(5)
    ]
    clock.advance(minutes=31)
    core.sweep_timers(leases(core, clock))
    assert [len(m["items"]) for m in messages(core, "escalation")] == [2, 2, 1]
    assert escalated(core) == opened


def test_the_first_reply_takes_first_response_off_the_card(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="vpn", priority=Priority.HIGH)
    desk.tickets.take(SUPPORT, ticket.id)
    updates = len(messages(core, "support_update"))
    clock.advance(minutes=5)
    desk.conversation.add_internal_note(SUPPORT, ticket.id, "checking the logs")
    assert len(messages(core, "support_update")) == updates  # nothing the card shows
    desk.conversation.add_support_reply(SUPPORT, ticket.id, "On it.")
    assert len(messages(core, "support_update")) == updates + 1
    detail = desk.queries.show(SUPPORT, ticket.id)
    card = blocks.ticket_card(Language.EN, detail.ticket)
    due = next(block for block in card if block.get("block_id") == "due")
    assert due["elements"][0]["text"].startswith("resolution due ")
    desk.conversation.add_support_reply(SUPPORT, ticket.id, "Fixed, please check.")
    assert len(messages(core, "support_update")) == updates + 1  # met once


def test_waiting_before_any_reply_does_not_stop_the_first_response_clock(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="which laptop", priority=Priority.HIGH)
    desk.tickets.change_status(SUPPORT, ticket.id, Status.WAITING)
    clock.advance(minutes=31)
    core.sweep_timers(leases(core, clock))
    [escalation] = messages(core, "escalation")
    assert (escalation["event"], escalation["target"]) == ("sla_breach", "first_response")
    shown = ticket_detail(Language.DE, desk.queries.show(SUPPORT, ticket.id), now=clock())
    due = next(block for block in shown if block.get("block_id") == "due")
    assert due["elements"][0]["text"] == (
        ":rotating_light: Erstreaktion um 1 Min. verfehlt · Lösung pausiert, solange es wartet"
    )


def test_the_burst_reaches_slack_as_one_message_per_channel_and_person(
    core: Core, desk: HelpDesk, clock: Clock, slack: FakeSlack
) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    transport = SlackTransport(
        client,
        support_channel=SUPPORT_CHANNEL,
        escalation_channel=ESCALATIONS,
        lang=Language.EN,
        language_of=lambda person: Language.DE if person == SUPPORT else Language.EN,
    )
    worker = core.delivery_worker(transport)
    opened = [
        desk.tickets.open_ticket(ALICE, title=f"<!channel> burst {n}", priority=Priority.HIGH).id
        for n in range(3)
    ]
    for ticket_id in opened:
        desk.tickets.take(SUPPORT, ticket_id)
    worker.drain()
    cards = {
        c.args["text"]: c.response["ts"]
        for c in slack.calls("chat.postMessage")
        if c.ok and c.args["channel"] == SUPPORT_CHANNEL
    }
    assert len(cards) == 3
    clock.advance(minutes=23)
    core.sweep_timers(leases(core, clock))
    clock.advance(minutes=8)
    core.sweep_timers(leases(core, clock))
    desk.tickets.delete(ADMIN, opened[1])  # gone before the lists went out
    worker.drain()

    def posted_to(channel: str) -> list[str]:
        return [
            str(c.args["text"])
            for c in slack.calls("chat.postMessage")
            if c.ok and c.args["channel"] == channel
        ]

    [escalation] = posted_to(ESCALATIONS)
    [reminder] = [text for text in posted_to(SUPPORT) if "Ziele" in text]
    assert escalation.startswith(":rotating_light: 2 targets missed:")
    assert reminder.startswith(":hourglass_flowing_sand: 2 Ziele bald fällig:")
    for text in (escalation, reminder):
        assert f"*#{opened[0]}*" in text
        assert f"*#{opened[2]}*" in text
        assert f"*#{opened[1]}*" not in text
        assert "&lt;!channel&gt; burst 0" in text
        assert "<!channel>" not in text
        assert f"https://slack.com/archives/{SUPPORT_CHANNEL}/p" in text
