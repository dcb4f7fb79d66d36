"""Timers: what is due for a ticket, written with the change that sets it, fired once.

`TimerWriter` runs inside a unit of work's commit, like the outbox writer: for every
ticket a change touched it brings the targets (domain/clock.py) up to date and makes the
unfired timers what they should be, in the same transaction, so a crash or a restart
loses none. ``service_layer/sweep.py` fires the due ones. The SQL is in `adapters/sql_timers.py`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flashticket_core.domain import events
from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.clock import (
    APPROVAL_TIMERS,
    RESOLVED_TIMERS,
    WAITING_TIMERS,
    TargetClock,
    TargetKind,
    TicketFacts,
    TimerKind,
    reconcile,
    target_timers,
)
from flashticket_core.domain.enums import EntryKind, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.service_levels import ServiceLevels
from flashticket_core.service_layer.outbox import MessageKind, MessageQueue, NewMessage
from flashticket_core.service_layer.repositories import TicketRepository


@dataclass(frozen=True)
class Timer:
    id: int
    ticket_id: int
    kind: TimerKind
    due_at: datetime


Clocks = dict[TargetKind, TargetClock]


class TimerBook(abc.ABC):
    """The targets and timers as one unit of work sees them."""

    @abc.abstractmethod
    def targets(self, ticket_ids: Collection[int]) -> dict[int, Clocks]: ...

    @abc.abstractmethod
    def save_targets(self, ticket_id: int, clocks: Clocks, *, new: bool = False) -> None:
        """Replace the ticket's targets with `clocks` (`new`: it has none yet), and its
        place in the support queue with them (domain/clock.py `urgency`)."""

    @abc.abstractmethod
    def unfired(self, ticket_ids: Collection[int]) -> dict[int, list[Timer]]: ...

    @abc.abstractmethod
    def schedule(self, timers: list[tuple[int, TimerKind, datetime]], now: datetime) -> None:
        """Add unfired timers: (ticket id, kind, due at) each."""

    @abc.abstractmethod
    def move(self, timer_id: int, due_at: datetime) -> None: ...

    @abc.abstractmethod
    def cancel(self, timer_ids: Collection[int], now: datetime) -> None: ...

    @abc.abstractmethod
    def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Unfired timers due at `now` or before, oldest first, held by this transaction
        until it ends: a concurrent sweeper skips them."""

    @abc.abstractmethod
    def mark_fired(self, timer_id: int, now: datetime) -> None: ...


@dataclass(frozen=True)
class ClockPolicy:
    """The targets and the waiting and resolved tickets' timers; None turns one off."""

    service_levels: ServiceLevels
    calendar: BusinessCalendar
    waiting_nudge: timedelta | None = None
    waiting_resolve: timedelta | None = None
    auto_close: timedelta | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.service_levels.any or self.waiting_nudge or self.waiting_resolve or self.auto_close
        )


@dataclass(frozen=True)
class TeamClocks:
    """The clock policy of each team by id (`team_clocks.py` builds it). A team the desk
    no longer has (a ticket keeps its team when the desk file drops it) runs on the help
    desk's own, `default`."""

    default: ClockPolicy
    teams: Mapping[str, ClockPolicy] = field(default_factory=dict)

    @classmethod
    def one(cls, policy: ClockPolicy | TeamClocks) -> TeamClocks:
        """`policy` for every team (a desk of one clock), or the clocks as they are."""
        return policy if isinstance(policy, TeamClocks) else cls(default=policy)

    def of(self, team_id: str) -> ClockPolicy:
        return self.teams.get(team_id, self.default)

    @property
    def policies(self) -> tuple[ClockPolicy, ...]:
        return (self.default, *self.teams.values())

    @property
    def active(self) -> bool:
        return any(policy.active for policy in self.policies)

    @property
    def any_targets(self) -> bool:
        return any(policy.service_levels.any for policy in self.policies)


