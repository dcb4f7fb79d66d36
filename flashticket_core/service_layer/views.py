"""Read models and the queries that fill them (the read side needs no aggregate)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from flashticket_core.adapters.sql_functions import seconds_between
from flashticket_core.domain.enums import OPEN_STATUSES, EntryKind, Priority, Status
from flashticket_core.domain.model import (
    ConversationEntry,
    HistoryEntry,
    OutboxMessage,
    RoleChange,
    Ticket,
    TicketThread,
)
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


@dataclass(frozen=True)
class Statistics:
    open_by_status: dict[Status, int]
    open_by_priority: dict[Priority, int]
    created_per_month: dict[str, int]
    resolved_per_month: dict[str, int]
    median_seconds_to_resolve: float | None
    resolved_in_period: int
    period_days: int
    # Tickets opened in each month, by the status they have now (the dashboard's bars).
    status_per_month: dict[str, dict[Status, int]] = field(default_factory=dict)
    open_total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "open_total", sum(self.open_by_status.values()))


def _live() -> ColumnElement[bool]:
    return Ticket.deleted_at.is_(None)


def priority_rank() -> ColumnElement[int]:
    return case({p.value: p.rank for p in Priority}, value=Ticket.priority, else_=9)


def queue_order(query: Select[Ticket]) -> Select[Ticket]:
    """Unassigned and new first, then by priority, then oldest first."""
    return query.order_by(
        Ticket.assignee_id.is_not(None),
        (Ticket.status != Status.NEW),
        priority_rank(),
        Ticket.created_at,
        Ticket.id,
    )


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
    if statuses is not None:
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


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_tickets(
    session: Session, words: list[str], *, reporter_id: str | None, limit: int = 20
) -> list[TicketSummary]:
    """Tickets whose title, description or visible conversation contain every word.

    Ranked by how many words appear in the title, newest first on ties.
    """
    conditions: list[ColumnElement[bool]] = [_live()]
    if reporter_id is not None:
        conditions.append(Ticket.reporter_id == reporter_id)
    title_hits: list[ColumnElement[int]] = []
    for word in words:
        pattern = _like_pattern(word)
        in_conversation = (
            select(ConversationEntry.id)
            .where(
                ConversationEntry.ticket_id == Ticket.id,
                ConversationEntry.text.ilike(pattern, escape="\\"),
            )
            .exists()
        )
        if reporter_id is not None:
            # A reporter must not find a ticket through a support-only note.
            in_conversation = (
                select(ConversationEntry.id)
                .where(
                    ConversationEntry.ticket_id == Ticket.id,
                    ConversationEntry.kind != EntryKind.INTERNAL_NOTE,
                    ConversationEntry.text.ilike(pattern, escape="\\"),
                )
                .exists()
            )
        conditions.append(
            or_(
                Ticket.title.ilike(pattern, escape="\\"),
                Ticket.description.ilike(pattern, escape="\\"),
                in_conversation,
            )
        )
        title_hits.append(case((Ticket.title.ilike(pattern, escape="\\"), 1), else_=0))
    score = sum(title_hits[1:], title_hits[0])
    query = (
        select(Ticket)
        .where(*conditions)
        .order_by(score.desc(), Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return [TicketSummary.of(t) for t in session.scalars(query)]


def statistics(session: Session, *, now: datetime, days: int, months: int = 12) -> Statistics:
    live = _live()
    open_by_status = {status: 0 for status in Status if status.is_open}
    open_by_priority = dict.fromkeys(Priority, 0)
    for status, priority, count in session.execute(
        select(Ticket.status, Ticket.priority, func.count())
        .where(live, Ticket.status.in_(sorted(OPEN_STATUSES)))
        .group_by(Ticket.status, Ticket.priority)
    ):
        open_by_status[status] += count
        open_by_priority[priority] += count

    month_keys = _last_months(now, months)
    by_status = _status_per_month(session, month_keys)
    created = {key: sum(counts.values()) for key, counts in by_status.items()}
    resolved = _per_month(session, Ticket.resolved_at, month_keys)

    since = now - timedelta(days=days)
    resolved_filter = [live, Ticket.resolved_at.is_not(None), Ticket.resolved_at >= since]
    resolved_count, median = _count_and_median(
        session, seconds_between(Ticket.created_at, Ticket.resolved_at), resolved_filter
    )
    return Statistics(
        open_by_status=open_by_status,
        open_by_priority=open_by_priority,
        created_per_month=created,
        resolved_per_month=resolved,
        median_seconds_to_resolve=median,
        resolved_in_period=resolved_count,
        period_days=days,
        status_per_month=by_status,
    )


def _status_per_month(session: Session, month_keys: list[str]) -> dict[str, dict[Status, int]]:
    """Tickets opened per month by current status: one index range count per cell, in one
    query, so the cost follows the months' tickets and never sorts them."""
    bounds = [_month_start(key) for key in month_keys]
    bounds.append(_month_start(_next_month(month_keys[-1])))
    cells = [(key, status) for key in month_keys for status in Status]
    counts = [
        select(func.count())
        .select_from(Ticket)
        .where(
            _live(), Ticket.status == status, Ticket.created_at >= start, Ticket.created_at < end
        )
        .scalar_subquery()
        for (start, end) in itertools.pairwise(bounds)
        for status in Status
    ]
    row = session.execute(select(*counts)).one()
    result: dict[str, dict[Status, int]] = {key: {} for key in month_keys}
    for (key, status), value in zip(cells, row, strict=True):
        result[key][status] = int(value)
    return result


