"""The targets and timers in SQL, on one session of a unit of work (`TimerBook`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from flashticket_core.adapters.tables import TicketTarget, TicketTimer
from flashticket_core.domain.clock import TargetClock, TargetKind, TimerKind, Urgency, urgency
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.timers import Clocks, Timer, TimerBook

# The tables themselves: Core inserts on them skip the ORM's bulk bookkeeping.
TARGETS: Table = TicketTarget.__table__  # type: ignore[assignment]
TIMERS: Table = TicketTimer.__table__  # type: ignore[assignment]
_UNFIRED = (TicketTimer.fired_at.is_(None), TicketTimer.cancelled_at.is_(None))


class SqlTimerBook(TimerBook):
    def __init__(self, session: Session) -> None:
        self.session = session

    def targets(self, ticket_ids: Collection[int]) -> dict[int, Clocks]:
        found: dict[int, Clocks] = {}
        rows = self.session.scalars(
            select(TicketTarget).where(TicketTarget.ticket_id.in_(list(ticket_ids)))
        )
        for row in rows:
            kind = TargetKind(row.kind)
            found.setdefault(row.ticket_id, {})[kind] = TargetClock(
                kind=kind,
                length=timedelta(seconds=row.length_seconds),
                consumed=timedelta(seconds=row.consumed_seconds),
                running_since=row.running_since,
                due_at=row.due_at,
                met_at=row.met_at,
                warned=row.warned,
                breached=row.breached,
            )
        return found

    def save_targets(self, ticket_id: int, clocks: Clocks, *, new: bool = False) -> None:
        # The ticket's place in the support queue, and its soonest due time, follow its
        # targets, in this transaction; only a change writes its row (a new ticket's
        # has the default place already, and no due time).
        standing = urgency(clocks.values())
        due = next_due(clocks)
        if not new or standing is not Urgency.CALM or due is not None:
            # Not synchronised by the ORM (which would compare every ticket this session
            # holds): the loaded ticket, if any, is told the new values below.
            self.session.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket_id,
                    (Ticket.target_urgency != standing) | Ticket.next_due_at.is_distinct_from(due),
                )
                .values(target_urgency=standing, next_due_at=due)
                .execution_options(synchronize_session=False)
            )
            loaded = self.session.identity_map.get(identity_key(Ticket, ticket_id))
            if loaded is not None:
                set_committed_value(loaded, "target_urgency", standing.value)
                set_committed_value(loaded, "next_due_at", due)
        # Core statements, not ORM objects: the rows are few and written whole.
        if not new:
            self.session.execute(delete(TicketTarget).where(TicketTarget.ticket_id == ticket_id))
        if clocks:
            self.session.execute(
                insert(TARGETS),
                [
                    {
                        "ticket_id": ticket_id,
                        "kind": clock.kind.value,
                        "length_seconds": clock.length.total_seconds(),
                        "consumed_seconds": clock.consumed.total_seconds(),
                        "running_since": clock.running_since,
                        "due_at": clock.due_at,
                        "met_at": clock.met_at,
                        "warned": clock.warned,
                        "breached": clock.breached,
                    }
                    for clock in clocks.values()
                ],
            )

    def unfired(self, ticket_ids: Collection[int]) -> dict[int, list[Timer]]:
        found: dict[int, list[Timer]] = {}
        rows = self.session.execute(
            select(TicketTimer.id, TicketTimer.ticket_id, TicketTimer.kind, TicketTimer.due_at)
            .where(TicketTimer.ticket_id.in_(list(ticket_ids)), *_UNFIRED)
            .order_by(TicketTimer.id)
        )
        for row in rows:
            found.setdefault(row.ticket_id, []).append(_timer(row))
        return found

    def schedule(self, timers: list[tuple[int, TimerKind, datetime]], now: datetime) -> None:
        self.session.execute(
            insert(TIMERS),
            [
                {"ticket_id": ticket_id, "kind": kind.value, "due_at": due_at, "created_at": now}
                for ticket_id, kind, due_at in timers
            ],
        )

    def move(self, timer_id: int, due_at: datetime) -> None:
        self.session.execute(
            update(TicketTimer).where(TicketTimer.id == timer_id).values(due_at=due_at)
        )

    def cancel(self, timer_ids: Collection[int], now: datetime) -> None:
        if timer_ids:
            self.session.execute(
                update(TicketTimer)
                .where(TicketTimer.id.in_(list(timer_ids)), *_UNFIRED)
                .values(cancelled_at=now)
            )

    def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        query = (
            select(TicketTimer.id, TicketTimer.ticket_id, TicketTimer.kind, TicketTimer.due_at)
            .where(TicketTimer.due_at <= now, *_UNFIRED)
            .order_by(TicketTimer.due_at, TicketTimer.id)
            .limit(limit)
        )
        bind = self.session.get_bind()
        if bind.dialect.name == "postgresql":
            # Another sweeper's claimed rows are skipped, not waited for; SQLite's writer
            # transaction (BEGIN IMMEDIATE) lets one sweeper in at a time anyway. The
            # ticket is locked with its timer: a change holds the ticket, then its
            # timers, so a sweep that took the timer alone and then waited for the
            # ticket would deadlock with it. A ticket a change holds is passed over
            # until the next round.
            query = query.join(Ticket, Ticket.id == TicketTimer.ticket_id).with_for_update(
                skip_locked=True, of=(TicketTimer, Ticket)
            )
        return [_timer(row) for row in self.session.execute(query)]

    def mark_fired(self, timer_id: int, now: datetime) -> None:
        self.session.execute(
            update(TicketTimer).where(TicketTimer.id == timer_id).values(fired_at=now)
        )


def next_due(clocks: Clocks) -> datetime | None:
    """The soonest due time of the targets that run (a met or paused one has none)."""
    return min(
        (c.due_at for c in clocks.values() if c.due_at is not None and c.met_at is None),
        default=None,
    )


def ticket_targets(session: Session, ticket_id: int) -> tuple[TargetClock, ...]:
    """A ticket's targets as the surfaces show them, first response first."""
    return targets_of(session, [ticket_id]).get(ticket_id, ())


def targets_of(session: Session, ticket_ids: Collection[int]) -> dict[int, tuple[TargetClock, ...]]:
    """The targets of several tickets, in one query."""
    found = SqlTimerBook(session).targets(ticket_ids)
    return {
        ticket_id: tuple(clocks[kind] for kind in TargetKind if kind in clocks)
        for ticket_id, clocks in found.items()
    }


def _timer(row: object) -> Timer:
    return Timer(
        id=row.id,  # type: ignore[attr-defined]
        ticket_id=row.ticket_id,  # type: ignore[attr-defined]
        kind=TimerKind(row.kind),  # type: ignore[attr-defined]
        due_at=row.due_at,  # type: ignore[attr-defined]
    )
