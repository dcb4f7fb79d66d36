"""The App Home's queue table in SQL: its sorts beyond the support queue's own order,
and the queue each person last chose."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func
from sqlalchemy.orm import Session

from flashticket_core.adapters.queue_tables import QueueViewRow
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.queue_view import AssigneeFilter, QueueSort, QueueView

Known = TypeVar("Known", Status, Priority, AssigneeFilter, QueueSort)


def sorted_page(
    session: Session, query: Select[Ticket], sort: QueueSort, *, limit: int, offset: int
) -> list[Ticket]:
    """One page of `query`'s tickets: in its own order (the queue's, for PRIORITY), by
    age, or due first."""
    if sort is QueueSort.OLDEST:
        query = query.order_by(None).order_by(Ticket.created_at, Ticket.id)
    elif sort is QueueSort.DUE:
        return _due_first(session, query, limit=limit, offset=offset)
    return list(session.scalars(query.limit(limit).offset(offset)))


def _due_first(session: Session, query: Select[Ticket], *, limit: int, offset: int) -> list[Ticket]:
    """The tickets with a target running, soonest due first (a missed one is due in the
    past: first of all); then those with nothing running, in `query`'s own order. Each
    part is read from the top of an index, the second only where the page reaches it."""
    running = query.where(Ticket.queue_rank.is_not(None), Ticket.next_due_at.is_not(None))
    due = running.order_by(None).order_by(Ticket.next_due_at, Ticket.id)
    found = list(session.scalars(due.limit(limit).offset(offset)))
    if len(found) == limit:
        return found
    skipped = 0
    if not found and offset > 0:
        counted = running.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
        skipped = session.scalar(counted) or 0
    rest = query.where(Ticket.next_due_at.is_(None)).limit(limit - len(found))
    return found + list(session.scalars(rest.offset(max(0, offset - skipped) if not found else 0)))


def stored_view(session: Session, user_id: str) -> QueueView | None:
    """The queue the person last chose; a stored value no longer known reads as unset."""
    row = session.get(QueueViewRow, user_id)
    if row is None:
        return None
    return QueueView(
        team=row.team_id,
        status=_known(Status, row.status),
        priority=_known(Priority, row.priority),
        assignee=_known(AssigneeFilter, row.assignee) or AssigneeFilter.ANYONE,
        sort=_known(QueueSort, row.sort) or QueueSort.PRIORITY,
        page=max(1, row.page),
    )


def store_view(session: Session, user_id: str, view: QueueView, *, at: datetime) -> None:
    row = session.get(QueueViewRow, user_id)
    if row is None:
        row = QueueViewRow(user_id=user_id)
        session.add(row)
    row.team_id = view.team
    row.status = view.status.value if view.status else None
    row.priority = view.priority.value if view.priority else None
    row.assignee = view.assignee.value
    row.sort = view.sort.value
    row.page = view.page
    row.updated_at = at


def _known(kind: type[Known], value: str | None) -> Known | None:
    try:
        return kind(value) if value is not None else None
    except ValueError:
        return None
