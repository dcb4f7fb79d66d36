"""The clock of one ticket: its service-level targets and what is due when.

A target counts business time (the calendar's) while the ticket is open; resolution
stops while the ticket waits for the reporter (first response does not: setting a
ticket to waiting is no answer). The business time used so far is kept in `consumed`,
and `due_at` is only set while it runs. First response is met by the first support
reply the reporter sees, resolution by Resolved or Closed; a reopen gives resolution a
fresh full target, and a priority change keeps what was used against the new length.

Everything here is a pure function of the ticket's facts and `now`, so the service
layer runs it on every change that matters and the tests run it with any clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.enums import Status
from flashticket_core.domain.service_levels import Targets

# Who the history names for what the help desk did by itself (a ticket closing itself).
SYSTEM_ACTOR = "system"


class TargetKind(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"

    @property
    def label_key(self) -> str:
        return f"target.{self.value}"


class TimerKind(StrEnum):
    WARN_FIRST_RESPONSE = "warn_first_response"
    WARN_RESOLUTION = "warn_resolution"
    BREACH_FIRST_RESPONSE = "breach_first_response"
    BREACH_RESOLUTION = "breach_resolution"
    WAITING_NUDGE = "waiting_nudge"
    WAITING_RESOLVE = "waiting_resolve"
    AUTO_CLOSE = "auto_close"
    # A business day after the request, a ticket still waiting for approval: its
    # approvers are reminded, once.
    APPROVAL_REMINDER = "approval_reminder"

    @property
    def target(self) -> TargetKind | None:
        """The target a warning or breach is about."""
        return _TARGET_OF.get(self)

    @property
    def is_breach(self) -> bool:
        return self in (TimerKind.BREACH_FIRST_RESPONSE, TimerKind.BREACH_RESOLUTION)


_TARGET_OF = {
    TimerKind.WARN_FIRST_RESPONSE: TargetKind.FIRST_RESPONSE,
    TimerKind.BREACH_FIRST_RESPONSE: TargetKind.FIRST_RESPONSE,
    TimerKind.WARN_RESOLUTION: TargetKind.RESOLUTION,
    TimerKind.BREACH_RESOLUTION: TargetKind.RESOLUTION,
}
_WARNING = {
    TargetKind.FIRST_RESPONSE: TimerKind.WARN_FIRST_RESPONSE,
    TargetKind.RESOLUTION: TimerKind.WARN_RESOLUTION,
}
_BREACH = {
    TargetKind.FIRST_RESPONSE: TimerKind.BREACH_FIRST_RESPONSE,
    TargetKind.RESOLUTION: TimerKind.BREACH_RESOLUTION,
}
# The timers a ticket's status sets, each belonging to one status.
WAITING_TIMERS = frozenset({TimerKind.WAITING_NUDGE, TimerKind.WAITING_RESOLVE})
RESOLVED_TIMERS = frozenset({TimerKind.AUTO_CLOSE})
APPROVAL_TIMERS = frozenset({TimerKind.APPROVAL_REMINDER})


class Urgency(IntEnum):
    """Where a ticket's targets put it in the support queue, most pressing first: what
    the sweep has already told people, so the queue agrees with the reminders and
    escalations."""

    MISSED = 0  # a missed target, not met since
    REMINDED = 1  # a target whose reminder went out, not met since
    CALM = 2  # the rest: its place is the queue's own order


@dataclass(frozen=True)
class TargetClock:
    """One target of one ticket."""

    kind: TargetKind
    length: timedelta
    consumed: timedelta = timedelta(0)
    running_since: datetime | None = None
    due_at: datetime | None = None
    met_at: datetime | None = None
    warned: bool = False
    breached: bool = False

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def used(self, now: datetime, calendar: BusinessCalendar) -> timedelta:
        """Business time used up to `now`."""
        if self.running_since is None:
            return self.consumed
        return self.consumed + calendar.elapsed(self.running_since, now)

    def paused(self, now: datetime, calendar: BusinessCalendar) -> TargetClock:
        if self.running_since is None:
            return self
        return replace(self, consumed=self.used(now, calendar), running_since=None, due_at=None)

    def resumed(self, now: datetime, calendar: BusinessCalendar) -> TargetClock:
        if self.running_since is not None:
            return self
        left = max(self.length - self.consumed, timedelta(0))
        return replace(self, running_since=now, due_at=calendar.add(now, left))

    def met(self, at: datetime, calendar: BusinessCalendar) -> TargetClock:
        return replace(self.paused(at, calendar), met_at=at)

    def warning_at(self, share: float, calendar: BusinessCalendar) -> datetime | None:
        """When `share` of the target will have been used, while it runs."""
        if self.running_since is None or self.met_at is not None:
            return None
        left = self.length * share - self.consumed
        if left <= timedelta(0):
            return self.running_since
        return calendar.add(self.running_since, left)


@dataclass(frozen=True)
class TicketFacts:
    """What of a ticket its clock depends on."""

    status: Status
    first_response_at: datetime | None
    deleted: bool = False


def reconcile(
    clocks: dict[TargetKind, TargetClock],
    facts: TicketFacts,
    targets: Targets,
    *,
    now: datetime,
    calendar: BusinessCalendar,
) -> dict[TargetKind, TargetClock]:
    """The ticket's targets as they stand after a change at `now`."""
    lengths = {
        TargetKind.FIRST_RESPONSE: targets.first_response,
        TargetKind.RESOLUTION: targets.resolution,
    }
    result: dict[TargetKind, TargetClock] = {}
    for kind, length in lengths.items():
        if length is None:
            continue
        clock = clocks.get(kind) or TargetClock(kind=kind, length=length)
        if kind is TargetKind.RESOLUTION and clock.met_at is not None and facts.status.is_open:
            # A reopen: the reporter is owed a resolution again, in a full target's time.
            clock = TargetClock(kind=kind, length=length)
        if clock.length != length:
            was_running = clock.running
            clock = replace(clock.paused(now, calendar), length=length, warned=clock.breached)
            if was_running:
                clock = clock.resumed(now, calendar)
        result[kind] = _advance(clock, facts, now=now, calendar=calendar)
    return result


