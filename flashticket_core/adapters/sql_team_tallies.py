"""The dashboard's figures for some of the teams.

The tally tables the triggers keep (`sql_dashboard.py`) count every team together. A
team's member sees their teams' figures, counted from those teams' tickets (read through
the indexes that lead with the team). Support beside a private team sees every team's
but that one's: the tallies, less what the private team's tickets count for, so the
cost follows the private team's size, not the desk's. Durations are cut into the
tallies' buckets as the triggers cut them (`service_layer/dashboard.py` tells how).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from flashticket_core.adapters.sql_dashboard import SqlTallies
from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.adapters.tables import TicketDurationDetail, TicketTarget
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.dashboard import FIRST_REPLY, Tallies

K = TypeVar("K")


def significant(seconds: int, digits: int) -> int:
    """`seconds` cut to `digits` significant digits (exact below 10**digits)."""
    if seconds < 10**digits:
        return seconds
    scale: int = 10 ** (len(str(seconds)) - digits)
    return seconds // scale * scale


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def team_tallies(session: Session, teams: TeamScope) -> Tallies:
    """The figures of `teams`: every team's from the tallies; a few teams' from their
    tickets; all but a few from the tallies less those few teams' tickets."""
    if teams.everything:
        return SqlTallies(session)
    if teams.only is not None:
        return TicketTallies(session, teams.only - teams.excluded)
    return TalliesWithout(session, teams.excluded)


class TicketTallies(Tallies):
    """The figures of some teams, counted from their live tickets."""

    def __init__(self, session: Session, teams: frozenset[str]) -> None:
        self.session = session
        self.teams = teams

    def _live(self) -> list[ColumnElement[bool]]:
        return [Ticket.deleted_at.is_(None), in_teams(TeamScope(only=self.teams))]

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
        return [(created, Status(status)) for created, status in rows]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        end = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
        return dict(
            Counter(
                (created.date().replace(day=1), status)
                for created, status in self._opened(_start(first), _start(end))
            )
        )

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        counts: Counter[tuple[date, Status]] = Counter()
        for day in days:
            for _created, status in self._opened(_start(day), _start(day + timedelta(days=1))):
                counts[(day, status)] += 1
        return dict(counts)

    def opened_in(self, ranges: list[tuple[datetime, datetime]]) -> list[dict[Status, int]]:
        return [
            dict(Counter(status for _created, status in self._opened(start, end)))
            for start, end in ranges
        ]

    def seconds(self, measure: str, since: date) -> list[int]:
        """The whole seconds to `measure`'s event, of the tickets whose event fell on
        the UTC days from `since`."""
        event = Ticket.first_response_at if measure == FIRST_REPLY else Ticket.resolved_at
        rows = self.session.execute(
            select(Ticket.created_at, event).where(*self._live(), event >= _start(since))
        )
        return [
            max(0, round((at - created).total_seconds())) for created, at in rows if at is not None
        ]

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        return sorted(Counter(significant(s, 1) for s in self.seconds(measure, since)).items())

    def fine_values(
        self, measure: str, buckets: list[int], since: date
    ) -> dict[tuple[int, int], tuple[int, float]]:
        """(bucket, fine value) → (tickets, seconds) within `buckets`."""
        details: dict[tuple[int, int], tuple[int, float]] = {}
        for seconds in self.seconds(measure, since):
            bucket = significant(seconds, 1)
            if bucket in buckets:
                key = (bucket, significant(seconds, 2))
                count, total = details.get(key, (0, 0.0))
                details[key] = (count + 1, total + seconds)
        return details

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        details = self.fine_values(measure, buckets, since)
        return [(bucket, n, total) for (bucket, _fine), (n, total) in sorted(details.items())]

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        return targets_decided(self.session, since, self._live()[1])


class TalliesWithout(Tallies):
    """Every team's figures but a few teams': the tallies less those teams' tickets."""

    def __init__(self, session: Session, excluded: frozenset[str]) -> None:
        self.session = session
        self.all = SqlTallies(session)
        self.excluded = excluded
        self.left_out = TicketTallies(session, excluded)

    def open_tickets(self) -> list[tuple[Status, Priority, int]]:
        counts = Counter({(s, p): n for s, p, n in self.all.open_tickets()})
        counts.subtract({(s, p): n for s, p, n in self.left_out.open_tickets()})
        return [(s, p, n) for (s, p), n in counts.items() if n > 0]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        return _less(
            self.all.opened_per_month(first, last), self.left_out.opened_per_month(first, last)
        )

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        return _less(self.all.opened_per_day(days), self.left_out.opened_per_day(days))

    def opened_in(self, ranges: list[tuple[datetime, datetime]]) -> list[dict[Status, int]]:
        return [
            _less(every, left_out)
            for every, left_out in zip(
                self.all.opened_in(ranges), self.left_out.opened_in(ranges), strict=True
            )
        ]

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        counts = Counter(dict(self.all.durations(measure, since)))
        counts.subtract(dict(self.left_out.durations(measure, since)))
        return sorted((bucket, n) for bucket, n in counts.items() if n > 0)

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        rows = self.session.execute(
            select(
                TicketDurationDetail.bucket,
                TicketDurationDetail.fine,
                func.sum(TicketDurationDetail.tickets),
                func.sum(TicketDurationDetail.seconds),
            )
            .where(
                TicketDurationDetail.measure == measure,
                TicketDurationDetail.bucket.in_(buckets),
                TicketDurationDetail.day >= since,
            )
            .group_by(TicketDurationDetail.bucket, TicketDurationDetail.fine)
        )
        left_out = self.left_out.fine_values(measure, buckets, since)
        details = []
        for bucket, fine, count, seconds in rows:
            gone, gone_seconds = left_out.get((int(bucket), int(fine)), (0, 0.0))
            if int(count) - gone > 0:
                details.append(
                    (int(bucket), int(fine), int(count) - gone, float(seconds) - gone_seconds)
                )
        return [(bucket, n, total) for bucket, _fine, n, total in sorted(details)]

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        return targets_decided(self.session, since, in_teams(TeamScope(excluded=self.excluded)))


def _less(every: dict[K, int], left_out: dict[K, int]) -> dict[K, int]:
    counts = Counter(every)
    counts.subtract(left_out)
    return {key: n for key, n in counts.items() if n > 0}


def targets_decided(
    session: Session, since: datetime, shown: ColumnElement[bool]
) -> list[tuple[Priority, TargetKind, int, int]]:
    """The targets met and missed of the live tickets opened since, of the teams shown."""
    decided: dict[tuple[Priority, TargetKind], tuple[int, int]] = {}
    rows = session.execute(
        select(Ticket.priority, TicketTarget.kind, TicketTarget.met_at, TicketTarget.breached)
        .join(Ticket, Ticket.id == TicketTarget.ticket_id)
        .where(
            Ticket.deleted_at.is_(None),
            shown,
            Ticket.created_at >= since,
            TicketTarget.met_at.is_not(None) | TicketTarget.breached,
        )
    )
    for priority, kind, met_at, breached in rows:
        key = (Priority(priority), TargetKind(kind))
        met, missed = decided.get(key, (0, 0))
        decided[key] = (met + (not breached and met_at is not None), missed + bool(breached))
    return [(p, k, met, missed) for (p, k), (met, missed) in decided.items()]
