"""Assignment by rule (SPEC.md "Working the queue"): a team's new ticket goes to one of
its members who is not away, in turn (`round_robin`) or to whoever holds the fewest open
tickets (`least_open`); after the team's `reassign_after` of business time without a
first response it moves to the next person, once per person (`reassignment.py`).

`assign_entering_queue` is the one way a ticket entering its team's queue gets its
assignee: ticket creation calls it, and so does anything else that puts a ticket in the
queue (an approved request). Each team's round robin hands out turns from a counter in
the database (`AssignmentBook.take_turn`, an atomic increment), so replicas share one
rotation, a restart keeps it, and no two tickets get the same turn; taking the turn
first also makes concurrent `least_open` choices wait for one another. The SQL is in
`adapters/sql_assignment.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flashticket_core.desk_file import Team
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import AssignmentRule
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.assignment_book import NO_FIRST_RESPONSE as NO_FIRST_RESPONSE
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork


def assign_entering_queue(
    env: Environment, uow: AbstractUnitOfWork, ticket: Ticket, now: datetime
) -> str | None:
    """Give a ticket that enters its team's queue (just opened, or approved) to a member
    by the team's `assignment`, in the caller's unit of work; returns who got it. A team
    without a rule, or a ticket someone holds already, is left as it is; with every
    member away it waits unassigned and the team's channel is told. The ticket must
    have its id (flushed)."""
    team = env.structure.team(ticket.team_id)
    if team is None or team.assignment is AssignmentRule.NONE or ticket.assignee_id is not None:
        return None
    chosen = give_by_rule(env, uow, ticket, team, now, reason=team.assignment.value)
    if chosen is None and uow.assignments.members(team.id):
        ticket.nobody_available(actor_id=SYSTEM_ACTOR)
    return chosen


def give_by_rule(
    env: Environment,
    uow: AbstractUnitOfWork,
    ticket: Ticket,
    team: Team,
    now: datetime,
    *,
    reason: str,
    passed_over: frozenset[str] = frozenset(),
) -> str | None:
    """The member the team's rule picks among those not away and not `passed_over`,
    given the ticket (and its reassignment timer); None if there is nobody."""
    members = uow.assignments.members(team.id)
    eligible = [member for member in members if member not in passed_over]
    away = env.availability.away(eligible) if eligible else frozenset()
    available = [member for member in eligible if member not in away]
    if not available:
        return None
    if team.assignment is AssignmentRule.LEAST_OPEN:
        uow.assignments.take_turn(team.id)  # concurrent choices of the team wait here
        counts = uow.assignments.open_counts(available)
        chosen = min(available, key=lambda member: (counts.get(member, 0), member))
    else:
        chosen = next_in_turn(uow, team.id, members, frozenset(available))
    ticket.assign(chosen, actor_id=SYSTEM_ACTOR, now=now, reason=reason)
    uow.assignments.record(
        ticket.id,
        chosen,
        reason=reason,
        at=now,
        reassign_at=reassign_at(env, team, now),
    )
    return chosen


def next_in_turn(
    uow: AbstractUnitOfWork, team_id: str, members: Sequence[str], available: frozenset[str]
) -> str:
    """The member whose turn it is; a turn that falls on someone away (or passed over)
    is used up, so those available share the turns exactly. `available` must hold one of
    `members`."""
    for _ in members:
        member = members[uow.assignments.take_turn(team_id) % len(members)]
        if member in available:
            return member
    raise AssertionError("every turn went round without an available member")


def reassign_at(env: Environment, team: Team, now: datetime) -> datetime | None:
    delay: timedelta | None = team.reassign_delay
    if delay is None:
        return None
    return env.calendar_of(team.id).add(now, delay)
