"""The dashboard's reads in SQL: the tally tables the triggers of migration 0007 keep, and
the tickets' index for the hours at the edges of a local period. What the tables hold,
and on which change of a ticket, is told in `service_layer/dashboard.py`.

The tallies count every team's tickets together. The figures of some teams only (`/ticket
stats it`, or the teams a person may see) count those teams' tickets instead, each read
from an index that begins with the team (migration 0025): opened in a period
(`ix_tickets_team_created_at`), first replied to or resolved in one
(`ix_tickets_team_first_response_at`, `ix_tickets_team_resolved_at`), the open ones
(`ix_tickets_team_status_queue`). Their cost follows those teams' tickets in the period,
not the tickets of the whole desk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from flashticket_core.adapters.tables import (
    TicketDuration,
    TicketDurationDetail,
    TicketMonthTally,
    TicketTally,
    TicketTarget,
)
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.dashboard import FIRST_REPLY, RESOLUTION, Tallies


def count_live(
    session: Session, *, statuses: frozenset[Status] | None, priority: Priority | None
) -> int:
    """How many live tickets have one of `statuses` (any if None) and `priority`."""
    query = select(func.sum(TicketTally.tickets)).where(TicketTally.tickets != 0)
    if statuses is not None:
        query = query.where(TicketTally.status.in_(sorted(statuses)))
    if priority is not None:
        query = query.where(TicketTally.priority == priority.value)
    return int(session.scalar(query) or 0)


def tallies_of(session: Session, teams: frozenset[str] | None) -> Tallies:
    """What the figures read: every ticket's tallies (teams None), else the tickets of
    `teams`."""
    return SqlTallies(session) if teams is None else TeamTallies(session, teams)


class SqlTallies(Tallies):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _scope(self) -> tuple[ColumnElement[bool], ...]:
        """What narrows a read of the tickets themselves: nothing, every team counts."""
        return ()

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        missed = case((TicketTarget.breached, 1), else_=0)
        in_time = case((TicketTarget.met_at.is_not(None) & ~TicketTarget.breached, 1), else_=0)
        rows = self.session.execute(
            select(Ticket.priority, TicketTarget.kind, func.sum(in_time), func.sum(missed))
            .join(Ticket, Ticket.id == TicketTarget.ticket_id)
            .where(
                *self._scope(),
                Ticket.created_at >= since,
                Ticket.deleted_at.is_(None),
                TicketTarget.met_at.is_not(None) | TicketTarget.breached,
            )
            .group_by(Ticket.priority, TicketTarget.kind)
        )
        return [
            (Priority(priority), TargetKind(kind), int(met), int(late))
            for priority, kind, met, late in rows
        ]

    def open_tickets(self) -> list[tuple[Status, Priority, int]]:
        rows = self.session.execute(
            select(TicketTally.status, TicketTally.priority, func.sum(TicketTally.tickets))
            .where(TicketTally.status.in_(sorted(OPEN_STATUSES)), TicketTally.tickets != 0)
            .group_by(TicketTally.status, TicketTally.priority)
        )
        return [
            (Status(status), Priority(priority), int(count)) for status, priority, count in rows
        ]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        rows = self.session.execute(
            select(
                TicketMonthTally.month, TicketMonthTally.status, func.sum(TicketMonthTally.tickets)
            )
            .where(TicketMonthTally.month >= first, TicketMonthTally.month <= last)
            .group_by(TicketMonthTally.month, TicketMonthTally.status)
        )
        return {(month, Status(status)): int(count) for month, status, count in rows}

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        rows = self.session.execute(
            select(TicketTally.day, TicketTally.status, func.sum(TicketTally.tickets))
            .where(TicketTally.day.in_(days))
            .group_by(TicketTally.day, TicketTally.status)
        )
        return {(day, Status(status)): int(count) for day, status, count in rows}

    def opened_in(self, ranges: list[tuple[datetime, datetime]]) -> list[dict[Status, int]]:
        result: list[dict[Status, int]] = [{} for _ in ranges]
        if not ranges:
            return result
        # One statement for every range, each row tagged with the range it counts.
        parts = [
            select(literal(number), Ticket.status, func.count())
            .where(
                *self._scope(),
                Ticket.deleted_at.is_(None),
                Ticket.created_at >= start,
                Ticket.created_at < end,
            )
            .group_by(Ticket.status)
            for number, (start, end) in enumerate(ranges)
        ]
        for number, status, count in self.session.execute(union_all(*parts)):
            result[int(number)][Status(status)] = int(count)
        return result

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        rows = self.session.execute(
            select(TicketDuration.bucket, func.sum(TicketDuration.tickets))
            .where(TicketDuration.measure == measure, TicketDuration.day >= since)
            .group_by(TicketDuration.bucket)
            .order_by(TicketDuration.bucket)
        )
        return [(int(bucket), int(count)) for bucket, count in rows if count]

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        rows = self.session.execute(
            select(
                TicketDurationDetail.bucket,
                func.sum(TicketDurationDetail.tickets),
                func.sum(TicketDurationDetail.seconds),
            )
            .where(
                TicketDurationDetail.measure == measure,
                TicketDurationDetail.bucket.in_(buckets),
                TicketDurationDetail.day >= since,
            )
            .group_by(TicketDurationDetail.bucket, TicketDurationDetail.fine)
            .order_by(TicketDurationDetail.bucket, TicketDurationDetail.fine)
        )
        return [
            (int(bucket), int(count), float(seconds)) for bucket, count, seconds in rows if count
        ]


class TeamTallies(SqlTallies):
    """The same figures of some teams' tickets, counted from the tickets' team indexes."""

    def __init__(self, session: Session, teams: frozenset[str]) -> None:
        super().__init__(session)
        self.teams = sorted(teams)
        self._seconds: dict[tuple[str, date], list[int]] = {}

    def _scope(self) -> tuple[ColumnElement[bool], ...]:
        return (Ticket.team_id.in_(self.teams),)

    def open_tickets(self) -> list[tuple[Status, Priority, int]]:
        rows = self.session.execute(
            select(Ticket.status, Ticket.priority, func.count())
            .where(
                *self._scope(),
                Ticket.deleted_at.is_(None),
                Ticket.status.in_(sorted(OPEN_STATUSES)),
            )
            .group_by(Ticket.status, Ticket.priority)
        )
        return [
            (Status(status), Priority(priority), int(count)) for status, priority, count in rows
        ]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        months = [first]
        while months[-1] < last:
            months.append(_month_after(months[-1]))
        return self._opened_on(months, _month_after)

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        return self._opened_on(days, lambda day: day + timedelta(days=1))

    def _opened_on(
        self, starts: list[date], following: Callable[[date], date]
    ) -> dict[tuple[date, Status], int]:
        ranges = [(_midnight(start), _midnight(following(start))) for start in starts]
        counts = self.opened_in(ranges)
        return {
            (start, status): count
            for start, counted in zip(starts, counts, strict=True)
            for status, count in counted.items()
        }

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        counted = Counter(_significant(seconds, 1) for seconds in self._durations(measure, since))
        return sorted(counted.items())

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        wanted = set(buckets)
        fine: dict[tuple[int, int], list[int]] = {}
        for seconds in self._durations(measure, since):
            if (bucket := _significant(seconds, 1)) in wanted:
                fine.setdefault((bucket, _significant(seconds, 2)), []).append(seconds)
        return [
            (bucket, len(values), float(sum(values)))
            for (bucket, _), values in sorted(fine.items())
        ]

    def _durations(self, measure: str, since: date) -> list[int]:
        """The whole seconds from opening to the event, of each ticket whose event fell on
        a UTC day from `since` on (read once per measure)."""
        key = (measure, since)
        if key not in self._seconds:
            column = {FIRST_REPLY: Ticket.first_response_at, RESOLUTION: Ticket.resolved_at}[
                measure
            ]
            rows = self.session.execute(
                select(Ticket.created_at, column).where(
                    *self._scope(),
                    Ticket.deleted_at.is_(None),
                    column.is_not(None),
                    column >= _midnight(since),
                )
            )
            self._seconds[key] = [
                _whole_seconds(start, end) for start, end in rows if end is not None
            ]
        return self._seconds[key]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _whole_seconds(start: datetime, end: datetime) -> int:
    """As the duration counters round: to the nearest second, halves up, never below 0."""
    return max(0, int((end - start).total_seconds() + 0.5))


def _significant(seconds: int, digits: int) -> int:
    """Seconds cut to `digits` significant digits (exact below 10**digits), as the
    duration counters cut them."""
    if seconds < 10**digits:
        return seconds
    unit: int = 10 ** (len(str(seconds)) - digits)
    return (seconds // unit) * unit
