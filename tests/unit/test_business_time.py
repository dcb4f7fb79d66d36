"""The business calendar: wall-clock weeks in the help desk's zone, minus holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashticket_core.domain.business_time import (
    BusinessCalendar,
    parse_business_hours,
    parse_holidays,
)

BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)


def berlin(*parts: int) -> datetime:
    """A Berlin wall time as a UTC instant, so that `+` below is real time."""
    return datetime(*parts, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


OFFICE = parse_business_hours("mon-fri 08:00-17:00", zone=BERLIN)
COUNTED_DAYS_MAX = 500


def test_always_is_plain_arithmetic() -> None:
    calendar = parse_business_hours("always", zone=BERLIN)
    start = berlin(2026, 3, 28, 12)
    assert calendar.add(start, 30 * H) == start + 30 * H
    assert calendar.elapsed(start, start + 30 * H) == 30 * H
    assert calendar.business_day == 24 * H
    assert calendar == BusinessCalendar.always(BERLIN)


def test_a_working_day_and_the_weekend() -> None:
    friday_four = berlin(2026, 12, 4, 16)
    assert OFFICE.add(friday_four, 2 * H) == berlin(2026, 12, 7, 9)
    assert OFFICE.elapsed(friday_four, berlin(2026, 12, 7, 9)) == 2 * H
    assert OFFICE.business_day == 9 * H
    assert not OFFICE.is_business_day(date(2026, 12, 5))
    assert OFFICE.is_open(berlin(2026, 12, 4, 8))
    assert not OFFICE.is_open(berlin(2026, 12, 4, 17))


def test_a_start_outside_hours_counts_from_the_next_opening() -> None:
    saturday = berlin(2026, 12, 5, 11)
    assert OFFICE.add(saturday, H) == berlin(2026, 12, 7, 9)
    # A target of zero is due at the next opening, or at once inside hours.
    assert OFFICE.add(saturday, timedelta(0)) == berlin(2026, 12, 7, 8)
    assert OFFICE.add(berlin(2026, 12, 7, 10), timedelta(0)) == berlin(2026, 12, 7, 10)
    assert OFFICE.add(berlin(2026, 12, 7, 17), timedelta(0)) == berlin(2026, 12, 8, 8)


def test_a_day_of_wall_clock_hours_is_nine_real_hours_on_both_dst_days() -> None:
    every_day = parse_business_hours("mon-sun 08:00-17:00", zone=BERLIN)
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        opens = berlin(day.year, day.month, day.day, 8)
        assert every_day.add(opens, 9 * H) == opens + 9 * H
        assert every_day.elapsed(opens - 8 * H, opens + 20 * H) == 9 * H


def test_a_range_over_the_clock_change_holds_the_real_time() -> None:
    nights = parse_business_hours("mon-sun 01:00-04:00", zone=BERLIN)
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    assert nights.elapsed(berlin(2026, 3, 29, 0), berlin(2026, 3, 29, 5)) == 2 * H
    assert nights.elapsed(berlin(2026, 10, 25, 0), berlin(2026, 10, 25, 5)) == 4 * H
    assert [closes - opens for opens, closes in nights.openings(spring)] == [2 * H]
    assert [closes - opens for opens, closes in nights.openings(autumn)] == [4 * H]
    assert nights.add(berlin(2026, 3, 29, 1), 2 * H) == berlin(2026, 3, 29, 4)


def test_a_range_starting_in_the_skipped_hour_opens_when_the_clocks_jump() -> None:
    odd = parse_business_hours("sun 02:30-05:00", zone=BERLIN)
    ((opens, closes),) = odd.openings(date(2026, 3, 29))
    assert opens == datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 CEST
    assert closes - opens == 2 * H


def test_several_ranges_and_parts() -> None:
    calendar = parse_business_hours("mon-thu 08:00-12:00 13:00-17:00, fri 08:00-14:00", zone=BERLIN)
    assert calendar.business_day == (4 * 8 + 6) * H / 5
    assert calendar.add(berlin(2026, 12, 7, 11), 2 * H) == berlin(2026, 12, 7, 14)
    assert calendar.add(berlin(2026, 12, 11, 13), 2 * H) == berlin(2026, 12, 14, 9)


def test_a_range_across_midnight_belongs_to_the_day_it_starts() -> None:
    nights = parse_business_hours("fri 22:00-06:00", zone=BERLIN, holidays="2026-12-18")
    assert nights.is_open(berlin(2026, 12, 12, 5))
    assert nights.business_day == 8 * H
    # The holiday on the Friday removes its whole night, the Saturday morning too.
    assert not nights.is_open(berlin(2026, 12, 19, 5))
    assert nights.add(berlin(2026, 12, 18, 23), H) == berlin(2026, 12, 25, 23)


def test_24_00_ends_a_day() -> None:
    late = parse_business_hours("sat 18:00-24:00, sun 00:00-02:00", zone=BERLIN)
    assert late.add(berlin(2026, 12, 5, 23), 2 * H) == berlin(2026, 12, 6, 1)


def test_holidays_by_date_and_region() -> None:
    bavaria = parse_business_hours("mon-fri 08:00-17:00", zone=BERLIN, holidays="DE-BY")
    assert not bavaria.is_business_day(date(2026, 1, 6))  # Epiphany, Bavaria only
    assert OFFICE.is_business_day(date(2026, 1, 6))
    # Any year the arithmetic reaches: Christmas 2031 is a Thursday.
    assert not bavaria.is_business_day(date(2031, 12, 25))
    assert bavaria.add(berlin(2026, 12, 23, 16), 2 * H) == berlin(2026, 12, 24, 9)
    dated = parse_business_hours("mon-fri 08:00-17:00", zone=BERLIN, holidays="2026-12-24")
    assert dated.add(berlin(2026, 12, 23, 16), 2 * H) == berlin(2026, 12, 25, 9)
    assert parse_holidays("2026-12-24, de-by, AT, US-CA") == (
        frozenset({date(2026, 12, 24)}),
        (("DE", "BY"), ("AT", None), ("US", "CA")),
    )


def test_targets_longer_than_a_week_and_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long spans go a plain week at a time, not day by day: counted in days looked at,
    not in seconds, which a busy machine would stretch."""
    monday = berlin(2026, 1, 5, 8)
    assert OFFICE.add(monday, 45 * 2 * H) == berlin(2026, 1, 16, 17)
    days_looked_at = 0
    openings = BusinessCalendar.openings

    def counted(self: BusinessCalendar, day: date) -> Any:
        nonlocal days_looked_at
        days_looked_at += 1
        return openings(self, day)

    monkeypatch.setattr(BusinessCalendar, "openings", counted)
    due = OFFICE.add(monday, 9 * 250 * H)
    assert OFFICE.elapsed(monday, due) == 9 * 250 * H
    assert OFFICE.elapsed(datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)) > H
    # About a year and ten years: day by day would be some 4,300 days.
    assert days_looked_at < COUNTED_DAYS_MAX, days_looked_at


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", "no business hours"),
        ("mon-fri", "'mon-fri'"),
        ("mon-fry 08:00-17:00", "'fry'"),
        ("mon-fri 08:00-17:00, sat 25:00-26:00", "'sat 25:00-26:00'"),
        ("mon 08:00-08:00", "empty"),
        ("mon 8-17", "'mon 8-17'"),
        ("mon 08:00-24:30", "does not exist"),
        ("mon 08:00-12:00 11:00-13:00", "overlap"),
        ("sun 22:00-06:00, mon 05:00-07:00", "overlap"),
    ],
)
def test_bad_business_hours_name_the_part(text: str, names: str) -> None:
    with pytest.raises(ValueError, match=names):
        parse_business_hours(text, zone=BERLIN)


