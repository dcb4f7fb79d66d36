"""The repositories in SQL: the write side's ports (`service_layer/repositories.py`) on
one session of a unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from flashticket_core.adapters.sql_queue import store_view
from flashticket_core.adapters.tables import (
    HomeViewer,
    IntakeAllowance,
    Person,
    ProcessedRequest,
)
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import (
    ChatMessage,
    ConversationEntry,
    HistoryEntry,
    RoleAssignment,
    RoleChange,
    Ticket,
)
from flashticket_core.domain.permissions import IntakeLimit
from flashticket_core.service_layer.queue_view import QueueView
from flashticket_core.service_layer.repositories import (
    IntakeAllowances,
    PeopleRepository,
    RequestLog,
    RoleRepository,
    TicketRepository,
)


class SqlTicketRepository(TicketRepository):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def made_from(self, channel: str, ts: str) -> int | None:
        return self.session.scalars(
            select(Ticket.id).where(Ticket.source_channel == channel, Ticket.source_ts == ts)
        ).one_or_none()

    def opened_for_by(self, ticket: Ticket) -> str | None:
        opener = self.session.scalars(
            select(HistoryEntry.actor_id)
            .where(HistoryEntry.ticket_id == ticket.id, HistoryEntry.field == "reporter")
            .order_by(HistoryEntry.id)
            .limit(1)
        ).one_or_none()
        return opener if opener != ticket.reporter_id else None

    def closed_by(self, ticket: Ticket) -> str | None:
        return self.session.scalars(
            select(HistoryEntry.actor_id)
            .where(
                HistoryEntry.ticket_id == ticket.id,
                HistoryEntry.field == "status",
                HistoryEntry.new_value == Status.CLOSED.value,
            )
            .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
            .limit(1)
        ).one_or_none()

    def _add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def _get(self, ticket_id: int) -> Ticket | None:
        return self.session.scalars(
            select(Ticket).where(Ticket.id == ticket_id, Ticket.deleted_at.is_(None))
        ).one_or_none()

    def _entry_from(self, source: ChatMessage) -> ConversationEntry | None:
        channel, ts = source
        return self.session.scalars(
            select(ConversationEntry)
            .where(ConversationEntry.source_channel == channel, ConversationEntry.source_ts == ts)
            .limit(1)
        ).one_or_none()


class SqlRoleRepository(RoleRepository):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def get(self, user_id: str) -> RoleAssignment | None:
        return self.session.get(RoleAssignment, user_id)

    def add(self, assignment: RoleAssignment) -> None:
        self.session.add(assignment)

    def remove(self, assignment: RoleAssignment) -> None:
        self.session.delete(assignment)

    def _record(self, change: RoleChange) -> None:
        self.session.add(change)


class SqlRequestLog(RequestLog):
    def __init__(self, session: Session) -> None:
        self.session = session

    def seen(self, key: str) -> bool:
        return self.session.get(ProcessedRequest, key) is not None

    def ticket_of(self, key: str) -> int | None:
        done = self.session.get(ProcessedRequest, key)
        return None if done is None else done.ticket_id

    def record(self, key: str, *, ticket_id: int | None, at: datetime) -> None:
        self.session.add(ProcessedRequest(key=key, ticket_id=ticket_id, at=at))


class SqlPeopleRepository(PeopleRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def remember_name(self, user_id: str, name: str, *, at: datetime) -> None:
        person = self.session.get(Person, user_id)
        if person is None:
            self.session.add(Person(user_id=user_id, name=name, seen_at=at))
        else:
            person.name, person.seen_at = name, at

    def home_opened(self, user_id: str, *, at: datetime) -> None:
        viewer = self.session.get(HomeViewer, user_id)
        if viewer is None:
            self.session.add(HomeViewer(user_id=user_id, opened_at=at))
        else:
            viewer.opened_at = at

    def save_queue_view(self, user_id: str, view: QueueView, *, at: datetime) -> None:
        store_view(self.session, user_id, view, at=at)


class SqlIntakeAllowances(IntakeAllowances):
    """A row per person; every change is one conditional UPDATE, which PostgreSQL runs
    one at a time per row (the second re-reads the row the first wrote) and SQLite's
    writer transaction serialises anyway."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def take(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        self._ensure_row(user_id, now)
        row = IntakeAllowance
        renewed = self.session.execute(
            update(IntakeAllowance)
            .where(row.user_id == user_id, row.window_started_at <= now - limit.window)
            .values(window_started_at=now, opened=1, told_at=None)
        )
        if getattr(renewed, "rowcount", 0) == 1:
            return True
        counted = self.session.execute(
            update(IntakeAllowance)
            .where(row.user_id == user_id, row.opened < limit.count)
            .values(opened=row.opened + 1)
        )
        return getattr(counted, "rowcount", 0) == 1

    def left(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> int:
        allowance = self.session.get(IntakeAllowance, user_id)
        if allowance is None or allowance.window_started_at <= now - limit.window:
            return limit.count
        return max(0, limit.count - allowance.opened)

    def first_refusal(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        self._ensure_row(user_id, now)
        row = IntakeAllowance
        told = self.session.execute(
            update(IntakeAllowance)
            .where(
                row.user_id == user_id,
                row.told_at.is_(None) | (row.told_at < row.window_started_at),
            )
            .values(told_at=now)
        )
        return getattr(told, "rowcount", 0) == 1

    def _ensure_row(self, user_id: str, now: datetime) -> None:
        # A new window of an unused count; a row another transaction made first stays.
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        self.session.execute(
            dialect.insert(IntakeAllowance)
            .values(user_id=user_id, window_started_at=now, opened=0)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
