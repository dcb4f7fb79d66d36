"""A ticket's targets with a clock moved by hand: due times pause while the ticket
waits, a reopen restarts resolution, a priority change keeps the time used, and only a
reply the reporter sees meets first response."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.settings import Settings
from flashticket_core.bootstrap import clock_policy
from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.clock import (
    TargetClock,
    TargetKind,
    TicketFacts,
    TimerKind,
    Urgency,
    reconcile,
    target_timers,
    urgency,
)
from flashticket_core.domain.enums import Status
from flashticket_core.domain.service_levels import Targets

CALENDAR = BusinessCalendar.always()
T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
FR, RES = TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION
TARGETS = Targets(first_response=timedelta(minutes=30), resolution=timedelta(hours=4))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Ticket:
    """The facts of one ticket and its clocks, moved through time by the test."""

    def __init__(self, targets: Targets = TARGETS) -> None:
        self.targets = targets
        self.status = Status.NEW
        self.first_response_at: datetime | None = None
        self.clocks: dict[TargetKind, TargetClock] = {}
        self.change(0)

    def change(self, minutes: float, status: Status | None = None) -> None:
        self.status = status or self.status
        self.clocks = reconcile(
            self.clocks,
            TicketFacts(status=self.status, first_response_at=self.first_response_at),
            self.targets,
            now=at(minutes),
            calendar=CALENDAR,
        )

    def reply_seen(self, minutes: float) -> None:
        self.first_response_at = at(minutes)
        self.change(minutes)

    def due(self, kind: TargetKind) -> datetime | None:
        return self.clocks[kind].due_at

    def timers(self) -> dict[TimerKind, datetime]:
        return target_timers(self.clocks, warning_share=0.75, calendar=CALENDAR)


def test_a_new_ticket_is_due_one_target_after_it_opens_and_warned_at_the_share() -> None:
    ticket = Ticket()
    assert ticket.due(FR) == at(30)
    assert ticket.due(RES) == at(240)
    assert ticket.timers() == {
        TimerKind.WARN_FIRST_RESPONSE: at(22.5),
        TimerKind.BREACH_FIRST_RESPONSE: at(30),
        TimerKind.WARN_RESOLUTION: at(180),
        TimerKind.BREACH_RESOLUTION: at(240),
    }


def test_waiting_pauses_resolution_only_and_resuming_keeps_the_time_used() -> None:
    ticket = Ticket()
    ticket.change(10, Status.WAITING)
    # Setting a ticket to waiting is no answer: first response keeps running.
    assert ticket.due(FR) == at(30)
    assert ticket.clocks[FR].running
    assert ticket.due(RES) is None
    assert ticket.clocks[RES].consumed == timedelta(minutes=10)
    assert ticket.timers() == {
        TimerKind.WARN_FIRST_RESPONSE: at(22.5),
        TimerKind.BREACH_FIRST_RESPONSE: at(30),
    }
    ticket.change(70)  # an unrelated change while it waits: resolution still paused
    assert ticket.due(RES) is None
    ticket.change(100, Status.IN_PROGRESS)
    assert ticket.due(FR) == at(30)  # it never stopped
    assert ticket.due(RES) == at(330)  # 230 minutes left, from 100


def test_first_response_is_met_by_a_reply_the_reporter_sees_only() -> None:
    ticket = Ticket()
    ticket.change(5, Status.IN_PROGRESS)  # a status change is no response
    assert ticket.clocks[FR].met_at is None
    ticket.reply_seen(12)
    assert ticket.clocks[FR].met_at == at(12)
    assert ticket.due(FR) is None
    assert set(ticket.timers()) == {TimerKind.WARN_RESOLUTION, TimerKind.BREACH_RESOLUTION}


def test_resolution_is_met_by_resolved_and_a_reopen_gives_a_fresh_full_target() -> None:
    ticket = Ticket()
    ticket.change(60, Status.RESOLVED)
    assert ticket.clocks[RES].met_at == at(60)
    assert ticket.clocks[FR].due_at is None  # nobody answered; it waits with the ticket
    assert ticket.timers() == {}
    ticket.change(600, Status.IN_PROGRESS)
    assert ticket.clocks[RES].met_at is None
    assert ticket.due(RES) == at(600 + 240)
    assert ticket.clocks[RES].consumed == timedelta(0)


def test_closed_meets_resolution_too() -> None:
    ticket = Ticket()
    ticket.change(30, Status.CLOSED)
    assert ticket.clocks[RES].met_at == at(30)


def test_a_priority_change_keeps_the_time_used_against_the_new_target() -> None:
    ticket = Ticket()
    ticket.targets = Targets(first_response=timedelta(hours=4), resolution=timedelta(days=2))
    ticket.change(20)
    assert ticket.due(FR) == at(240)  # 20 used of 4 h, counting from 0
    assert ticket.clocks[FR].consumed == timedelta(minutes=20)
    ticket.targets = Targets(first_response=timedelta(minutes=15), resolution=None)
    ticket.change(25)
    assert ticket.due(FR) == at(25)  # 25 used of 15 minutes: due at once
    assert RES not in ticket.clocks  # no resolution target for this priority


def test_a_breached_target_is_not_escalated_again_after_a_priority_change() -> None:
    ticket = Ticket()
    ticket.clocks[FR] = TargetClock(
        kind=FR, length=timedelta(minutes=30), running_since=at(0), due_at=at(30), breached=True
    )
    ticket.targets = Targets(first_response=timedelta(minutes=10), resolution=TARGETS.resolution)
    ticket.change(40)
    assert ticket.clocks[FR].breached
    assert TimerKind.BREACH_FIRST_RESPONSE not in ticket.timers()


def test_no_targets_no_clocks() -> None:
    assert Ticket(Targets()).clocks == {}


def test_the_default_settings_have_targets_and_every_timer() -> None:
    policy = clock_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    assert policy.active
    assert policy.service_levels.warning_share == 0.75
    assert (policy.waiting_nudge, policy.waiting_resolve, policy.auto_close) == (
        timedelta(days=3),
        timedelta(days=4),
        timedelta(days=7),
    )
    off = Settings(  # type: ignore[call-arg]
        _env_file=None,
        flashticket_sla="",
        flashticket_auto_close="off",
        flashticket_waiting_nudge="off",
        flashticket_waiting_resolve="off",
    )
    assert not clock_policy(off).active


def test_the_queue_standing_is_the_most_pressing_target_not_met_yet() -> None:
    calm = TargetClock(kind=FR, length=timedelta(minutes=30))
    reminded = replace(calm, kind=RES, warned=True)
    missed = replace(calm, warned=True, breached=True)
    assert urgency([]) is Urgency.CALM
    assert urgency([calm, reminded]) is Urgency.REMINDED
    assert urgency([missed, reminded]) is Urgency.MISSED
    # Met, even late, a target no longer counts.
    assert urgency([replace(missed, met_at=at(40)), reminded]) is Urgency.REMINDED
    assert urgency([replace(missed, met_at=at(40)), replace(reminded, met_at=at(50))]) is (
        Urgency.CALM
    )
