"""Service-level targets per priority, as `FLASHTICKET_SLA` writes them.

`high=30m/4h,medium=4h/2d,low=1d/5d`: first response / resolution, in business time.
Units are `s m h d`; a `d` is one business day's length of the calendar (nine hours for
`mon-fri 08:00-17:00`, 24 hours for `always`), so "2d" means two working days, as a help
desk's people say it. A priority left out, or a side left empty (`low=/5d`), has no target.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from flashticket_core.domain.enums import Priority

DEFAULT_SLA = "high=30m/4h,medium=4h/2d,low=1d/5d"
# The reminder goes out when this share of a target has passed.
DEFAULT_WARNING_SHARE = 0.75

_DURATION = re.compile(r"^\s*(\d{1,7})\s*([smhd])\s*$")
_UNITS = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1)}


@dataclass(frozen=True)
class Targets:
    first_response: timedelta | None = None
    resolution: timedelta | None = None


NO_TARGETS = Targets()


@dataclass(frozen=True)
class ServiceLevels:
    per_priority: Mapping[Priority, Targets] = field(default_factory=dict)
    warning_share: float = DEFAULT_WARNING_SHARE

    def targets(self, priority: Priority) -> Targets:
        return self.per_priority.get(priority, NO_TARGETS)

    @property
    def any(self) -> bool:
        return any(t.first_response or t.resolution for t in self.per_priority.values())


def parse_duration(text: str, *, business_day: timedelta) -> timedelta:
    """`90s`, `30m`, `4h`, `2d` (business days of `business_day` each); a positive length."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a duration such as 90s, 30m, 4h or 2d")
    amount, unit = int(match.group(1)), match.group(2)
    if amount == 0:
        raise ValueError(f"{text.strip()!r}: a target must be longer than zero")
    return amount * (business_day if unit == "d" else _UNITS[unit])


def parse_sla(
    text: str, *, business_day: timedelta, warning_share: float = DEFAULT_WARNING_SHARE
) -> ServiceLevels:
    """Parse `FLASHTICKET_SLA`; empty text means no targets. Raises ValueError naming the
    part that is wrong."""
    per_priority: dict[Priority, Targets] = {}
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        name, equals, sides = part.partition("=")
        try:
            priority = Priority(name.strip().lower())
        except ValueError:
            raise ValueError(f"{part!r}: the priority must be one of high, medium, low") from None
        if not equals or sides.count("/") != 1:
            raise ValueError(f"{part!r}: write it as {priority.value}=FIRST/RESOLUTION, e.g. 4h/2d")
        if priority in per_priority:
            raise ValueError(f"{part!r}: {priority.value} is named twice")
        try:
            first, resolution = (
                parse_duration(side, business_day=business_day) if side.strip() else None
                for side in sides.split("/")
            )
        except ValueError as error:
            raise ValueError(f"{part!r}: {error}") from None
        per_priority[priority] = Targets(first_response=first, resolution=resolution)
    return ServiceLevels(per_priority=per_priority, warning_share=warning_share)