def _advance(
    clock: TargetClock, facts: TicketFacts, *, now: datetime, calendar: BusinessCalendar
) -> TargetClock:
    if clock.met_at is not None:
        return clock
    if clock.kind is TargetKind.FIRST_RESPONSE and facts.first_response_at is not None:
        return clock.met(max(facts.first_response_at, clock.running_since or now), calendar)
    if clock.kind is TargetKind.RESOLUTION and facts.status in (Status.RESOLVED, Status.CLOSED):
        return clock.met(now, calendar)
    counts = facts.status.is_open and not facts.deleted
    if clock.kind is TargetKind.RESOLUTION and facts.status is Status.WAITING:
        # Waiting for the reporter stops resolution only: the first answer is still owed.
        counts = False
    if counts:
        return clock.resumed(now, calendar)
    return clock.paused(now, calendar)


def target_timers(
    clocks: dict[TargetKind, TargetClock], *, warning_share: float, calendar: BusinessCalendar
) -> dict[TimerKind, datetime]:
    """The warnings and breaches still to come, and when."""
    due: dict[TimerKind, datetime] = {}
    for kind, clock in clocks.items():
        if clock.due_at is None or clock.met_at is not None:
            continue
        if not clock.breached:
            due[_BREACH[kind]] = clock.due_at
            warning = clock.warning_at(warning_share, calendar)
            if not clock.warned and warning is not None and warning < clock.due_at:
                due[_WARNING[kind]] = warning
    return due


def urgency(clocks: Iterable[TargetClock]) -> Urgency:
    """The most pressing of the targets not met yet."""
    unmet = [clock for clock in clocks if clock.met_at is None]
    if any(clock.breached for clock in unmet):
        return Urgency.MISSED
    if any(clock.warned for clock in unmet):
        return Urgency.REMINDED
    return Urgency.CALM
