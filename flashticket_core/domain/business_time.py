"""Business time: the hours a help desk works, in its zone, minus its holidays.

Service-level targets count only these hours. `BusinessCalendar.add` answers "when is a
target of N business seconds due, counting from this instant", `elapsed` answers "how
much business time lies between two instants". Every instant in and out is an aware
datetime (UTC in the database); the calendar converts to its zone itself.

The week is written in wall-clock time (`FLASHTICKET_BUSINESS_HOURS`, parsed by
`parse_business_hours`): a day 08:00-17:00 is nine real hours on the days the clocks
change too, while a range that spans the change (01:00-04:00) holds the real time that
passes in it (two hours in spring, four in autumn). A range across midnight
(`22:00-06:00`) belongs to the day it starts: a holiday on that day removes all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays as holiday_library

MINUTES_PER_DAY = 24 * 60
# Minutes after the start of the day a range starts on: (start, end), end > start, and
# end may pass 24:00 for a range across midnight.
Range = tuple[int, int]
Week = tuple[tuple[Range, ...], ...]

ALWAYS_WEEK: Week = tuple(((0, MINUTES_PER_DAY),) for _ in range(7))
# A calendar with no opening in this many days is refused rather than searched forever.
_SEARCH_LIMIT_DAYS = 366 * 5

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly ranges per weekday (Monday first) in `zone`, minus holidays: explicit dates
    and regions of the `holidays` library (`DE`, `DE-BY`, `US-CA`), for any year."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    week: Week = ALWAYS_WEEK
    holiday_dates: frozenset[date] = frozenset()
    # (country, subdivision or None), as the holidays library names them.
    holiday_regions: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def always(cls, zone: ZoneInfo | None = None) -> BusinessCalendar:
        return cls(zone=zone or ZoneInfo("UTC"))

    @property
    def _around_the_clock(self) -> bool:
        return self.week == ALWAYS_WEEK and not self.holiday_dates and not self.holiday_regions

    @property
    def _weekly_minutes(self) -> int:
        return sum(end - start for day in self.week for start, end in day)

    def add(self, start: datetime, business: timedelta) -> datetime:
        """The instant at which `business` of business time has passed since `start`.

        Counting begins at the next opening when `start` is outside hours, so
        `add(start, timedelta(0))` is `start` itself inside hours and the next opening
        outside them (a target of zero is due as soon as someone could act on it). A
        positive target lands inside a range or exactly at a range's end."""
        start = _aware(start).astimezone(UTC)
        if business < timedelta(0):
            raise ValueError("business time to add must not be negative")
        if self._around_the_clock:
            return start + business
        remaining = business
        weekly = timedelta(minutes=self._weekly_minutes)
        first = self._local_date(start) - timedelta(days=1)
        # The first eight days one by one (a range of the day before may hold `start`),
        # then whole plain weeks at once, then the landing week day by day.
        day = first
        while True:
            if day - first > timedelta(days=8) and remaining > weekly and self._plain_week(day):
                remaining -= weekly
                day += timedelta(days=7)
                continue
            for opens, closes in self.openings(day):
                if closes <= start:
                    continue
                begin = max(opens, start)
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
            if day - first > timedelta(days=_SEARCH_LIMIT_DAYS) and remaining == business:
                raise ValueError("the business calendar has no opening hours")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between `start` and `end`; zero if `end` is not after `start`."""
        start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
        if end <= start:
            return timedelta(0)
        if self._around_the_clock:
            return end - start
        total = timedelta(0)
        weekly = timedelta(minutes=self._weekly_minutes)
        first = self._local_date(start) - timedelta(days=1)
        last = self._local_date(end)
        day = first
        while day <= last:
            # A week's ranges end before its eighth midnight (no range is longer than a day).
            if (
                day - first > timedelta(days=1)
                and self._midnight(day + timedelta(days=8)) <= end
                and self._plain_week(day)
            ):
                total += weekly
                day += timedelta(days=7)
                continue
            for opens, closes in self.openings(day):
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total

    @property
    def business_day(self) -> timedelta:
        """The length of one working day, what a `d` in a target means: the week's
        business time over the number of weekdays with hours (24 hours for `always`)."""
        working_days = sum(1 for day in self.week if day)
        return timedelta(minutes=self._weekly_minutes / working_days)

    def is_holiday(self, day: date) -> bool:
        if day in self.holiday_dates:
            return True
        return any(day in _region_holidays(c, s, day.year) for c, s in self.holiday_regions)

    def is_business_day(self, day: date) -> bool:
        """Whether `day` (in the calendar's zone) has any business hours."""
        return bool(self.week[day.weekday()]) and not self.is_holiday(day)

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls inside business hours."""
        at = _aware(at).astimezone(UTC)
        if self._around_the_clock:
            return True
        today = self._local_date(at)
        return any(
            opens <= at < closes
            for day in (today - timedelta(days=1), today)
            for opens, closes in self.openings(day)
        )

    def openings(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The business ranges starting on `day` (local), as UTC instants, in order."""
        return iter(_openings(self, day))

    def _day_openings(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if not self.week[day.weekday()] or self.is_holiday(day):
            return ()
        midnight = datetime.combine(day, time(0))
        ranges = []
        for start, end in self.week[day.weekday()]:
            opens = _utc(midnight + timedelta(minutes=start), self.zone)
            closes = _utc(midnight + timedelta(minutes=end), self.zone)
            if closes > opens:
                ranges.append((opens, closes))
        return tuple(ranges)

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def _midnight(self, day: date) -> datetime:
        return _utc(datetime.combine(day, time(0)), self.zone)

    def _plain_week(self, day: date) -> bool:
        """Whether the seven days from `day` hold exactly the nominal week: no holiday,
        and one UTC offset from the first midnight to the eighth (ranges may spill into
        the eighth day)."""
        if any(self.is_holiday(day + timedelta(days=n)) for n in range(7)):
            return False
        offsets = {
            datetime.combine(day + timedelta(days=n), time(0), self.zone).utcoffset()
            for n in range(9)
        }
        return len(offsets) == 1


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall time as a UTC instant. In a repeated hour, its first occurrence;
    in a skipped hour (no such instant), the moment the clocks jump, so that later wall
    times never map to earlier instants."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # Skipped: the jump lies between the reading with the offset after it and the one
    # with the offset before it; find it to the second (zones change on whole seconds).
    readings = sorted((instant, wall.replace(tzinfo=zone, fold=1).astimezone(UTC)))
    low, high = (int(reading.timestamp()) for reading in readings)
    after = readings[1].astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


# A day's ranges as instants, kept for the days in use: every target due and every
# business time elapsed walks the days between two instants, mostly the same few weeks.
@lru_cache(maxsize=4096)
def _openings(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    return calendar._day_openings(day)


@lru_cache(maxsize=256)
def _region_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(
        holiday_library.country_holidays(country, subdiv=subdivision, years=year).keys()
    )


_PART = re.compile(r"^(?P<days>[a-z]+(?:\s*-\s*[a-z]+)?)\s+(?P<hours>\d.*)$")
_DAY_SPAN = re.compile(r"^([a-z]+)(?:\s*-\s*([a-z]+))?$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_business_hours(text: str, *, zone: ZoneInfo, holidays: str = "") -> BusinessCalendar:
    """Parse `FLASHTICKET_BUSINESS_HOURS` (and `FLASHTICKET_HOLIDAYS`) into a calendar.

    `always`; `mon-fri 08:00-17:00`; comma-separated parts, several ranges a day
    (`mon-thu 08:00-12:00 13:00-17:00, fri 08:00-14:00`); `22:00-06:00` runs across
    midnight; `24:00` ends a day. Raises ValueError naming the part that is wrong."""
    holiday_dates, holiday_regions = parse_holidays(holidays)
    if text.strip().lower() == "always":
        return BusinessCalendar(
            zone=zone, holiday_dates=holiday_dates, holiday_regions=holiday_regions
        )
    days: list[list[Range]] = [[] for _ in range(7)]
    parts = [part.strip() for part in text.lower().split(",")]
    if not any(parts):
        raise ValueError("no business hours: write e.g. 'mon-fri 08:00-17:00' or 'always'")
    for part in parts:
        if not part:
            continue
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"{part!r}: write a day or days, then hours: 'mon-fri 08:00-17:00'")
        weekdays = _parse_days(match.group("days"), part)
        spans = re.sub(r"\s*-\s*", "-", match.group("hours")).split()
        for span in spans:
            window = _parse_range(span, part)
            for weekday in weekdays:
                days[weekday].append(window)
    week = tuple(tuple(sorted(day)) for day in days)
    _check_no_overlap(week)
    return BusinessCalendar(
        zone=zone, week=week, holiday_dates=holiday_dates, holiday_regions=holiday_regions
    )


def _parse_days(words: str, part: str) -> list[int]:
    match = _DAY_SPAN.match(words.strip())
    if match is None:
        raise ValueError(f"{part!r}: start with a day or a span of days, e.g. 'mon-fri' or 'sat'")
    first, last = match.group(1), match.group(2) or match.group(1)
    for name in (first, last):
        if name not in DAY_NAMES:
            raise ValueError(f"{part!r}: {name!r} is not a day; use {', '.join(DAY_NAMES)}")
    start, end = DAY_NAMES.index(first), DAY_NAMES.index(last)
    if end < start:
        # `fri-mon` wraps over the weekend.
        return [*range(start, 7), *range(0, end + 1)]
    return list(range(start, end + 1))


def _parse_range(span: str, part: str) -> Range:
    match = _RANGE.match(span)
    if match is None:
        raise ValueError(f"{part!r}: {span!r} is not a range of hours such as 08:00-17:00")
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise ValueError(f"{part!r}: {span!r} names a time that does not exist")
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if end == start:
        raise ValueError(f"{part!r}: {span!r} is empty; write 00:00-24:00 for a whole day")
    if end < start:
        end += MINUTES_PER_DAY
    return start, end


def _check_no_overlap(week: Week) -> None:
    spans = sorted(
        (weekday * MINUTES_PER_DAY + start, weekday * MINUTES_PER_DAY + end, weekday)
        for weekday, day in enumerate(week)
        for start, end in day
    )
    week_minutes = 7 * MINUTES_PER_DAY
    pairs = list(pairwise(spans))
    if spans:
        last, first = spans[-1], spans[0]
        pairs.append((last, (first[0] + week_minutes, first[1] + week_minutes, first[2])))
    for (_, end, day), (start, _, next_day) in pairs:
        if start < end:
            raise ValueError(
                f"the hours of {DAY_NAMES[day]} and {DAY_NAMES[next_day]} overlap;"
                " name each hour once"
            )


def parse_holidays(text: str) -> tuple[frozenset[date], tuple[tuple[str, str | None], ...]]:
    """`FLASHTICKET_HOLIDAYS`: comma-separated dates `YYYY-MM-DD` and regions of the
    holidays library (`DE`, `DE-BY` = Germany's Bavaria, `AT`, `US-CA`)."""
    dates: set[date] = set()
    regions: list[tuple[str, str | None]] = []
    supported = holiday_library.list_supported_countries()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        if _DATE.match(part):
            try:
                dates.add(date.fromisoformat(part))
            except ValueError:
                raise ValueError(f"{part!r} is not a date that exists") from None
            continue
        country, _, subdivision = part.upper().partition("-")
        if country not in supported:
            raise ValueError(
                f"{part!r} is neither a date YYYY-MM-DD nor a region such as DE or DE-BY"
            )
        if subdivision and subdivision not in supported[country]:
            raise ValueError(
                f"{part!r}: {country} has no region {subdivision!r};"
                f" known are {', '.join(supported[country])}"
            )
        region = (country, subdivision or None)
        if region not in regions:
            regions.append(region)
    return frozenset(dates), tuple(regions)
