"""The ticket aggregate and its rows, as typed SQLAlchemy 2.0 models.

The model classes carry the business rules (lifecycle, history, version) and raise
the events of what happened; the service layer decides *who* may call them
(`domain/permissions.py`). The tables only the adapters need (the outbox, chat threads,
tallies, leases) are declared on the same `Base` in `adapters/tables.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Computed,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship

from flashticket_core.domain import events
from flashticket_core.domain.clock import Urgency
from flashticket_core.domain.enums import (
    TRANSITIONS,
    EntryKind,
    FileDirection,
    Priority,
    Role,
    Status,
)
from flashticket_core.errors import InvalidInput, InvalidTransition, NotAllowed, Translatable

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
# Slack's own limit for a message's text: a reply pasted into a DM thread is kept whole
# (the column is unlimited text; the chat adapter splits what it relays).
ENTRY_MAX = 40_000
USER_ID_MAX = 32
CHAT_ID_MAX = 64
FILE_NAME_MAX = 255
FILE_TYPE_MAX = 128
# Where a message is in chat: its channel and its timestamp.
ChatMessage = tuple[str, str]
# A chat channel ID and a message's ts, as Slack writes them.
SOURCE_CHANNEL_MAX = 64
SOURCE_TS_MAX = 32
NAME_MAX = 100
# The reason of a status change that closes a ticket its reporter withdrew.
WITHDRAWN = "withdrawn"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@dataclass(frozen=True)
class MessageSource:
    """The chat message a ticket is made from: where it is, and the thread it is in
    (its own ts when it starts none)."""

    channel: str
    ts: str
    thread_ts: str


@dataclass(frozen=True)
class IntakeLimit:
    """How many tickets one person may open from other people's messages in a window:
    enough for someone who helps colleagues, too few to flood people with tickets in
    their name."""

    count: int
    window: timedelta

    @property
    def minutes(self) -> int:
        return max(1, round(self.window.total_seconds() / 60))


DEFAULT_INTAKE_LIMIT = IntakeLimit(5, timedelta(minutes=10))


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are aware UTC in Python and naive UTC in every database.

    SQLite has no time zones; storing naive UTC everywhere keeps SQL date
    arithmetic and month grouping identical on both databases.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; FlashTicket stores aware UTC timestamps")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def _enum(enum_cls: type[Any], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def queue_rank_sql() -> str:
    """The open queue's order as SQL over a ticket row: unassigned before assigned, new
    before the rest, then by priority (the age comes from `created_at` after it).

    The migration that adds the column carries its own copy of this text, as
    migrations do; a test checks that both agree.
    """
    open_statuses = ", ".join(f"'{status.value}'" for status in Status if status.is_open)
    *ranked, lowest = sorted(Priority, key=lambda p: p.rank)
    priorities = " ".join(f"WHEN '{p.value}' THEN {p.rank}" for p in ranked)
    assigned_weight = 2 * len(Priority)
    return (
        f"CASE WHEN deleted_at IS NULL AND status IN ({open_statuses}) THEN "
        f"(CASE WHEN assignee_id IS NULL THEN 0 ELSE {assigned_weight} END)"
        f" + (CASE WHEN status = '{Status.NEW.value}' THEN 0 ELSE {len(Priority)} END)"
        f" + (CASE priority {priorities} ELSE {lowest.rank} END) END"
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Ticket(Base):
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
    priority: Mapped[Priority] = mapped_column(_enum(Priority, "priority"))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))
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

    entries: WriteOnlyMapped[ConversationEntry] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True
    )
    history: WriteOnlyMapped[HistoryEntry] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True
    )
    files: WriteOnlyMapped[TicketFile] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True
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
        opened_by: str | None = None,
        source: MessageSource | None = None,
    ) -> Ticket:
        """`opened_by` is who opened it for the reporter (from their message), if not they."""
        actor_id = opened_by or reporter_id
        ticket = cls(
            title=validate_title(title),
            description=validate_description(description),
            priority=priority,
            status=Status.NEW,
            reporter_id=reporter_id,
            assignee_id=None,
            created_at=now,
            updated_at=now,
            version=1,
            source_channel=source.channel if source else None,
            source_ts=source.ts if source else None,
        )
        ticket.history.add(
            HistoryEntry(actor_id=actor_id, field="created", new_value=Status.NEW, at=now)
        )
        if actor_id != reporter_id:
            ticket.history.add(
                HistoryEntry(actor_id=actor_id, field="reporter", new_value=reporter_id, at=now)
            )
        ticket._raise(
            lambda ticket_id: events.TicketOpened(
                actor_id=actor_id,
                ticket_id=ticket_id,
                source_channel=source.channel if source else None,
                source_thread_ts=source.thread_ts if source else None,
                source_ts=source.ts if source else None,
            )
        )
        return ticket

    def _raise(self, make: Callable[[int], events.TicketEvent]) -> None:
        """Record what happened. The event is made when it is collected, after the
        database gave the ticket (and a new entry) its id."""
        self._pending_events().append(make)

    def collect_events(self) -> list[events.Event]:
        """The events raised since the last collection, in the order they happened."""
        pending = self._pending_events()
        made: list[events.Event] = [make(self.id) for make in pending]
        pending.clear()
        return made

    def _pending_events(self) -> list[Callable[[int], events.TicketEvent]]:
        # Not a column: a plain attribute of the loaded object, gone with it.
        pending: list[Callable[[int], events.TicketEvent]] = vars(self).setdefault("_events", [])
        return pending

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

    def assign(self, assignee_id: str | None, *, actor_id: str, now: datetime) -> bool:
        old = self.assignee_id
        if old == assignee_id:
            return False
        self.assignee_id = assignee_id
        self._changed("assignee", old, assignee_id, actor_id, now)
        self._raise(
            lambda ticket_id: events.AssigneeChanged(
                actor_id=actor_id, ticket_id=ticket_id, old=old, new=assignee_id
            )
        )
        return True

    def add_entry(
        self,
        kind: EntryKind,
        *,
        author_id: str,
        text: str,
        now: datetime,
        source: ChatMessage | None = None,
    ) -> ConversationEntry:
        entry = ConversationEntry(kind=kind, author_id=author_id, text=validate_text(text), at=now)
        if source is not None:
            entry.source_channel, entry.source_ts = source
        self.entries.add(entry)
        if kind is EntryKind.SUPPORT_REPLY and self.first_response_at is None:
            self.first_response_at = now
        # A conversation entry is not a state change: it does not bump the
        # version, so a reply never makes the buttons on a message stale.
        self.updated_at = now
        self._raise(
            lambda ticket_id: events.EntryAdded(
                actor_id=author_id,
                ticket_id=ticket_id,
                kind=kind,
                entry_id=entry.id,
                text=entry.text,
            )
        )
        return entry

    def answered_when_finished(self, *, actor_id: str, may_reopen: bool) -> None:
        """The reporter wrote on a resolved or closed ticket: say so to both sides
        (nothing to say for an open one)."""
        if self.is_open:
            return
        status, assignee_id = self.status, self.assignee_id
        self._raise(
            lambda ticket_id: events.AnsweredWhenFinished(
                actor_id=actor_id,
                ticket_id=ticket_id,
                status=status,
                assignee_id=assignee_id,
                may_reopen=may_reopen,
            )
        )

    def attach_file(
        self,
        entry: ConversationEntry | None,
        *,
        author_id: str,
        direction: FileDirection,
        chat_file_id: str,
        name: str,
        mimetype: str,
        size: int | None,
        now: datetime,
    ) -> TicketFile:
        """A file came with an entry (or the message the ticket was made from): it is
        recorded, and its copy on the other side is an outbox message of its own."""
        file = TicketFile(
            author_id=author_id,
            direction=direction,
            chat_file_id=chat_file_id[:CHAT_ID_MAX],
            name=" ".join(name.split())[:FILE_NAME_MAX] or chat_file_id[:CHAT_ID_MAX],
            mimetype=mimetype[:FILE_TYPE_MAX],
            size=size,
            at=now,
            entry=entry,
        )
        self.files.add(file)
        self._raise(
            lambda ticket_id: events.FileAttached(
                actor_id=author_id,
                ticket_id=ticket_id,
                file_row=file.id,
                chat_file_id=file.chat_file_id,
                name=file.name,
                direction=direction.value,
                entry_id=entry.id if entry is not None else None,
            )
        )
        return file

    def edit_entry(
        self, entry: ConversationEntry, text: str, *, actor_id: str, now: datetime
    ) -> bool:
        """The author says it differently; the history keeps what it said before.

        Only the author may, and not once it is withdrawn; an edit to the same text
        (Slack also sends one when a link preview appears) changes nothing. A closed
        ticket's entry follows the edit too: the record stays what the person wrote.
        """
        self._own_live_entry(entry, actor_id)
        new = validate_text(text)
        old = entry.text
        if new == old:
            return False
        entry.text = new
        entry.edited_at = now
        self.updated_at = now
        self.history.add(
            HistoryEntry(
                actor_id=actor_id,
                field="entry_edited",
                old_value=str(entry.id),
                new_value=str(entry.id),
                old_text=old,
                new_text=new,
                at=now,
            )
        )
        kind, entry_id = entry.kind, entry.id
        self._raise(
            lambda ticket_id: events.EntryEdited(
                actor_id=actor_id, ticket_id=ticket_id, kind=kind, entry_id=entry_id, text=new
            )
        )
        return True

    def withdraw_entry(self, entry: ConversationEntry, *, actor_id: str, now: datetime) -> bool:
        """The author takes it back. The entry stays, marked withdrawn, and the history
        keeps what it said; a second withdrawal changes nothing."""
        if entry.withdrawn_at is not None:
            return False
        self._own_live_entry(entry, actor_id)
        entry.withdrawn_at = now
        self.updated_at = now
        self.history.add(
            HistoryEntry(
                actor_id=actor_id,
                field="entry_withdrawn",
                old_value=str(entry.id),
                old_text=entry.text,
                at=now,
            )
        )
        kind, entry_id = entry.kind, entry.id
        self._raise(
            lambda ticket_id: events.EntryWithdrawn(
                actor_id=actor_id, ticket_id=ticket_id, kind=kind, entry_id=entry_id
            )
        )
        return True

    def _own_live_entry(self, entry: ConversationEntry, actor_id: str) -> None:
        if entry.ticket_id != self.id or entry.author_id != actor_id:
            raise NotAllowed("comment")
        if entry.withdrawn_at is not None:
            raise InvalidInput("error.entry_withdrawn", field="text")

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


class ConversationEntry(Base):
    """A support reply, a reporter reply or an internal note."""

    __tablename__ = "ticket_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind, "entry_kind"))
    author_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    # The chat message a reply came from, so an edit or deletion there finds it.
    source_channel: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    source_ts: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship(back_populates="entries")


class TicketFile(Base):
    """A file that travelled with a ticket: who sent it which way, when, and what it was."""

    __tablename__ = "ticket_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_entries.id", ondelete="SET NULL")
    )
    author_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    direction: Mapped[FileDirection] = mapped_column(_enum(FileDirection, "file_direction"))
    chat_file_id: Mapped[str] = mapped_column(String(CHAT_ID_MAX))
    name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    mimetype: Mapped[str] = mapped_column(String(FILE_TYPE_MAX))
    size: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship(back_populates="files")
    entry: Mapped[ConversationEntry | None] = relationship()


class HistoryEntry(Base):
    """One change of a ticket: who changed what from what to what, and when."""

    __tablename__ = "ticket_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    new_value: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    # An entry's words before and after an edit or a withdrawal (too long for a value).
    old_text: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship(back_populates="history")


class RoleAssignment(Base):
    """A Slack user's role; a user without a row is a plain user."""

    __tablename__ = "role_assignments"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    granted_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    granted_at: Mapped[datetime]


class RoleChange(Base):
    """The audit trail of role changes."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    old_role: Mapped[Role] = mapped_column(_enum(Role, "old_role"))
    new_role: Mapped[Role] = mapped_column(_enum(Role, "new_role"))
    actor_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    at: Mapped[datetime]

    def event(self) -> events.RoleChanged:
        return events.RoleChanged(
            actor_id=self.actor_id, user_id=self.user_id, old=self.old_role, new=self.new_role
        )


def validate_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("error.title_empty", field="title")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            "error.title_too_long", field="title", limit=TITLE_MAX, length=len(cleaned)
        )
    return cleaned


def validate_description(description: str) -> str:
    cleaned = description.strip()
    if len(cleaned) > DESCRIPTION_MAX:
        raise InvalidInput(
            "error.description_too_long",
            field="description",
            limit=DESCRIPTION_MAX,
            length=len(cleaned),
        )
    return cleaned


def validate_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("error.text_empty", field="text")
    if len(cleaned) > ENTRY_MAX:
        raise InvalidInput(
            "error.text_too_long", field="text", limit=ENTRY_MAX, length=len(cleaned)
        )
    return cleaned
