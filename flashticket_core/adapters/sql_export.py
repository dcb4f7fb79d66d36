"""The CSV export's rows in SQL: the live tickets of the teams the exporter may see,
with the names of their people and the standing of their targets, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.adapters.tables import Person, TicketTarget
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.export import ExportedTicket, target_standing

# Rows the export reads from the database at a time, however many tickets it writes.
EXPORT_BATCH = 1000


def export_rows(
    session: Session, *, since: datetime | None, until: datetime | None, teams: TeamScope
) -> Iterator[ExportedTicket]:
    """Plain rows, not ORM objects, streamed: nothing enters the session, so memory
    stays flat however many tickets there are."""
    reporter, assignee = aliased(Person), aliased(Person)
    first, resolution = aliased(TicketTarget), aliased(TicketTarget)
    query = (
        select(
            Ticket.id,
            Ticket.title,
            Ticket.description,
            Ticket.status,
            Ticket.priority,
            Ticket.reporter_id,
            reporter.name,
            Ticket.assignee_id,
            assignee.name,
            Ticket.created_at,
            Ticket.updated_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
            Ticket.closed_at,
            Ticket.rating,
            Ticket.version,
            first.due_at,
            first.met_at,
            first.breached,
            resolution.due_at,
            resolution.met_at,
            resolution.breached,
        )
        .outerjoin(reporter, reporter.user_id == Ticket.reporter_id)
        .outerjoin(assignee, assignee.user_id == Ticket.assignee_id)
        .outerjoin(
            first,
            (first.ticket_id == Ticket.id) & (first.kind == TargetKind.FIRST_RESPONSE.value),
        )
        .outerjoin(
            resolution,
            (resolution.ticket_id == Ticket.id) & (resolution.kind == TargetKind.RESOLUTION.value),
        )
        .where(Ticket.deleted_at.is_(None), in_teams(teams))
        .order_by(Ticket.id)
    )
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    if until is not None:
        query = query.where(Ticket.created_at < until)
    options = {"stream_results": True, "yield_per": EXPORT_BATCH}
    for row in session.execute(query.execution_options(**options)):
        *fields, first_due, first_met, first_missed, due, met, missed = row
        first_standing = target_standing(first_due, first_met, first_missed)
        standing = target_standing(due, met, missed)
        yield ExportedTicket._make([*fields, first_due, first_standing, due, standing])
