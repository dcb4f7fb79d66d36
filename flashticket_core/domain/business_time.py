"""Business time: the hours a help desk works, in its zone, minus its holidays.

Service-level targets count only these hours. `BusinessCalendar.add` answers "when is a
target of N business seconds due, counting from this instant", `elapsed` answers "how
much business time lies between two instants". Every instant in and out is an aware
datetime (UTC in the database); the calendar converts to its zone itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessCalendar:
    """`always` (around the clock, no holidays) until the business-hours parser fills in
    weekly ranges and holidays."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    @classmethod
    def always(cls, zone: ZoneInfo | None = None) -> BusinessCalendar:
        return cls(zone=zone or ZoneInfo("UTC"))

    def add(self, start: datetime, business: timedelta) -> datetime:
        """The instant at which `business` of business time has passed since `start`."""
        return _aware(start) + business

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between `start` and `end`; zero if `end` is not after `start`."""
        return max(_aware(end) - _aware(start), timedelta(0))

    @property
    def business_day(self) -> timedelta:
        """The length of one working day, what a `d` in a target means."""
        return timedelta(hours=24)

    def is_business_day(self, day: date) -> bool:
        """Whether `day` (in the calendar's zone) has any business hours."""
        return True

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls inside business hours."""
        return True


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