def _per_month(
    session: Session,
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    month_keys: list[str],
) -> dict[str, int]:
    """One range count per month, all in one query: each is an index-only range scan."""
    bounds = [_month_start(key) for key in month_keys]
    bounds.append(_month_start(_next_month(month_keys[-1])))
    counts = [
        select(func.count())
        .select_from(Ticket)
        .where(_live(), column >= start, column < end)
        .scalar_subquery()
        for start, end in itertools.pairwise(bounds)
    ]
    row = session.execute(select(*counts)).one()
    return dict(zip(month_keys, (int(value) for value in row), strict=True))


def _month_start(key: str) -> datetime:
    return datetime.fromisoformat(f"{key}-01T00:00:00+00:00")


def _next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _last_months(now: datetime, months: int) -> list[str]:
    year, month = now.year, now.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))


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
class Kpis:
    open_by_status: dict[Status, int]
    open_by_priority: dict[Priority, int]
    opened_today: int
    median_seconds_to_first_reply: float | None
    median_seconds_to_resolve: float | None
    period_days: int


@dataclass(frozen=True)
class Home:
    """Everything a person's App Home shows; the support parts are empty for users."""

    is_support: bool
    my_open: Page
    my_recently_finished: list[HomeTicket]
    my_open_with_replies: list[HomeTicket]
    queue: Page | None = None
    assigned_to_me: Page | None = None
    kpis: Kpis | None = None


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


def home(session: Session, *, user_id: str, is_support: bool, now: datetime, limit: int) -> Home:
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
        kpis=kpis(session, now=now, days=30),
    )


def kpis(session: Session, *, now: datetime, days: int) -> Kpis:
    stats = statistics(session, now=now, days=days, months=1)
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    opened_today = (
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(_live(), Ticket.created_at >= start_of_day)
        )
        or 0
    )
    since = now - timedelta(days=days)
    _, first_reply = _count_and_median(
        session,
        seconds_between(Ticket.created_at, Ticket.first_response_at),
        [_live(), Ticket.created_at >= since, Ticket.first_response_at.is_not(None)],
    )
    return Kpis(
        open_by_status=stats.open_by_status,
        open_by_priority=stats.open_by_priority,
        opened_today=opened_today,
        median_seconds_to_first_reply=first_reply,
        median_seconds_to_resolve=stats.median_seconds_to_resolve,
        period_days=days,
    )


def _count_and_median(
    session: Session, value: ColumnElement[float], conditions: list[ColumnElement[bool]]
) -> tuple[int, float | None]:
    """How many tickets match, and the median of `value` over them (read from the middle)."""
    count = session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0
    if not count:
        return 0, None
    middle = list(
        session.scalars(
            select(value)
            .where(*conditions)
            .order_by(value)
            .limit(2 - count % 2)
            .offset((count - 1) // 2)
        )
    )
    return count, sum(float(v) for v in middle) / len(middle)
