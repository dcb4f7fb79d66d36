"""Read models and the queries that fill them (the read side needs no aggregate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session

from flashticket_core.adapters import search
from flashticket_core.adapters.tables import OutboxMessage, TicketThread
from flashticket_core.domain.enums import OPEN_STATUSES, EntryKind, Priority, Status
from flashticket_core.domain.model import ConversationEntry, HistoryEntry, RoleChange, Ticket
from flashticket_core.service_layer import dashboard
from flashticket_core.service_layer.outbox import MessageStatus


@dataclass(frozen=True)
class TicketSummary:
    id: int
    title: str
    status: Status
    priority: Priority
    reporter_id: str
    assignee_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, ticket: Ticket) -> TicketSummary:
        return cls(
            id=ticket.id,
            title=ticket.title,
            status=ticket.status,
            priority=ticket.priority,
            reporter_id=ticket.reporter_id,
            assignee_id=ticket.assignee_id,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            version=ticket.version,
        )


@dataclass(frozen=True)
class Entry:
    id: int
    kind: EntryKind
    author_id: str
    text: str
    at: datetime


@dataclass(frozen=True)
class Change:
    actor_id: str
    field: str
    old: str | None
    new: str | None
    at: datetime


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketSummary
    description: str
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_at: datetime | None
    rating: int | None
    conversation: list[Entry]
    history: list[Change]


@dataclass(frozen=True)
class Page:
    items: list[TicketSummary]
    total: int


def _live() -> ColumnElement[bool]:
    return Ticket.deleted_at.is_(None)


def queue_order(query: Select[Ticket]) -> Select[Ticket]:
    """Unassigned and new first, then by priority, then oldest first (the stored
    `queue_rank` and the index on it; tickets outside the queue follow by age)."""
    return query.order_by(Ticket.queue_rank, Ticket.created_at, Ticket.id)


def list_tickets(
    session: Session,
    *,
    reporter_id: str | None = None,
    assignee_id: str | None = None,
    statuses: frozenset[Status] | None = OPEN_STATUSES,
    priority: Priority | None = None,
    newest_first: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    conditions: list[ColumnElement[bool]] = [_live()]
    if reporter_id is not None:
        conditions.append(Ticket.reporter_id == reporter_id)
    if assignee_id is not None:
        conditions.append(Ticket.assignee_id == assignee_id)
    if statuses == OPEN_STATUSES:
        # The queue's own index holds exactly the live open tickets.
        conditions = [Ticket.queue_rank.is_not(None), *conditions[1:]]
    elif statuses is not None:
        conditions.append(Ticket.status.in_(sorted(statuses)))
    if priority is not None:
        conditions.append(Ticket.priority == priority)
    query = select(Ticket).where(*conditions)
    if newest_first:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    else:
        query = queue_order(query)
    items = [TicketSummary.of(t) for t in session.scalars(query.limit(limit).offset(offset))]
    if offset == 0 and len(items) < limit:
        total = len(items)
    elif reporter_id is None and assignee_id is None:
        # Everyone's tickets: the tallies know how many without counting them.
        total = dashboard.count_live(session, statuses=statuses, priority=priority)
    else:
        total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0
    return Page(items=items, total=total)


def ticket_detail(session: Session, ticket: Ticket, *, include_internal: bool) -> TicketDetail:
    entries = select(ConversationEntry).where(ConversationEntry.ticket_id == ticket.id)
    if not include_internal:
        entries = entries.where(ConversationEntry.kind != EntryKind.INTERNAL_NOTE)
    conversation = [
        Entry(id=e.id, kind=e.kind, author_id=e.author_id, text=e.text, at=e.at)
        for e in session.scalars(entries.order_by(ConversationEntry.id))
    ]
    history = [
        Change(actor_id=h.actor_id, field=h.field, old=h.old_value, new=h.new_value, at=h.at)
        for h in session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.ticket_id == ticket.id)
            .order_by(HistoryEntry.id)
        )
    ]
    return TicketDetail(
        ticket=TicketSummary.of(ticket),
        description=ticket.description,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        first_response_at=ticket.first_response_at,
        rating=ticket.rating,
        conversation=conversation,
        history=history,
    )


def search_tickets(
    session: Session, terms: list[search.Term], *, reporter_id: str | None, limit: int = 20
) -> list[TicketSummary]:
    """Live tickets containing every term in their title, description or conversation
    (a reporter's own tickets, never through an internal note).

    Tickets with every term in the title come first, then the rest; newest first
    within each. Each part reads the full-text index newest first and stops at the
    limit, so the cost follows the limit, not the number of matches.
    """
    scope = search.Scope(owner=reporter_id, include_notes=reporter_id is None)
    in_title = search.matching_ids(session, terms, scope, title_only=True, limit=limit)
    anywhere = search.matching_ids(
        session, terms, scope, title_only=False, limit=limit + len(in_title)
    )
    ranked = list(dict.fromkeys([*in_title, *anywhere]))[:limit]
    if not ranked:
        return []
    tickets = {
        t.id: TicketSummary.of(t)
        for t in session.scalars(select(Ticket).where(Ticket.id.in_(ranked), _live()))
    }
    return [tickets[ticket_id] for ticket_id in ranked if ticket_id in tickets]


def role_changes(session: Session, user_id: str | None) -> list[Change]:
    """The role audit trail, oldest first; `field` is the user whose role changed."""
    query = select(RoleChange).order_by(RoleChange.id)
    if user_id is not None:
        query = query.where(RoleChange.user_id == user_id)
    return [
        Change(actor_id=c.actor_id, field=c.user_id, old=c.old_role, new=c.new_role, at=c.at)
        for c in session.scalars(query)
    ]


def ticket_of_reporter_thread(session: Session, channel: str, thread_ts: str) -> int | None:
    return session.scalar(
        select(TicketThread.ticket_id).where(
            TicketThread.reporter_channel == channel, TicketThread.reporter_ts == thread_ts
        )
    )


def ticket_of_support_post(session: Session, channel: str, ts: str) -> int | None:
    return session.scalar(
        select(TicketThread.ticket_id).where(
            TicketThread.support_channel == channel, TicketThread.support_ts == ts
        )
    )


@dataclass(frozen=True)
class Undelivered:
    id: int
    kind: str
    ticket_id: int | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


def undelivered(session: Session, *, limit: int) -> list[Undelivered]:
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.status == MessageStatus.FAILED.value,
                (OutboxMessage.status == MessageStatus.PENDING.value)
                & (OutboxMessage.attempts > 0),
            )
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return [
        Undelivered(
            id=row.id,
            kind=row.kind,
            ticket_id=row.ticket_id,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
        )
        for row in rows
    ]


def requeue_failed(session: Session, now: datetime) -> int:
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED.value)
        .values(
            status=MessageStatus.PENDING.value, attempts=0, next_attempt_at=now, claimed_until=None
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class HomeTicket:
    ticket: TicketSummary
    latest_support_reply: str | None


@dataclass(frozen=True)
class Home:
    """Everything a person's App Home shows; the support parts are empty for users."""

    is_support: bool
    my_open: Page
    my_recently_finished: list[HomeTicket]
    my_open_with_replies: list[HomeTicket]
    queue: Page | None = None
    assigned_to_me: Page | None = None
    kpis: dashboard.Kpis | None = None


def latest_support_replies(session: Session, ticket_ids: list[int]) -> dict[int, str]:
    """The newest support reply of each ticket, in one query."""
    if not ticket_ids:
        return {}
    newest = (
        select(func.max(ConversationEntry.id))
        .where(
            ConversationEntry.ticket_id.in_(ticket_ids),
            ConversationEntry.kind == EntryKind.SUPPORT_REPLY,
        )
        .group_by(ConversationEntry.ticket_id)
    )
    rows = session.execute(
        select(ConversationEntry.ticket_id, ConversationEntry.text).where(
            ConversationEntry.id.in_(newest)
        )
    )
    return {int(ticket_id): str(text) for ticket_id, text in rows}


def home(
    session: Session,
    *,
    user_id: str,
    is_support: bool,
    now: datetime,
    zone: ZoneInfo,
    limit: int,
) -> Home:
    mine = list_tickets(session, reporter_id=user_id, newest_first=True, limit=limit)
    finished_query = (
        select(Ticket)
        .where(
            _live(),
            Ticket.reporter_id == user_id,
            Ticket.status.in_([Status.RESOLVED, Status.CLOSED]),
            Ticket.updated_at >= now - timedelta(days=14),
        )
        .order_by(Ticket.updated_at.desc())
        .limit(5)
    )
    finished = [TicketSummary.of(t) for t in session.scalars(finished_query)]
    replies = latest_support_replies(session, [t.id for t in mine.items] + [t.id for t in finished])
    result = Home(
        is_support=is_support,
        my_open=mine,
        my_recently_finished=[HomeTicket(t, replies.get(t.id)) for t in finished],
        my_open_with_replies=[HomeTicket(t, replies.get(t.id)) for t in mine.items],
    )
    if not is_support:
        return result
    return Home(
        is_support=True,
        my_open=result.my_open,
        my_recently_finished=result.my_recently_finished,
        my_open_with_replies=result.my_open_with_replies,
        queue=list_tickets(session, limit=limit),
        assigned_to_me=list_tickets(session, assignee_id=user_id, limit=limit),
        kpis=dashboard.kpis(session, now=now, days=30, zone=zone),
    )
