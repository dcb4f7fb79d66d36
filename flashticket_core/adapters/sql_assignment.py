"""Assignment by rule in SQL: the team's turn counter, open tickets per person, and the
rule's assignments waiting to move on (`service_layer/assignment_book.py`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from flashticket_core.adapters.assignment_tables import AssignmentTurn, TicketAssignment
from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import TeamMembership, Ticket
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.assignment_book import (
    NO_FIRST_RESPONSE,
    AssignmentBook,
    AssignmentFigures,
    WaitingAssignment,
)

OPEN = [status for status in Status if status.is_open]
TURNS: Table = AssignmentTurn.__table__  # type: ignore[assignment]


class SqlAssignmentBook(AssignmentBook):
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def members(self, team_id: str) -> tuple[str, ...]:
        query = (
            select(TeamMembership.user_id)
            .where(TeamMembership.team_id == team_id)
            .distinct()
            .order_by(TeamMembership.user_id)
        )
        return tuple(self.session.scalars(query))

    def take_turn(self, team_id: str) -> int:
        # One statement reads and advances the counter: on PostgreSQL the row stays
        # locked until this transaction ends, so a concurrent turn waits and then reads
        # the advanced count; SQLite's writer transaction lets one writer in at a time.
        # (Core statements on the table: the ORM's bulk update path costs more here.)
        advance = (
            update(TURNS)
            .where(TURNS.c.team_id == team_id)
            .values(turns=TURNS.c.turns + 1)
            .returning(TURNS.c.turns)
        )
        turns = self.session.execute(advance).scalar_one_or_none()
        if turns is None:
            # The team's first turn makes its row; replicas doing so at once make one.
            dialect = postgresql if self._postgres else sqlite
            self.session.execute(
                dialect.insert(TURNS)
                .values(team_id=team_id, turns=0)
                .on_conflict_do_nothing(index_elements=["team_id"])
            )
            turns = self.session.execute(advance).scalar_one()
        return int(turns) - 1

    def open_counts(self, user_ids: Collection[str]) -> dict[str, int]:
        query = (
            select(Ticket.assignee_id, func.count())
            .where(
                Ticket.assignee_id.in_(list(user_ids)),
                Ticket.status.in_(OPEN),
                Ticket.deleted_at.is_(None),
            )
            .group_by(Ticket.assignee_id)
        )
        return {str(user): int(count) for user, count in self.session.execute(query)}

    def record(
        self,
        ticket_id: int,
        user_id: str,
        *,
        reason: str,
        at: datetime,
        reassign_at: datetime | None,
    ) -> None:
        self.session.add(
            TicketAssignment(
                ticket_id=ticket_id,
                user_id=user_id,
                reason=reason,
                assigned_at=at,
                reassign_at=reassign_at,
                passed_at=None,
            )
        )

    def had(self, ticket_id: int) -> frozenset[str]:
        query = select(TicketAssignment.user_id).where(TicketAssignment.ticket_id == ticket_id)
        return frozenset(self.session.scalars(query))

    def claim_due(self, now: datetime, limit: int) -> list[WaitingAssignment]:
        query = (
            select(TicketAssignment.id, TicketAssignment.ticket_id, TicketAssignment.user_id)
            .where(
                TicketAssignment.reassign_at <= now,
                TicketAssignment.reassign_at.is_not(None),
                TicketAssignment.passed_at.is_(None),
            )
            .order_by(TicketAssignment.reassign_at, TicketAssignment.id)
            .limit(limit)
        )
        if self._postgres:
            # As the timers' sweep does: a concurrent round skips the claimed rows, and
            # the ticket is locked with them (a change holds the ticket first).
            query = query.join(Ticket, Ticket.id == TicketAssignment.ticket_id).with_for_update(
                skip_locked=True, of=(TicketAssignment, Ticket)
            )
        return [
            WaitingAssignment(id=row.id, ticket_id=row.ticket_id, user_id=row.user_id)
            for row in self.session.execute(query)
        ]

    def passed(self, assignment_id: int, now: datetime) -> None:
        self.session.execute(
            update(TicketAssignment)
            .where(TicketAssignment.id == assignment_id)
            .values(passed_at=now)
        )


def assignment_figures(session: Session, *, since: datetime, teams: TeamScope) -> AssignmentFigures:
    """Open tickets per assignee (most first, then by id), and the tickets moved on for
    want of a first response since `since`, of the teams `teams` covers."""
    count = func.count().label("open")
    held = (
        select(Ticket.assignee_id, count)
        .where(
            Ticket.assignee_id.is_not(None),
            Ticket.status.in_(OPEN),
            Ticket.deleted_at.is_(None),
            in_teams(teams),
        )
        .group_by(Ticket.assignee_id)
        .order_by(count.desc(), Ticket.assignee_id)
    )
    moved = (
        select(func.count())
        .select_from(TicketAssignment)
        .join(Ticket, Ticket.id == TicketAssignment.ticket_id)
        .where(
            TicketAssignment.reason == NO_FIRST_RESPONSE,
            TicketAssignment.assigned_at >= since,
            Ticket.deleted_at.is_(None),
            in_teams(teams),
        )
    )
    return AssignmentFigures(
        per_assignee=tuple((str(user), int(n)) for user, n in session.execute(held)),
        reassignments=int(session.scalar(moved) or 0),
    )
