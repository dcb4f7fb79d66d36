"""What the App Home's queue table needs of the schema: the queue each person last
chose (`queue_views`), and the indexes its sorts read the queue from (by age, by what is
due soonest), alone and for one team or status; and those its totals are counted from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, text
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from flashticket_core.domain.model import DESK_ID_MAX, USER_ID_MAX, Base, Ticket

# The open queue (a live ticket of an open status), and those of it with a target running.
_OPEN = "queue_rank IS NOT NULL"
_DUE = "queue_rank IS NOT NULL AND next_due_at IS NOT NULL"
_UNASSIGNED = "queue_rank IS NOT NULL AND assignee_id IS NULL"


def _partial(name: str, *columns: InstrumentedAttribute[Any], where: str) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class QueueViewRow(Base):
    """The queue a person last looked at on their App Home: its filters, sort and page,
    each as the values `service_layer/queue_view.py` names (NULL: not filtered)."""

    __tablename__ = "queue_views"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(DESK_ID_MAX))
    status: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(16))
    assignee: Mapped[str] = mapped_column(String(16))
    sort: Mapped[str] = mapped_column(String(16))
    page: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


QUEUE_SORT_INDEXES = (
    # Oldest first: the open queue, a team's, and everyone's live tickets of a status.
    _partial("ix_tickets_queue_oldest", Ticket.created_at, Ticket.id, where=_OPEN),
    _partial(
        "ix_tickets_team_queue_oldest", Ticket.team_id, Ticket.created_at, Ticket.id, where=_OPEN
    ),
    _partial(
        "ix_tickets_status_oldest",
        Ticket.status,
        Ticket.created_at,
        Ticket.id,
        where="deleted_at IS NULL",
    ),
    # Due first: the open tickets with a target running, soonest first; those with
    # nothing running follow in the support queue's order (its own indexes).
    _partial("ix_tickets_queue_due", Ticket.next_due_at, Ticket.id, where=_DUE),
    _partial(
        "ix_tickets_team_queue_due", Ticket.team_id, Ticket.next_due_at, Ticket.id, where=_DUE
    ),
)

QUEUE_COUNT_INDEXES = (
    # How many a list's total counts, read from an index alone (no ticket looked up): a
    # team's open tickets of a priority (`/ticket list priority:high` of a member), and
    # each team's unassigned open ones (`/ticket list unassigned`). The columns of the
    # condition are listed too: SQLite reads an index alone only when it holds every
    # column the query names.
    _partial(
        "ix_tickets_team_queue_priority",
        Ticket.team_id,
        Ticket.priority,
        Ticket.queue_rank,
        where=_OPEN,
    ),
    _partial(
        "ix_tickets_team_queue_unassigned",
        Ticket.team_id,
        Ticket.assignee_id,
        Ticket.queue_rank,
        where=_UNASSIGNED,
    ),
)
