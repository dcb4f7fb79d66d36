"""The dashboard's figures, read from the summaries the database keeps in step.

Migration 0007's triggers keep small tables current with every ticket change:
`ticket_tallies` and `ticket_month_tallies` (live tickets per UTC day or month of
opening, status and priority), and `ticket_durations` with `ticket_duration_details`
(live tickets per UTC day of their first reply or resolution, by duration bucket,
coarse and fine). Every figure here reads those, so its cost follows the number of
days asked about, not the number of tickets ever opened.

Months and "today" are calendar periods in the help desk's time zone. Whole UTC days
and months come from the tallies; the few hours a local month or day begins or ends
inside a UTC day are counted from the tickets themselves (an index range). Medians
cover whole UTC days: today and the days before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.model import (
    Ticket,
    TicketDuration,
    TicketDurationDetail,
    TicketMonthTally,
    TicketTally,
)

UTC_ZONE = ZoneInfo("UTC")
# A period shorter than this reads its days, a longer one the months it touches.
SHORT_PERIOD_DAYS = 20
FIRST_REPLY = "first_reply"
RESOLUTION = "resolution"


@dataclass(frozen=True)
class Kpis:
    open_by_status: dict[Status, int]
    open_by_priority: dict[Priority, int]
    opened_today: int
    median_seconds_to_first_reply: float | None
    median_seconds_to_resolve: float | None
    first_replies_in_period: int
    resolved_in_period: int
    period_days: int

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())


@dataclass(frozen=True)
class Statistics:
    """The KPIs and the tickets opened in each of the last months by current status."""

    kpis: Kpis
    status_per_month: dict[str, dict[Status, int]] = field(default_factory=dict)

    @property
    def open_by_status(self) -> dict[Status, int]:
        return self.kpis.open_by_status

    @property
    def open_by_priority(self) -> dict[Priority, int]:
        return self.kpis.open_by_priority

    @property
    def open_total(self) -> int:
        return self.kpis.open_total

    @property
    def period_days(self) -> int:
        return self.kpis.period_days

    @property
    def created_per_month(self) -> dict[str, int]:
        return {month: sum(counts.values()) for month, counts in self.status_per_month.items()}


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


def kpis(session: Session, *, now: datetime, days: int, zone: ZoneInfo) -> Kpis:
    open_by_status = {status: 0 for status in Status if status.is_open}
    open_by_priority = dict.fromkeys(Priority, 0)
    for status, priority, count in session.execute(
        select(TicketTally.status, TicketTally.priority, func.sum(TicketTally.tickets))
        .where(TicketTally.status.in_(sorted(OPEN_STATUSES)), TicketTally.tickets != 0)
        .group_by(TicketTally.status, TicketTally.priority)
    ):
        open_by_status[Status(status)] += int(count)
        open_by_priority[Priority(priority)] += int(count)
    today = now.astimezone(zone).date()
    (opened_today,) = opened_between(session, [_local_day(today, zone)])
    first_reply_count, first_reply = _median(session, FIRST_REPLY, now=now, days=days)
    resolved_count, resolve = _median(session, RESOLUTION, now=now, days=days)
    return Kpis(
        open_by_status=open_by_status,
        open_by_priority=open_by_priority,
        opened_today=sum(opened_today.values()),
        median_seconds_to_first_reply=first_reply,
        median_seconds_to_resolve=resolve,
        first_replies_in_period=first_reply_count,
        resolved_in_period=resolved_count,
        period_days=days,
    )


def statistics(
    session: Session, *, now: datetime, days: int, zone: ZoneInfo, months: int = 12
) -> Statistics:
    keys = last_months(now.astimezone(zone), months)
    starts = [_month_start(key, zone) for key in keys]
    ends = [*starts[1:], _month_start(_next_month(keys[-1]), zone)]
    counts = opened_between(session, list(zip(starts, ends, strict=True)))
    return Statistics(
        kpis=kpis(session, now=now, days=days, zone=zone),
        status_per_month=dict(zip(keys, counts, strict=True)),
    )


def opened_between(
    session: Session, periods: list[tuple[datetime, datetime]]
) -> list[dict[Status, int]]:
    """Live tickets opened in each [start, end), by current status.

    Whole UTC days inside a period come from the tallies; the hours before the first
    and after the last whole day come from the tickets' index.
    """
    result: list[dict[Status, int]] = [dict.fromkeys(Status, 0) for _ in periods]
    whole_days: list[tuple[int, date, date]] = []
    edges: list[tuple[int, datetime, datetime]] = []
    for number, (start, end) in enumerate(periods):
        first_day = _ceil_day(start)
        last_day = end.astimezone(UTC).date()
        if first_day >= last_day:
            edges.append((number, start, end))
            continue
        whole_days.append((number, first_day, last_day))
        edges.append((number, start, _midnight(first_day)))
        edges.append((number, _midnight(last_day), end))
    if whole_days:
        _add_whole_days(session, whole_days, result)
    parts = [
        select(literal(number), Ticket.status, func.count())
        .where(Ticket.deleted_at.is_(None), Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(Ticket.status)
        for number, start, end in edges
        if start < end
    ]
    if parts:
        for number, status, count in session.execute(union_all(*parts)):
            result[int(number)][Status(status)] += int(count)
    return result


def _add_whole_days(
    session: Session, whole_days: list[tuple[int, date, date]], result: list[dict[Status, int]]
) -> None:
    """Add the tickets opened on the whole UTC days [first, last) of each period.

    A period of a month or so reads the month tallies of the months it touches, less
    the day tallies of their days outside it (none in UTC, one at an edge elsewhere);
    a short period reads its days.
    """
    months: dict[int, list[date]] = {}
    plus: dict[int, list[date]] = {}
    minus: dict[int, list[date]] = {}
    for number, first, last in whole_days:
        if (last - first).days < SHORT_PERIOD_DAYS:
            plus[number] = _days(first, last)
            continue
        touched = [first.replace(day=1)]
        while (following := _month_after(touched[-1])) < last:
            touched.append(following)
        months[number] = touched
        minus[number] = _days(touched[0], first) + _days(last, _month_after(touched[-1]))
    by_month: dict[tuple[date, Status], int] = {}
    if months:
        wanted = sorted({month for touched in months.values() for month in touched})
        for month, status, count in session.execute(
            select(
                TicketMonthTally.month, TicketMonthTally.status, func.sum(TicketMonthTally.tickets)
            )
            .where(TicketMonthTally.month >= wanted[0], TicketMonthTally.month <= wanted[-1])
            .group_by(TicketMonthTally.month, TicketMonthTally.status)
        ):
            by_month[(month, Status(status))] = int(count)
    by_day: dict[tuple[date, Status], int] = {}
    days = sorted({day for listed in (*plus.values(), *minus.values()) for day in listed})
    if days:
        for day, status, count in session.execute(
            select(TicketTally.day, TicketTally.status, func.sum(TicketTally.tickets))
            .where(TicketTally.day.in_(days))
            .group_by(TicketTally.day, TicketTally.status)
        ):
            by_day[(day, Status(status))] = int(count)
    for number, _, _ in whole_days:
        counts = result[number]
        for status in Status:
            counts[status] += (
                sum(by_month.get((month, status), 0) for month in months.get(number, []))
                + sum(by_day.get((day, status), 0) for day in plus.get(number, []))
                - sum(by_day.get((day, status), 0) for day in minus.get(number, []))
            )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days)]


def _month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _median(
    session: Session, measure: str, *, now: datetime, days: int
) -> tuple[int, float | None]:
    """How many tickets had the event in the last `days` UTC days (today included), and
    the median of their durations.

    The coarse buckets of those days (one significant digit) show which bucket holds
    the middle; the fine buckets inside it (two significant digits, with the sum of
    their seconds) give its value as the mean of the fine bucket it falls in: exact when
    that fine bucket holds one ticket, within 10% otherwise. Two small reads, however
    many tickets the days saw.
    """
    since = now.astimezone(UTC).date() - timedelta(days=days - 1)
    coarse = [
        (int(bucket), int(count))
        for bucket, count in session.execute(
            select(TicketDuration.bucket, func.sum(TicketDuration.tickets))
            .where(TicketDuration.measure == measure, TicketDuration.day >= since)
            .group_by(TicketDuration.bucket)
            .order_by(TicketDuration.bucket)
        )
        if count
    ]
    total = sum(count for _, count in coarse)
    if not total:
        return 0, None
    # The middle rank (odd) or the two middle ranks (even), each in its coarse bucket.
    wanted = [_locate(coarse, rank) for rank in sorted({(total + 1) // 2, total // 2 + 1})]
    fine: dict[int, list[tuple[int, float]]] = {}
    for bucket, count, seconds in session.execute(
        select(
            TicketDurationDetail.bucket,
            func.sum(TicketDurationDetail.tickets),
            func.sum(TicketDurationDetail.seconds),
        )
        .where(
            TicketDurationDetail.measure == measure,
            TicketDurationDetail.bucket.in_(sorted({bucket for bucket, _ in wanted})),
            TicketDurationDetail.day >= since,
        )
        .group_by(TicketDurationDetail.bucket, TicketDurationDetail.fine)
        .order_by(TicketDurationDetail.bucket, TicketDurationDetail.fine)
    ):
        if count:
            fine.setdefault(int(bucket), []).append((int(count), float(seconds)))
    values = [_mean_at(fine[bucket], rank) for bucket, rank in wanted]
    if len(values) == 1:
        values *= 2
    return total, sum(values) / 2


def _locate(buckets: list[tuple[int, int]], rank: int) -> tuple[int, int]:
    """The bucket holding the rank-th smallest value (1-based) and its rank inside it."""
    seen = 0
    for bucket, count in buckets:
        if rank <= seen + count:
            return bucket, rank - seen
        seen += count
    raise ValueError(f"rank {rank} beyond {seen} values")


def _mean_at(fine: list[tuple[int, float]], rank: int) -> float:
    """The mean of the fine bucket holding the rank-th smallest value (1-based)."""
    seen = 0
    for count, seconds in fine:
        seen += count
        if rank <= seen:
            return seconds / count
    raise ValueError(f"rank {rank} beyond {seen} values")


# -- calendar ----------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _ceil_day(moment: datetime) -> date:
    """The first UTC day that begins at or after `moment`."""
    utc = moment.astimezone(UTC)
    return utc.date() if utc.time() == time() else utc.date() + timedelta(days=1)


def _local_day(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _month_start(key: str, zone: ZoneInfo) -> datetime:
    year, month = int(key[:4]), int(key[5:])
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def _next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def last_months(local_now: datetime, months: int) -> list[str]:
    """The keys (YYYY-MM) of the last `months` months, ending with the current one."""
    year, month = local_now.year, local_now.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))
