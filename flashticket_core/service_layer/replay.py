"""A proposed desk file tried on the past: the tickets of the last days routed through it
and their targets measured against its teams' service levels and calendars, changing
nothing (`flashticket desk replay`).

Each ticket goes where the proposed desk would have sent it, by the rule the live desk
routes by (`DeskStructure.route`): to its request type's team if the file has that
type, else to the team whose intake channel its source message was in, else to the
first team. Its targets are that team's (`sla`, `business_hours`, else FLASHTICKET_SLA
and FLASHTICKET_BUSINESS_HOURS; `team_clocks.py`, as the live timers count) for the
ticket's priority, counted in the team's business time from the moment it was opened.

A target is met when the moment that stops it came within it: the first support reply,
or the resolution (a ticket resolved before anyone replied owes no first reply any
more), and for resolution the last time it was resolved. It is missed when that moment
came later, or has not come and the target is past; else it is still open. The replay
measures from the opening alone: time spent waiting for the reporter, which stops the
live resolution clock, counts here, so a replay is the stricter of the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import DeskStructure, Team
from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.clock import TargetClock, TargetKind
from flashticket_core.domain.enums import Priority
from flashticket_core.service_layer.team_clocks import team_clock


@dataclass(frozen=True)
class PastTicket:
    """What of a past ticket its replay needs."""

    priority: Priority
    created_at: datetime
    request_type: str | None = None
    source_channel: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


class PastTickets(Protocol):
    """The live tickets opened since a moment, streamed: a few at a time in memory."""

    def opened_since(self, since: datetime) -> Iterator[PastTicket]: ...


@dataclass
class TargetCount:
    """How one kind of target went for a team's tickets."""

    met: int = 0
    missed: int = 0
    still_open: int = 0
    # Tickets of a priority the team's service levels give no such target.
    untargeted: int = 0


@dataclass
class TeamReplay:
    """One team of the proposed desk: the tickets it would have received, and how their
    targets would have gone."""

    team: Team
    received: int = 0
    first_response: TargetCount = field(default_factory=TargetCount)
    resolution: TargetCount = field(default_factory=TargetCount)


@dataclass(frozen=True)
class Replay:
    since: datetime
    now: datetime
    teams: tuple[TeamReplay, ...]

    @property
    def received(self) -> int:
        return sum(team.received for team in self.teams)


class Router:
    """Which team of the proposed desk a past ticket goes to: as the desk routes a new
    ticket (`DeskStructure.route`)."""

    def __init__(self, structure: DeskStructure) -> None:
        self._structure = structure

    def team_of(self, ticket: PastTicket) -> str:
        return self._structure.route(ticket.request_type, ticket.source_channel).id


def replay_desk(
    past: PastTickets,
    structure: DeskStructure,
    settings: CoreSettings,
    *,
    now: datetime,
    days: int,
) -> Replay:
    """The tickets opened in the `days` before `now`, replayed through `structure`."""
    if days < 1:
        raise ValueError("a replay covers at least one day")
    since = now - timedelta(days=days)
    return replay_tickets(past.opened_since(since), structure, settings, now=now, since=since)


def replay_tickets(
    tickets: Iterable[PastTicket],
    structure: DeskStructure,
    settings: CoreSettings,
    *,
    now: datetime,
    since: datetime,
) -> Replay:
    router = Router(structure)
    results = {team.id: TeamReplay(team) for team in structure.teams}
    clocks = {team.id: team_clock(team, settings) for team in structure.teams}
    for ticket in tickets:
        team_id = router.team_of(ticket)
        result, clock = results[team_id], clocks[team_id]
        result.received += 1
        targets = clock.levels.targets(ticket.priority)
        first_done = ticket.first_response_at
        if first_done is None or (
            ticket.resolved_at is not None and ticket.resolved_at < first_done
        ):
            first_done = ticket.resolved_at
        _count(
            result.first_response,
            TargetKind.FIRST_RESPONSE,
            targets.first_response,
            ticket.created_at,
            first_done,
            now=now,
            calendar=clock.calendar,
        )
        _count(
            result.resolution,
            TargetKind.RESOLUTION,
            targets.resolution,
            ticket.created_at,
            ticket.resolved_at,
            now=now,
            calendar=clock.calendar,
        )
    return Replay(since=since, now=now, teams=tuple(results.values()))


def _count(
    count: TargetCount,
    kind: TargetKind,
    length: timedelta | None,
    opened: datetime,
    done: datetime | None,
    *,
    now: datetime,
    calendar: BusinessCalendar,
) -> None:
    if length is None:
        count.untargeted += 1
        return
    due = TargetClock(kind=kind, length=length).resumed(opened, calendar).due_at
    assert due is not None  # a running clock is due
    if done is not None:
        if done <= due:
            count.met += 1
        else:
            count.missed += 1
    elif now > due:
        count.missed += 1
    else:
        count.still_open += 1
