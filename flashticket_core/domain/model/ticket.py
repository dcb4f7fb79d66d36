"""The ticket aggregate, as a typed SQLAlchemy 2.0 model.

The ticket carries the business rules (lifecycle, history, version) and raises the
events of what happened; the service layer decides *who* may call it
(`domain/permissions.py`). Its rows (entries, files, history) are in `records.py`, its
values and the checks of its texts in `values.py`. The tables only the adapters need
(the outbox, chat threads, tallies, leases) are declared on the same `Base` in
`adapters/tables.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Computed, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from flashticket_core.domain import events
from flashticket_core.domain.clock import Urgency
from flashticket_core.domain.enums import TRANSITIONS, Priority, Status
from flashticket_core.domain.model.base import Base, enum_column
from flashticket_core.domain.model.conversation import Conversed
from flashticket_core.domain.model.following import Followed, TicketFollower
from flashticket_core.domain.model.queue import queue_rank_sql
from flashticket_core.domain.model.records import ConversationEntry, HistoryEntry, TicketFile
from flashticket_core.domain.model.values import (
    ASSIGNED_BY_RULE,
    DEFAULT_TEAM_ID,
    DESK_ID_MAX,
    SOURCE_CHANNEL_MAX,
    SOURCE_TS_MAX,
    TITLE_MAX,
    USER_ID_MAX,
    WITHDRAWN,
    MessageSource,
    validate_description,
    validate_title,
)
from flashticket_core.errors import InvalidInput, InvalidTransition, Translatable


class Ticket(Followed, Conversed, Base):
    __tablename__ = "tickets"
    # Its indexes are the paths the read side's queries take: adapters/tables.py
    # declares them, with the queries they serve.
    __table_args__ = (
        # One chat message makes one ticket, however often it is reacted to.
        Index(None, "source_channel", "source_ts", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "priority"))
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"))
    reporter_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    assignee_id: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    # Bumped by every change of status, priority or assignee; a click on a
    # message that shows an older version is refused (optimistic concurrency).
    version: Mapped[int] = mapped_column(Integer)
    # The chat message the ticket was made from (channel ID and its ts), if any.
    source_channel: Mapped[str | None] = mapped_column(String(SOURCE_CHANNEL_MAX))
    source_ts: Mapped[str | None] = mapped_column(String(SOURCE_TS_MAX))
    # The database computes it (see queue_rank_sql); NULL for tickets not in the queue.
    queue_rank: Mapped[int | None] = mapped_column(Integer, Computed(queue_rank_sql()))
    # Where its targets put it in the support queue (domain/clock.py `Urgency`): written
    # with the targets, in their transaction (adapters/sql_timers.py), so the queue reads
    # its first page from an index instead of looking at every open ticket's targets.
    target_urgency: Mapped[int] = mapped_column(
        SmallInteger, default=Urgency.CALM.value, server_default=str(Urgency.CALM.value)
    )
    # The soonest due time of its running targets, written with them (the queue's "due
    # first" order reads it from an index); None while nothing runs.
    next_due_at: Mapped[datetime | None]
    # The team it belongs to and the request type it was opened as (the desk file's ids).
    # A ticket keeps both when the desk file drops them. The tickets from before the
    # teams are the one team a desk without a desk file has.
    team_id: Mapped[str] = mapped_column(String(DESK_ID_MAX), server_default=DEFAULT_TEAM_ID)
    request_type: Mapped[str | None] = mapped_column(String(DESK_ID_MAX))

    # Its rows are reached through the ticket only: they know its id, not the object.
    entries: WriteOnlyMapped[ConversationEntry] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    history: WriteOnlyMapped[HistoryEntry] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    files: WriteOnlyMapped[TicketFile] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    # Loaded when asked for (who may see it, who is told of a change): few per ticket.
    followers: Mapped[list[TicketFollower]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="select"
    )

    __mapper_args__ = {  # noqa: RUF012 - SQLAlchemy declares it as a plain attribute
        "version_id_col": version,
        "version_id_generator": False,
    }

    @classmethod
    def open(
        cls,
        *,
        title: str,
        description: str,
        priority: Priority,
        reporter_id: str,
        now: datetime,
        team_id: str = DEFAULT_TEAM_ID,
        opened_by: str | None = None,
        source: MessageSource | None = None,
        status: Status = Status.NEW,
    ) -> Ticket:
        """`opened_by` is who opened it for the reporter (from their message), if not they;
        `status` is Waiting for approval for a ticket of a type with approvers."""
        actor_id = opened_by or reporter_id
        ticket = cls(
            title=validate_title(title),
            description=validate_description(description),
            priority=priority,
            status=status,
            reporter_id=reporter_id,
            assignee_id=None,
            created_at=now,
            updated_at=now,
            version=1,
            team_id=team_id,
            source_channel=source.channel if source else None,
            source_ts=source.ts if source else None,
        )
        ticket.history.add(
            HistoryEntry(actor_id=actor_id, field="created", new_value=status, at=now)
        )
        if actor_id != reporter_id:
            ticket.history.add(
                HistoryEntry(actor_id=actor_id, field="reporter", new_value=reporter_id, at=now)
            )
        ticket._raise(
            lambda ticket_id: events.TicketOpened(
                actor_id=actor_id,
                ticket_id=ticket_id,
                reporter_id=reporter_id if actor_id != reporter_id else None,
                source_channel=source.channel if source else None,
                source_thread_ts=source.thread_ts if source else None,
                source_ts=source.ts if source else None,
                awaiting_approval=status is Status.PENDING_APPROVAL,
            )
        )
        return ticket

    def collect_events(self) -> list[events.Event]:
        """The events raised since the last collection, in the order they happened."""
        return self._made_events(self.id)

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def change_status(
        self, new: Status, *, actor_id: str, now: datetime, reason: str | None = None
    ) -> Status:
        old = self.status
        if new not in TRANSITIONS[old]:
            raise InvalidTransition(
                ticket_id=self.id,
                old=Translatable(old.label_key),
                new=Translatable(new.label_key),
            )
        self.status = new
        if new is Status.RESOLVED:
            self.resolved_at = now
        elif new is Status.CLOSED:
            self.closed_at = now
            self.resolved_at = self.resolved_at or now
        elif old in (Status.RESOLVED, Status.CLOSED):
            # A reopen starts the clock again.
            self.resolved_at = None
            self.closed_at = None
        self._changed("status", old.value, new.value, actor_id, now)
        reporter_id, assignee_id = self.reporter_id, self.assignee_id
        self._raise(
            lambda ticket_id: events.StatusChanged(
                actor_id=actor_id,
                ticket_id=ticket_id,
                old=old,
                new=new,
                reason=reason,
                reporter_id=reporter_id,
                assignee_id=assignee_id,
            )
        )
        return old

    def withdraw(self, *, actor_id: str, now: datetime) -> None:
        """The reporter takes back a ticket someone else opened in their name: it is
        closed as withdrawn, and the history says so beside the status change."""
        if self.status is Status.CLOSED:
            raise InvalidInput("error.withdraw_closed", ticket_id=self.id)
        self.history.add(HistoryEntry(actor_id=actor_id, field="withdrawn", at=now))
        self.change_status(Status.CLOSED, actor_id=actor_id, now=now, reason=WITHDRAWN)

    def set_priority(self, new: Priority, *, actor_id: str, now: datetime) -> Priority | None:
        old = self.priority
        if old is new:
            return None
        self.priority = new
        self._changed("priority", old.value, new.value, actor_id, now)
        self._raise(
            lambda ticket_id: events.PriorityChanged(
                actor_id=actor_id, ticket_id=ticket_id, old=old, new=new
            )
        )
        return old

    def assign(
        self, assignee_id: str | None, *, actor_id: str, now: datetime, reason: str | None = None
    ) -> bool:
        """Give the ticket to `assignee_id`; `reason`: why the team's rule did (the
        history keeps it, and the people told hear it was the rule)."""
        old = self.assignee_id
        if old == assignee_id:
            return False
        self.assignee_id = assignee_id
        self._changed("assignee", old, assignee_id, actor_id, now)
        if reason is not None:
            self.history.add(
                HistoryEntry(actor_id=actor_id, field=ASSIGNED_BY_RULE, new_value=reason, at=now)
            )
        self._raise(
            lambda ticket_id: events.AssigneeChanged(
                actor_id=actor_id, ticket_id=ticket_id, old=old, new=assignee_id, reason=reason
            )
        )
        return True

    def nobody_available(self, *, actor_id: str) -> None:
        """The team's rule found nobody to give it to: it waits, and the team is told."""
        team_id = self.team_id
        self._raise(
            lambda ticket_id: events.NobodyAvailable(
                actor_id=actor_id, ticket_id=ticket_id, team_id=team_id
            )
        )

    def rate(self, rating: int, *, actor_id: str, now: datetime) -> None:
        old = self.rating
        self.rating = rating
        self.updated_at = now
        self.history.add(
            HistoryEntry(
                actor_id=actor_id,
                field="rating",
                old_value=None if old is None else str(old),
                new_value=str(rating),
                at=now,
            )
        )
        self._raise(
            lambda ticket_id: events.TicketRated(
                actor_id=actor_id, ticket_id=ticket_id, rating=rating
            )
        )

    def move_to_team(self, team_id: str, *, actor_id: str, now: datetime) -> None:
        """Another team's now: the history keeps from which team to which."""
        old, self.team_id = self.team_id, team_id
        self._changed("team", old, team_id, actor_id, now)
        made = events.TeamChanged
        self._raise(lambda tid: made(actor_id=actor_id, ticket_id=tid, old=old, new=team_id))

    def change_type(self, type_id: str, *, actor_id: str, now: datetime) -> None:
        """Another type of its team (history: from which to which); values, priority stay."""
        old, self.request_type = self.request_type, type_id
        self._changed("request_type", old, type_id, actor_id, now)
        made = events.TypeChanged
        self._raise(lambda tid: made(actor_id=actor_id, ticket_id=tid, old=old, new=type_id))

    def delete(self, *, actor_id: str, now: datetime) -> None:
        self.deleted_at = now
        self.deleted_by = actor_id
        self._changed("deleted", None, "deleted", actor_id, now)
        self._raise(lambda ticket_id: events.TicketDeleted(actor_id=actor_id, ticket_id=ticket_id))

    def _changed(
        self, field: str, old: str | None, new: str | None, actor_id: str, now: datetime
    ) -> None:
        self.updated_at = now
        self.version += 1
        self.history.add(
            HistoryEntry(actor_id=actor_id, field=field, old_value=old, new_value=new, at=now)
        )