def _touched(event_list: list[events.Event]) -> tuple[set[int], dict[int, Status]]:
    """The tickets whose clock a change may move, and the status each was moved to."""
    touched: set[int] = set()
    moved: dict[int, Status] = {}
    for event in event_list:
        match event:
            case events.TicketOpened(ticket_id=tid) | events.PriorityChanged(ticket_id=tid):
                touched.add(tid)
            case events.TicketDeleted(ticket_id=tid) | events.TeamChanged(ticket_id=tid):
                touched.add(tid)
            case events.StatusChanged(ticket_id=tid, new=new):
                touched.add(tid)
                moved[tid] = new
            case events.EntryAdded(ticket_id=tid, kind=kind) if kind is EntryKind.SUPPORT_REPLY:
                touched.add(tid)
    return touched, moved


class TimerWriter:
    """The `timers` step of a commit (`commit_steps` in unit_of_work.py), before the outbox."""

    def __init__(self, policy: ClockPolicy | TeamClocks, clock: Callable[[], datetime]) -> None:
        # Each ticket's clock is its team's.
        self.clocks = TeamClocks.one(policy)
        self.clock = clock

    def __call__(
        self,
        tickets: TicketRepository,
        book: TimerBook,
        event_list: list[events.Event],
        messages: MessageQueue | None = None,
    ) -> None:
        touched, moved = _touched(event_list)
        # Every ticket an event is about was handed out by the repository already.
        loaded = {ticket.id: ticket for ticket in tickets.seen}
        if not self.clocks.active:
            # No targets and no status timers: only an approval's reminder is due.
            touched = {tid for tid in touched if _awaits_approval(loaded.get(tid))}
        if not touched:
            return
        now = self.clock()
        opened = {e.ticket_id for e in event_list if isinstance(e, events.TicketOpened)}
        # A ticket moved to another team: the team it came from, whose calendar its
        # targets ran on until now.
        came_from = {e.ticket_id: e.old for e in event_list if isinstance(e, events.TeamChanged)}
        # Rejected before it reached the queue: no target ever ran, none is counted.
        rejected = {
            e.ticket_id
            for e in event_list
            if isinstance(e, events.ApprovalDecided) and not e.approved
        }
        known = touched - opened
        old_targets = book.targets(known) if known else {}
        old_timers = book.unfired(known) if known else {}
        to_schedule: list[tuple[int, TimerKind, datetime]] = []
        refresh: list[int] = []
        card_updated = _cards_updated(event_list)
        for ticket_id in sorted(touched):
            ticket = loaded.get(ticket_id)
            existing = old_timers.get(ticket_id, [])
            if ticket is None or ticket.deleted_at is not None:
                book.cancel([t.id for t in existing], now)
                continue
            policy = self.clocks.of(ticket.team_id)
            before = old_targets.get(ticket_id, {})
            if ticket_id in rejected:
                after = before
            else:
                after = self._targets(ticket, policy, before, now, came_from.get(ticket_id))
            if after != before:
                book.save_targets(ticket_id, after, new=ticket_id in opened)
                if _newly_met(before, after) and ticket_id not in card_updated:
                    # The card shows what is due: a target the change met (a first
                    # reply) leaves it, although a reply alone does not touch the card.
                    refresh.append(ticket_id)
            wanted = target_timers(
                after,
                warning_share=policy.service_levels.warning_share,
                calendar=policy.calendar,
            )
            if ticket.status is Status.PENDING_APPROVAL:
                wanted.update(_approval_timers(policy, ticket, existing))
            elif ticket_id in moved:
                wanted.update(_status_timers(policy, moved[ticket_id], now))
            else:
                # The status did not change: its timers stay as they were set.
                for timer in existing:
                    if timer.kind in WAITING_TIMERS | RESOLVED_TIMERS:
                        wanted[timer.kind] = timer.due_at
            to_schedule.extend(_sync(book, ticket_id, existing, wanted, now))
        if to_schedule:
            book.schedule(to_schedule, now)
        if refresh and messages is not None:
            messages.add([card_update(ticket_id, now) for ticket_id in refresh])

    def _targets(
        self,
        ticket: Ticket,
        policy: ClockPolicy,
        before: Clocks,
        now: datetime,
        came_from: str | None = None,
    ) -> Clocks:
        if came_from is not None:
            # Moved: the business time used so far is counted on the old team's calendar;
            # from now on the targets are the new team's, on its calendar.
            old_calendar = self.clocks.of(came_from).calendar
            before = {kind: clock.paused(now, old_calendar) for kind, clock in before.items()}
        if ticket.status is Status.PENDING_APPROVAL:
            # No target runs before approval: they start when it enters the queue, so
            # the wait for approval counts in neither first response nor resolution.
            return {}
        facts = TicketFacts(status=ticket.status, first_response_at=ticket.first_response_at)
        return reconcile(
            before,
            facts,
            policy.service_levels.targets(ticket.priority),
            now=now,
            calendar=policy.calendar,
        )


