"""The repositories in SQL: the write side's ports (`service_layer/repositories.py`) on
one session of a unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from flashticket_core.adapters.sql_queue import store_view
from flashticket_core.adapters.tables import (
    HomeViewer,
    IntakeAllowance,
    Person,
    ProcessedRequest,
)
from flashticket_core.domain.enums import MemberSource, Status
from flashticket_core.domain.model import (
    ChatMessage,
    ConversationEntry,
    FieldValue,
    HistoryEntry,
    RoleAssignment,
    RoleChange,
    TeamMembership,
    Ticket,
    TicketField,
    field_rows,
)
from flashticket_core.domain.permissions import IntakeLimit
from flashticket_core.service_layer.queue_view import QueueView
from flashticket_core.service_layer.repositories import (
    IntakeAllowances,
    PeopleRepository,
    RequestLog,
    RoleRepository,
    TeamMembers,
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

    def add_fields(self, ticket_id: int, values: Sequence[FieldValue]) -> None:
        # One INSERT of every row, without an object each to track: nothing reads them
        # back in this transaction.
        self.session.execute(insert(TicketField), field_rows(ticket_id, values))

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


class SqlTeamMembers(TeamMembers):
    def __init__(self, session: Session) -> None:
        self.session = session

    def teams_of(self, user_id: str) -> frozenset[str]:
        return teams_of(self.session, user_id)

    def get(self, team_id: str, user_id: str, source: MemberSource) -> TeamMembership | None:
        return self.session.get(TeamMembership, (team_id, user_id, source))

    def add(self, membership: TeamMembership) -> None:
        self.session.add(membership)

    def remove(self, membership: TeamMembership) -> None:
        self.session.delete(membership)

    def replace(
        self, team_id: str, source: MemberSource, user_ids: frozenset[str], *, now: datetime
    ) -> bool:
        return replace_members(self.session, team_id, source, user_ids, now=now)


def teams_of(session: Session, user_id: str) -> frozenset[str]:
    """The teams a person is a member of (the index on user_id answers it)."""
    found = session.scalars(
        select(TeamMembership.team_id).where(TeamMembership.user_id == user_id).distinct()
    )
    return frozenset(found)


def replace_members(
    session: Session,
    team_id: str,
    source: MemberSource,
    user_ids: frozenset[str],
    *,
    now: datetime,
) -> bool:
    """The team's members of `source` become `user_ids`, writing only who came or went."""
    of_source = (TeamMembership.team_id == team_id) & (TeamMembership.source == source)
    stored = frozenset(session.scalars(select(TeamMembership.user_id).where(of_source)))
    gone, came = stored - user_ids, user_ids - stored
    if gone:
        session.execute(
            delete(TeamMembership).where(of_source, TeamMembership.user_id.in_(sorted(gone)))
        )
    for user_id in sorted(came):
        session.add(
            TeamMembership(
                team_id=team_id, user_id=user_id, source=source, granted_by=None, granted_at=now
            )
        )
    return bool(gone or came)


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
