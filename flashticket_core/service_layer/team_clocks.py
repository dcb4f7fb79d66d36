"""Each team's clock: its service levels on its business calendar, the desk file's `sla`
and `business_hours`, each else the help desk's own (FLASHTICKET_SLA,
FLASHTICKET_BUSINESS_HOURS). Built once at start (`bootstrap`); the live timers
(`timers.py`, `sweep.py`) and the replay of a proposed desk file (`replay.py`) take a
team's clock from here, so both count alike."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import DeskStructure, Team
from flashticket_core.domain.business_time import BusinessCalendar, parse_business_hours
from flashticket_core.domain.service_levels import ServiceLevels, parse_sla
from flashticket_core.service_layer.timers import ClockPolicy, TeamClocks


@dataclass(frozen=True)
class TeamClock:
    """A team's service levels on its calendar."""

    calendar: BusinessCalendar
    levels: ServiceLevels


def team_clock(team: Team, settings: CoreSettings) -> TeamClock:
    """The team's own `business_hours` and `sla`, each else the help desk's; a `d` of the
    targets is a business day of the team's calendar."""
    calendar = (
        settings.calendar()
        if team.business_hours is None
        else parse_business_hours(
            team.business_hours,
            zone=settings.flashticket_timezone,
            holidays=settings.flashticket_holidays,
        )
    )
    levels = parse_sla(
        settings.flashticket_sla if team.sla is None else team.sla,
        business_day=calendar.business_day,
        warning_share=settings.flashticket_sla_warning_percent / 100,
    )
    return TeamClock(calendar=calendar, levels=levels)


def clock_policy(settings: CoreSettings) -> ClockPolicy:
    """The targets and timers the settings ask for, on the help desk's business calendar."""
    intervals = settings.clock_intervals()
    return ClockPolicy(
        service_levels=settings.service_levels(),
        calendar=settings.calendar(),
        waiting_nudge=intervals.waiting_nudge,
        waiting_resolve=intervals.waiting_resolve,
        auto_close=intervals.auto_close,
    )


def team_clocks(settings: CoreSettings, structure: DeskStructure) -> TeamClocks:
    """Every team's clock policy: its own levels and calendar where the desk file gives
    them, the help desk's otherwise; the waiting and resolved tickets' timers are the
    help desk's for every team."""
    default = clock_policy(settings)
    teams: dict[str, ClockPolicy] = {}
    for team in structure.teams:
        if team.sla is None and team.business_hours is None:
            teams[team.id] = default
            continue
        clock = team_clock(team, settings)
        teams[team.id] = ClockPolicy(
            service_levels=clock.levels,
            calendar=clock.calendar,
            waiting_nudge=default.waiting_nudge,
            waiting_resolve=default.waiting_resolve,
            auto_close=default.auto_close,
        )
    return TeamClocks(default=default, teams=teams)
