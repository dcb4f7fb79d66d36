"""The core's settings, read from the environment or a `.env` file, built only when asked.

The Slack adapter's and the server's are bot.settings's; `bot.settings.Settings` holds
all three under SPEC.md's variable names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from flashticket_core.domain.business_time import (
    BusinessCalendar,
    parse_business_hours,
    parse_holidays,
)
from flashticket_core.domain.permissions import IntakeLimit
from flashticket_core.domain.service_levels import DEFAULT_SLA, ServiceLevels, parse_sla
from flashticket_core.i18n import Language

DEFAULT_DATABASE_URL = "sqlite:///data/tickets.db"

_WALL_DURATION = re.compile(r"^\s*(\d{1,7})\s*([smhd])\s*$")
_WALL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_CLOCK_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_wall_duration(text: str) -> timedelta | None:
    """`7d`, `90s`, `30m`, `4h` in wall-clock time (a `d` is 24 hours), or `off` (None)."""
    if text.strip().lower() == "off":
        return None
    match = _WALL_DURATION.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{text.strip()!r} is not a duration such as 90s, 30m, 4h, 7d, or off")
    return timedelta(seconds=int(match.group(1)) * _WALL_UNITS[match.group(2)])


def parse_intake_limit(text: str) -> IntakeLimit | None:
    """`5/10m`: five per ten minutes; `off` (None): no limit."""
    if text.strip().lower() == "off":
        return None
    count, _, window = text.partition("/")
    duration = parse_wall_duration(window) if window.strip().lower() != "off" else None
    if not count.strip().isdigit() or int(count) < 1 or duration is None:
        raise ValueError(f"{text.strip()!r} is not a limit such as 5/10m, or off")
    return IntakeLimit(int(count), duration)


def parse_clock_time(text: str) -> time | None:
    """`HH:MM` (local time of day), or `off` (None)."""
    if text.strip().lower() == "off":
        return None
    match = _CLOCK_TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{text.strip()!r} is not a time of day such as 09:00, or off")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class ClockIntervals:
    """The wall-clock timers of the clock settings; None where a setting says `off`."""

    auto_close: timedelta | None
    waiting_nudge: timedelta | None
    waiting_resolve: timedelta | None
    digest_time: time | None


# What every settings class reads: the environment and `.env`, names in any case.
SETTINGS_CONFIG = SettingsConfigDict(
    env_file=".env",
    env_file_encoding="utf-8",
    extra="ignore",
    case_sensitive=False,
    arbitrary_types_allowed=True,
)


class CoreSettings(BaseSettings):
    """The help desk's settings: its database, people, language, calendar and clock."""

    model_config = SETTINGS_CONFIG

    database_url: str = DEFAULT_DATABASE_URL
    flashticket_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    flashticket_language: Language = Language.EN
    # The help desk's calendar: where its months and "today" of the statistics begin.
    flashticket_timezone: ZoneInfo = ZoneInfo("UTC")
    # How long a delivery worker owns a message it took; after a crash another worker
    # (or the restarted one) sends it once this has passed. Longer than a Slack call.
    flashticket_delivery_lease_seconds: int = Field(default=30, ge=1, le=3600)

    # The clock (SPEC.md "The clock"): targets per priority in business time, the
    # calendar they count on, and the timers of waiting and resolved tickets (where
    # missed ones go is Slack's: FLASHTICKET_ESCALATION_CHANNEL). Parsed by `flashticket_core.domain.business_time` and
    # `flashticket_core.domain.service_levels`.
    flashticket_sla: str = DEFAULT_SLA
    flashticket_business_hours: str = "mon-fri 08:00-17:00"
    flashticket_holidays: str = ""
    # The reminder to the assignee when this share (percent) of a target has passed.
    flashticket_sla_warning_percent: int = Field(default=75, ge=1, le=99)
    # Resolved -> closed after this (wall-clock: `7d`, `90s`), or `off`.
    flashticket_auto_close: str = "7d"
    # A ticket waiting for its reporter: a nudge in their DM thread after this, then
    # resolved with a note after this much more without an answer (`off` for never).
    flashticket_waiting_nudge: str = "3d"
    flashticket_waiting_resolve: str = "4d"
    # The morning digest in the support channel, each business day at this local time
    # (HH:MM in FLASHTICKET_TIMEZONE), or `off`.
    flashticket_digest_time: str = "09:00"
    # How many tickets one person may open from other people's messages (🎫, the
    # message shortcut) per window, `<count>/<duration>` such as `5/10m`, or `off`.
    # Support and admins are not held to it.
    flashticket_intake_limit: str = "5/10m"
    # The desk's teams and request types (SPEC.md "Teams"), a YAML file; unset: one team,
    # Support, in FLASHTICKET_SUPPORT_CHANNEL. Read by `flashticket_core.desk_file`.
    flashticket_desk_file: str | None = None

    @field_validator("flashticket_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("flashticket_timezone", mode="before")
    @classmethod
    def _zone(cls, value: object) -> object:
        if isinstance(value, str):
            name = value.strip() or "UTC"
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as error:
                raise ValueError(
                    f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
                ) from error
        return value

    # Named apart from the Slack settings' own validator: the whole Settings inherits both.
    @field_validator("flashticket_desk_file", mode="before")
    @classmethod
    def _empty_desk_file_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("flashticket_business_hours")
    @classmethod
    def _business_hours(cls, value: str) -> str:
        # The zone changes when the hours fall, never whether they parse.
        parse_business_hours(value, zone=ZoneInfo("UTC"))
        return value

    @field_validator("flashticket_holidays")
    @classmethod
    def _holidays(cls, value: str) -> str:
        parse_holidays(value)
        return value

    @field_validator("flashticket_sla")
    @classmethod
    def _sla(cls, value: str) -> str:
        # Whether the targets parse does not depend on the length of a business day.
        parse_sla(value, business_day=timedelta(hours=24))
        return value

    @field_validator(
        "flashticket_auto_close", "flashticket_waiting_nudge", "flashticket_waiting_resolve"
    )
    @classmethod
    def _wall_duration(cls, value: str) -> str:
        parse_wall_duration(value)
        return value

    @field_validator("flashticket_intake_limit")
    @classmethod
    def _intake_limit(cls, value: str) -> str:
        parse_intake_limit(value)
        return value

    def intake_limit(self) -> IntakeLimit | None:
        return parse_intake_limit(self.flashticket_intake_limit)

    @field_validator("flashticket_digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        parse_clock_time(value)
        return value

    def calendar(self) -> BusinessCalendar:
        """The business calendar of FLASHTICKET_BUSINESS_HOURS and FLASHTICKET_HOLIDAYS in
        FLASHTICKET_TIMEZONE."""
        return parse_business_hours(
            self.flashticket_business_hours,
            zone=self.flashticket_timezone,
            holidays=self.flashticket_holidays,
        )

    def service_levels(self) -> ServiceLevels:
        """FLASHTICKET_SLA's targets, a `d` being one business day of the calendar."""
        return parse_sla(
            self.flashticket_sla,
            business_day=self.calendar().business_day,
            warning_share=self.flashticket_sla_warning_percent / 100,
        )

    def clock_intervals(self) -> ClockIntervals:
        return ClockIntervals(
            auto_close=parse_wall_duration(self.flashticket_auto_close),
            waiting_nudge=parse_wall_duration(self.flashticket_waiting_nudge),
            waiting_resolve=parse_wall_duration(self.flashticket_waiting_resolve),
            digest_time=parse_clock_time(self.flashticket_digest_time),
        )
