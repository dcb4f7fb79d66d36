"""The CSV export's rows in SQL (`service_layer/export.py` writes them): the live tickets
of the teams the exporter may see, with the names of their people, the standing of their
targets and their field values, streamed a batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.adapters.sql_ticket_rows import fields_of
from flashticket_core.adapters.tables import Person, TicketTarget
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.model import Ticket, TicketField
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.export import ExportedTicket, target_standing

# Rows the export reads from the database at a time, however many tickets it writes.
EXPORT_BATCH = 1000


def export_rows(
    session: Session, *, since: datetime | None, until: datetime | None, teams: TeamScope
) -> Iterator[ExportedTicket]:
    """Plain rows, not ORM objects, streamed: nothing enters the session, so memory
    stays flat however many tickets there are. The field values of each batch of rows
    are read in one query."""
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
    batch: list[ExportedTicket] = []
    for row in session.execute(query.execution_options(**options)):
        *columns, first_due, first_met, first_missed, due, met, missed = row
        first_standing = target_standing(first_due, first_met, first_missed)
        standing = target_standing(due, met, missed)
        batch.append(ExportedTicket._make([*columns, first_due, first_standing, due, standing, ()]))
        if len(batch) == EXPORT_BATCH:
            yield from _with_fields(session, batch)
            batch = []
    yield from _with_fields(session, batch)


def _with_fields(session: Session, batch: list[ExportedTicket]) -> Iterator[ExportedTicket]:
    values = fields_of(session, [ticket.id for ticket in batch])
    for ticket in batch:
        found = values.get(ticket.id)
        yield ticket if found is None else ticket._replace(fields=found)


def export_field_ids(
    session: Session, *, since: datetime | None, until: datetime | None, teams: TeamScope
) -> list[str]:
    """The fields any exported ticket has a value of: one column each, by id."""
    query = (
        select(TicketField.field_id)
        .join(Ticket, Ticket.id == TicketField.ticket_id)
        .where(Ticket.deleted_at.is_(None), in_teams(teams))
        .distinct()
        .order_by(TicketField.field_id)
    )
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    if until is not None:
        query = query.where(Ticket.created_at < until)
    return list(session.scalars(query))
