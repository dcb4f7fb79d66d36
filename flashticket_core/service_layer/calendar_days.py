"""Days and months as the statistics count them: UTC days for the tallies, a month by
its key (`2026-05`), and a local day or month as the UTC moments it spans."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days)]


def month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def ceil_day(moment: datetime) -> date:
    """The first UTC day that begins at or after `moment`."""
    utc = moment.astimezone(UTC)
    return utc.date() if utc.time() == time() else utc.date() + timedelta(days=1)


def local_day(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_start(key: str, zone: ZoneInfo) -> datetime:
    year, month = int(key[:4]), int(key[5:])
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def months_touched(local_now: datetime, days: int) -> int:
    """How many calendar months the last `days` days (today included) reach into."""
    first = (local_now - timedelta(days=days - 1)).date()
    return (local_now.year - first.year) * 12 + local_now.month - first.month + 1


def last_months(local_now: datetime, months: int) -> list[str]:
    """The keys (YYYY-MM) of the last `months` months, ending with the current one."""
    year, month = local_now.year, local_now.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))