def _status_timers(policy: ClockPolicy, status: Status, now: datetime) -> dict[TimerKind, datetime]:
    wanted: dict[TimerKind, datetime] = {}
    if status is Status.WAITING:
        nudge_at = now + (policy.waiting_nudge or timedelta(0))
        if policy.waiting_nudge is not None:
            wanted[TimerKind.WAITING_NUDGE] = nudge_at
        if policy.waiting_resolve is not None:
            wanted[TimerKind.WAITING_RESOLVE] = nudge_at + policy.waiting_resolve
    elif status is Status.RESOLVED and policy.auto_close is not None:
        wanted[TimerKind.AUTO_CLOSE] = now + policy.auto_close
    return wanted


def _awaits_approval(ticket: Ticket | None) -> bool:
    return ticket is not None and ticket.status is Status.PENDING_APPROVAL


def _approval_timers(
    policy: ClockPolicy, ticket: Ticket, existing: list[Timer]
) -> dict[TimerKind, datetime]:
    """The reminder of a ticket waiting for approval: a business day (its team's) after
    it was opened, set once and kept while it waits; gone once it is decided."""
    for timer in existing:
        if timer.kind in APPROVAL_TIMERS:
            return {timer.kind: timer.due_at}
    calendar = policy.calendar
    return {TimerKind.APPROVAL_REMINDER: calendar.add(ticket.created_at, calendar.business_day)}


def _newly_met(before: Clocks, after: Clocks) -> bool:
    return any(
        clock.met_at is not None and (kind not in before or before[kind].met_at is None)
        for kind, clock in after.items()
    )


def _cards_updated(event_list: list[events.Event]) -> set[int]:
    """The tickets whose card the outbox updates for these events already."""
    return {
        event.ticket_id
        for event in event_list
        if isinstance(
            event,
            events.TicketOpened
            | events.StatusChanged
            | events.PriorityChanged
            | events.AssigneeChanged
            | events.TicketDeleted
            | events.TypeChanged
            # A moved ticket's new card is posted as it is now.
            | events.TeamChanged,
        )
    }


def card_update(ticket_id: int, now: datetime) -> NewMessage:
    """An edit of the ticket's card to show it as it is now."""
    return NewMessage(
        kind=MessageKind.SUPPORT_UPDATE,
        ticket_id=ticket_id,
        payload="{}",
        next_attempt_at=now,
        created_at=now,
    )


def _sync(
    book: TimerBook,
    ticket_id: int,
    existing: list[Timer],
    wanted: dict[TimerKind, datetime],
    now: datetime,
) -> list[tuple[int, TimerKind, datetime]]:
    """Make the ticket's unfired timers `wanted`: moved where set, cancelled where gone;
    returns the ones to add."""
    have = {timer.kind: timer for timer in existing}
    book.cancel([t.id for t in existing if t.kind not in wanted], now)
    new: list[tuple[int, TimerKind, datetime]] = []
    for kind, due_at in wanted.items():
        timer = have.get(kind)
        if timer is None:
            new.append((ticket_id, kind, due_at))
        elif timer.due_at != due_at:
            book.move(timer.id, due_at)
    return new
