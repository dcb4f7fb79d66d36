"""A ticket's own rows as the read side shows them: its files and its field values, and
the tickets that have a field's value (`/ticket search field:<id>=<value>`, and the same
word in `/ticket list`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters import search
from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.domain.model import (
    FieldValue,
    Ticket,
    TicketField,
    TicketFile,
    field_values,
)
from flashticket_core.domain.model.fields import LONG_TEXT
from flashticket_core.domain.permissions import EVERY_TEAM, TeamScope
from flashticket_core.service_layer.search_terms import FieldFilter, Term
from flashticket_core.service_layer.views import FileRecord


def files_of(session: Session, ticket_id: int) -> list[FileRecord]:
    return [
        FileRecord(
            name=f.name,
            mimetype=f.mimetype,
            size=f.size,
            author_id=f.author_id,
            at=f.at,
            direction=f.direction,
            chat_file_id=f.chat_file_id,
        )
        for f in session.scalars(
            select(TicketFile).where(TicketFile.ticket_id == ticket_id).order_by(TicketFile.id)
        )
    ]


def fields_of(session: Session, ticket_ids: Collection[int]) -> dict[int, tuple[FieldValue, ...]]:
    """The field values of each of the tickets (those with any), in the form's order."""
    if not ticket_ids:
        return {}
    rows: dict[int, list[TicketField]] = {}
    for row in session.scalars(
        select(TicketField)
        .where(TicketField.ticket_id.in_(sorted(ticket_ids)))
        .order_by(TicketField.ticket_id, TicketField.position)
    ):
        rows.setdefault(row.ticket_id, []).append(row)
    return {ticket_id: field_values(found) for ticket_id, found in rows.items()}


# The tickets with a search's words among which its field values are looked for.
FIELD_SEARCH_AMONG = 1000


def searched_fields(
    session: Session,
    terms: list[Term],
    filters: Sequence[FieldFilter],
    scope: search.Scope,
    limit: int,
    teams: TeamScope = EVERY_TEAM,
) -> list[int]:
    """Ids of live tickets of `teams` with every field value and every word, newest
    first."""
    among = None
    if terms:
        among = search.matching_ids(
            session, terms, scope, title_only=False, limit=FIELD_SEARCH_AMONG
        )
    return with_fields(session, filters, owner=scope.owner, among=among, limit=limit, teams=teams)


def with_fields(
    session: Session,
    filters: Sequence[FieldFilter],
    *,
    owner: str | None,
    among: Collection[int] | None,
    limit: int,
    teams: TeamScope = EVERY_TEAM,
) -> list[int]:
    """Ids of live tickets with every filter's value, newest first: the first filter
    reads the index on (field_id, value, ticket_id) from the newest down and stops at
    the limit; each other one is a lookup of that ticket in the same index (an EXISTS,
    not an IN: SQLite would build an IN's whole list before reading a row). `among`:
    only these tickets (those a full-text search found)."""
    first, *others = filters
    query = (
        select(TicketField.ticket_id)
        .join(Ticket, Ticket.id == TicketField.ticket_id)
        .where(_has(first), Ticket.deleted_at.is_(None), in_teams(teams))
    )
    for other in others:
        also = aliased(TicketField)
        query = query.where(
            exists().where(also.ticket_id == TicketField.ticket_id, _has(other, also))
        )
    if owner is not None:
        query = query.where(Ticket.reporter_id == owner)
    if among is not None:
        query = query.where(TicketField.ticket_id.in_(sorted(among)))
    query = query.order_by(TicketField.ticket_id.desc()).limit(limit)
    return list(dict.fromkeys(session.scalars(query)))


def having_fields(filters: Sequence[FieldFilter]) -> list[ColumnElement[bool]]:
    """A ticket's conditions of having every filter's value (`/ticket list field:…`):
    each reads the index on (field_id, value, ticket_id)."""
    return [Ticket.id.in_(select(TicketField.ticket_id).where(_has(f))) for f in filters]


def _has(wanted: FieldFilter, row: type[TicketField] = TicketField) -> ColumnElement[bool]:
    # The type's condition is the index's own, so the index serves the query.
    return (row.field_id == wanted.field_id) & (row.value == wanted.value) & (row.type != LONG_TEXT)


def followers_of(ticket: Ticket) -> tuple[str, ...]:
    """Who follows the ticket, in the order they began."""
    ordered = sorted(ticket.followers, key=lambda f: (f.added_at, f.user_id))
    return tuple(f.user_id for f in ordered)
