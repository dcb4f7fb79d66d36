"""The dashboard's figures for some of the teams, counted from the tickets themselves.

The tally tables the triggers keep (`sql_dashboard.py`) count every team together; a
person who may see only some teams (support beside a private team, a team's member) is
shown the tickets of those teams, read here through the tickets' indexes and the team
filter (`sql_team_scope.py`). Durations are cut into the tallies' buckets as the
triggers cut them (`service_layer/dashboard.py` tells how)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.adapters.tables import TicketTarget
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.dashboard import FIRST_REPLY, Tallies


def significant(seconds: int, digits: int) -> int:
    """`seconds` cut to `digits` significant digits (exact below 10**digits)."""
    if seconds < 10**digits:
        return seconds
    scale: int = 10 ** (len(str(seconds)) - digits)
    return seconds // scale * scale


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class TeamTallies(Tallies):
    def __init__(self, session: Session, teams: TeamScope) -> None:
        self.session = session
        self.teams = teams

    def _live(self) -> list[ColumnElement[bool]]:
        return [Ticket.deleted_at.is_(None), in_teams(self.teams)]

    def open_tickets(self) -> list[tuple[Status, Priority, int]]:
        rows = self.session.execute(
            select(Ticket.status, Ticket.priority, func.count())
            .where(*self._live(), Ticket.status.in_(sorted(OPEN_STATUSES)))
            .group_by(Ticket.status, Ticket.priority)
        )
        return [(Status(s), Priority(p), int(n)) for s, p, n in rows]

    def _opened(self, start: datetime, end: datetime) -> list[tuple[datetime, Status]]:
        rows = self.session.execute(
            select(Ticket.created_at, Ticket.status).where(
                *self._live(), Ticket.created_at >= start, Ticket.created_at < end
            )
        )
        return [(created.replace(tzinfo=UTC), Status(status)) for created, status in rows]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        end = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
        counts: dict[tuple[date, Status], int] = {}
        for created, status in self._opened(_start(first), _start(end)):
            key = (created.date().replace(day=1), status)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        counts: dict[tuple[date, Status], int] = {}
        for day in days:
            for _created, status in self._opened(_start(day), _start(day + timedelta(days=1))):
                counts[(day, status)] = counts.get((day, status), 0) + 1
        return counts

    def opened_in(self, ranges: list[tuple[datetime, datetime]]) -> list[dict[Status, int]]:
        found: list[dict[Status, int]] = []
        for start, end in ranges:
            counts: dict[Status, int] = {}
            for _created, status in self._opened(start, end):
                counts[status] = counts.get(status, 0) + 1
            found.append(counts)
        return found

    def _seconds(self, measure: str, since: date) -> list[int]:
        event = Ticket.first_response_at if measure == FIRST_REPLY else Ticket.resolved_at
        rows = self.session.execute(
            select(Ticket.created_at, event).where(*self._live(), event >= _start(since))
        )
        return [
            max(0, round((at - created).total_seconds())) for created, at in rows if at is not None
        ]

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        counts: dict[int, int] = {}
        for seconds in self._seconds(measure, since):
            bucket = significant(seconds, 1)
            counts[bucket] = counts.get(bucket, 0) + 1
        return sorted(counts.items())

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        details: dict[tuple[int, int], tuple[int, float]] = {}
        for seconds in self._seconds(measure, since):
            bucket = significant(seconds, 1)
            if bucket in buckets:
                key = (bucket, significant(seconds, 2))
                count, total = details.get(key, (0, 0.0))
                details[key] = (count + 1, total + seconds)
        return [(bucket, n, total) for (bucket, _fine), (n, total) in sorted(details.items())]

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        decided: dict[tuple[Priority, TargetKind], tuple[int, int]] = {}
        rows = self.session.execute(
            select(Ticket.priority, TicketTarget.kind, TicketTarget.met_at, TicketTarget.breached)
            .join(Ticket, Ticket.id == TicketTarget.ticket_id)
            .where(
                *self._live(),
                Ticket.created_at >= since,
                TicketTarget.met_at.is_not(None) | TicketTarget.breached,
            )
        )
        for priority, kind, met_at, breached in rows:
            key = (Priority(priority), TargetKind(kind))
            met, missed = decided.get(key, (0, 0))
            decided[key] = (met + (not breached and met_at is not None), missed + bool(breached))
        return [(p, k, met, missed) for (p, k), (met, missed) in decided.items()]