@pytest.mark.parametrize(
    ("text", "names"),
    [("2026-02-30", "'2026-02-30'"), ("XX", "'XX'"), ("DE-XX", "no region 'XX'")],
)
def test_bad_holidays_name_the_part(text: str, names: str) -> None:
    with pytest.raises(ValueError, match=names):
        parse_holidays(text)


CALENDARS = st.sampled_from(
    [
        OFFICE,
        parse_business_hours("mon-thu 08:00-12:00 13:00-17:00, fri 08:00-14:00", zone=BERLIN),
        parse_business_hours("mon-sun 01:00-04:00", zone=BERLIN, holidays="DE-BY"),
        parse_business_hours("fri 22:00-06:00, sat 10:00-14:00", zone=BERLIN),
        parse_business_hours("always", zone=BERLIN, holidays="2026-03-29, 2026-10-25"),
        parse_business_hours("mon-fri 08:00-17:00", zone=ZoneInfo("America/Los_Angeles")),
    ]
)
INSTANTS = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(UTC)
).map(lambda at: at.replace(microsecond=0))
DURATIONS = st.integers(min_value=1, max_value=60 * 60 * 24 * 40).map(
    lambda seconds: timedelta(seconds=seconds)
)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, INSTANTS, DURATIONS)
def test_elapsed_undoes_add(calendar: BusinessCalendar, start: datetime, span: timedelta) -> None:
    due = calendar.add(start, span)
    assert calendar.elapsed(start, due) == span
    # It lands inside hours or exactly where a range closes.
    assert calendar.is_open(due) or calendar.is_open(due - timedelta(seconds=1))


@settings(max_examples=200, deadline=None)
@given(CALENDARS, INSTANTS, DURATIONS, DURATIONS)
def test_add_and_elapsed_grow_with_their_arguments(
    calendar: BusinessCalendar, start: datetime, shorter: timedelta, longer: timedelta
) -> None:
    shorter, longer = sorted((shorter, longer))
    assert calendar.add(start, shorter) <= calendar.add(start, longer)
    assert calendar.elapsed(start, start + shorter) <= calendar.elapsed(start, start + longer)
    assert calendar.elapsed(start, start + longer) <= longer


@settings(max_examples=200, deadline=None)
@given(INSTANTS, DURATIONS)
def test_always_equals_plain_arithmetic(start: datetime, span: timedelta) -> None:
    calendar = BusinessCalendar.always(BERLIN)
    assert calendar.add(start, span) == start + span
    assert calendar.elapsed(start, start + span) == span
