"""A desk replay routes each past ticket as the proposed desk file would have (its type's
team, else its intake channel's, else the first team) and measures its targets on that
team's levels and calendar, against a clock the test sets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import parse_desk_text
from flashticket_core.domain.enums import Priority
from flashticket_core.service_layer.replay import (
    PastTicket,
    Router,
    TargetCount,
    replay_desk,
    team_clock,
)

DESK = parse_desk_text(
    """\
teams:
  - {id: it, name: IT, channel: C0IT, intake_channels: [C0HELPIT], sla: "high=1h/4h"}
  - id: hr
    name: HR
    channel: C0HR
    private: true
    intake_channels: [C0HELPHR]
    sla: "high=1h/1d,medium=/2d"
    business_hours: "mon-fri 09:00-17:00"
request_types:
  - {id: hardware, name: Hardware, team: it}
  - {id: payroll, name: Payroll, team: hr}
""",
    source="desk.yaml",
)
# A Monday, 10:00 UTC: inside HR's hours.
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def settings(**values: str) -> CoreSettings:
    return CoreSettings(_env_file=None, flashticket_business_hours="always", **values)  # type: ignore[call-arg]


@dataclass
class Past:
    tickets: list[PastTicket]
    asked_since: datetime | None = None

    def opened_since(self, since: datetime) -> Iterator[PastTicket]:
        self.asked_since = since
        return iter(t for t in self.tickets if t.created_at >= since)


def ticket(**values: object) -> PastTicket:
    values.setdefault("priority", Priority.HIGH)
    values.setdefault("created_at", MONDAY)
    return PastTicket(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("past", "team"),
    [
        (ticket(request_type="payroll", source_channel="C0HELPIT"), "hr"),  # type first
        (ticket(request_type="hardware"), "it"),
        (ticket(source_channel="C0HELPHR"), "hr"),  # intake channel
        (ticket(request_type="gone", source_channel="C0HELPHR"), "hr"),  # a type not in the file
        (ticket(source_channel="C0ELSEWHERE"), "it"),  # else the first team
        (ticket(), "it"),
    ],
)
def test_a_ticket_goes_to_its_types_team_else_its_channels_else_the_first(
    past: PastTicket, team: str
) -> None:
    assert Router(DESK).team_of(past) == team


def test_targets_are_met_missed_or_still_open_on_the_teams_levels() -> None:
    now = MONDAY + timedelta(hours=3)
    past = Past(
        [
            # IT, high: 1h / 4h around the clock.
            ticket(first_response_at=MONDAY + timedelta(minutes=59)),  # met, resolution open
            ticket(first_response_at=MONDAY + timedelta(minutes=61)),  # missed, open
            ticket(),  # first response missed (3h > 1h), resolution still open (4h)
            ticket(  # resolved before any reply: the first reply is owed no more
                resolved_at=MONDAY + timedelta(minutes=30),
            ),
            ticket(
                created_at=MONDAY - timedelta(hours=5),
                first_response_at=MONDAY - timedelta(hours=4, minutes=30),
            ),  # resolution missed: 5h without one
            ticket(priority=Priority.LOW),  # IT has no low targets
        ]
    )
    replay = replay_desk(past, DESK, settings(), now=now, days=90)
    it = replay.teams[0]
    assert it.received == 6
    assert it.first_response == TargetCount(met=3, missed=2, still_open=0, untargeted=1)
    assert it.resolution == TargetCount(met=1, missed=1, still_open=3, untargeted=1)
    assert replay.teams[1].received == 0
    assert replay.received == 6


def test_a_team_without_its_own_levels_uses_the_desks_and_counts_its_own_hours() -> None:
    # HR works mon-fri 09:00-17:00: a ticket of Friday 16:30 with a 1h target is due
    # Monday 09:30, so a reply on Monday 09:15 is in time.
    friday = MONDAY - timedelta(days=2, hours=17, minutes=30)  # Fri 16:30
    past = Past(
        [
            ticket(
                source_channel="C0HELPHR",
                created_at=friday,
                first_response_at=MONDAY - timedelta(minutes=45),  # Mon 09:15
            ),
            # medium: no first-response target, resolution 2d (of eight hours each).
            ticket(source_channel="C0HELPHR", priority=Priority.MEDIUM, created_at=friday),
        ]
    )
    hr = replay_desk(past, DESK, settings(), now=MONDAY, days=90).teams[1]
    assert hr.first_response == TargetCount(met=1, untargeted=1)
    assert hr.resolution == TargetCount(still_open=2)
    assert team_clock(DESK.teams[1], settings()).levels.targets(Priority.MEDIUM).resolution == (
        timedelta(hours=16)
    )


def test_the_desks_levels_stand_in_for_a_team_without_its_own() -> None:
    desk = parse_desk_text("teams:\n  - {id: one, name: One, channel: C0ONE}\n", source="d")
    past = Past([ticket(priority=Priority.LOW, first_response_at=MONDAY + timedelta(hours=2))])
    replay = replay_desk(past, desk, settings(flashticket_sla="low=1h/1d"), now=MONDAY, days=1)
    assert replay.teams[0].first_response == TargetCount(missed=1)
    nothing = replay_desk(past, desk, settings(flashticket_sla=""), now=MONDAY, days=1)
    assert nothing.teams[0].first_response == TargetCount(untargeted=1)


def test_only_the_tickets_of_the_last_days_are_replayed() -> None:
    now = MONDAY
    past = Past([ticket(created_at=now - timedelta(days=d)) for d in (1, 29, 31, 100)])
    replay = replay_desk(past, DESK, settings(), now=now, days=30)
    assert past.asked_since == now - timedelta(days=30)
    assert replay.since == now - timedelta(days=30)
    assert replay.received == 2
    with pytest.raises(ValueError, match="at least one day"):
        replay_desk(past, DESK, settings(), now=now, days=0)
