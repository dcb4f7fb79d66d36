"""The dashboard's reads in SQL: the tally tables the triggers of migration 0007 keep, and
the tickets' index for the hours at the edges of a local period. What the tables hold,
and on which change of a ticket, is told in `service_layer/dashboard.py`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, literal, select, union_all
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
from flashticket_core.service_layer.dashboard import Tallies


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


class SqlTallies(Tallies):
    def __init__(self, session: Session) -> None:
        self.session = session

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        missed = case((TicketTarget.breached, 1), else_=0)
        in_time = case((TicketTarget.met_at.is_not(None) & ~TicketTarget.breached, 1), else_=0)
        rows = self.session.execute(
            select(Ticket.priority, TicketTarget.kind, func.sum(in_time), func.sum(missed))
            .join(Ticket, Ticket.id == TicketTarget.ticket_id)
            .where(
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
            .where(Ticket.deleted_at.is_(None), Ticket.created_at >= start, Ticket.created_at < end)
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
