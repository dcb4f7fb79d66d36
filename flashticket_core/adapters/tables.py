"""The schema beyond the aggregate: the indexes the read side's queries walk, and the
tables only the adapters need (the outbox, where a ticket lives in chat, idempotency
keys, job leases, the dashboard's tallies, what the help desk remembers of people). The
aggregate's own tables (tickets, their conversation and history, roles) are declared with
it in `domain/model/`, on the same `Base`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.adapters.approval_tables import TicketApproval as TicketApproval
from flashticket_core.adapters.approval_tables import UserGroupMember as UserGroupMember
from flashticket_core.adapters.assignment_tables import AssignmentTurn as AssignmentTurn
from flashticket_core.adapters.assignment_tables import TicketAssignment as TicketAssignment
from flashticket_core.adapters.partial_indexes import partial_index
from flashticket_core.adapters.queue_tables import QueueViewRow as QueueViewRow
from flashticket_core.adapters.tally_tables import TicketDuration as TicketDuration
from flashticket_core.adapters.tally_tables import TicketDurationDetail as TicketDurationDetail
from flashticket_core.adapters.tally_tables import TicketMonthTally as TicketMonthTally
from flashticket_core.adapters.tally_tables import TicketTally as TicketTally
from flashticket_core.domain.model import (
    CHAT_ID_MAX,
    DEFAULT_TEAM_ID,
    DESK_ID_MAX,
    NAME_MAX,
    USER_ID_MAX,
    Base,
    ConversationEntry,
    HistoryEntry,
    RoleChange,
    Ticket,
)

# -- the aggregate's indexes: each names its table's columns, so it joins that table --

TICKET_INDEXES = (
    Index(None, Ticket.reporter_id, Ticket.status),
    # "My tickets, newest first" without sorting all of a heavy reporter's tickets.
    Index(None, Ticket.reporter_id, Ticket.created_at),
    Index(None, Ticket.assignee_id, Ticket.status),
    # Live tickets of a status, oldest first (lists filtered by status). deleted_at is
    # listed (always NULL here) because SQLite only reads an index alone when it holds
    # every column the query names.
    partial_index(
        "ix_tickets_live_status_created_at",
        Ticket.status,
        Ticket.created_at,
        Ticket.deleted_at,
        where="deleted_at IS NULL",
    ),
    # The open queue in its own order, read from the top without sorting (a reporter's
    # own list, the digest's top of the queue).
    partial_index(
        "ix_tickets_queue",
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="queue_rank IS NOT NULL",
    ),
    # The support queue, everyone's and an assignee's: missed targets first, then those
    # reminded of, then the queue's own order; read from the top without sorting.
    partial_index(
        "ix_tickets_support_queue",
        Ticket.target_urgency,
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="queue_rank IS NOT NULL",
    ),
    partial_index(
        "ix_tickets_assignee_support_queue",
        Ticket.assignee_id,
        Ticket.target_urgency,
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="queue_rank IS NOT NULL",
    ),
    # A team's lists (`/ticket list team:it`, with a status or without): the team's
    # open queue in the support queue's order, its live tickets of a status in the
    # queue's own order.
    partial_index(
        "ix_tickets_team_support_queue",
        Ticket.team_id,
        Ticket.target_urgency,
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="queue_rank IS NOT NULL",
    ),
    partial_index(
        "ix_tickets_team_status_queue",
        Ticket.team_id,
        Ticket.status,
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="deleted_at IS NULL",
    ),
    # Everyone's live tickets of a status (`/ticket list status:closed`) in the queue's
    # own order.
    partial_index(
        "ix_tickets_status_queue",
        Ticket.status,
        Ticket.queue_rank,
        Ticket.created_at,
        Ticket.id,
        where="deleted_at IS NULL",
    ),
    # A team's statistics: its tickets opened, first replied to and resolved in a period.
    partial_index(
        "ix_tickets_team_created_at",
        Ticket.team_id,
        Ticket.created_at,
        Ticket.status,
        where="deleted_at IS NULL",
    ),
    partial_index(
        "ix_tickets_team_first_response_at",
        Ticket.team_id,
        Ticket.first_response_at,
        Ticket.created_at,
        where="deleted_at IS NULL AND first_response_at IS NOT NULL",
    ),
    partial_index(
        "ix_tickets_team_resolved_at",
        Ticket.team_id,
        Ticket.resolved_at,
        Ticket.created_at,
        where="deleted_at IS NULL AND resolved_at IS NOT NULL",
    ),
    # "Opened today" and the edges of a month in a time zone that is not UTC.
    partial_index(
        "ix_tickets_live_created_at_status",
        Ticket.created_at,
        Ticket.status,
        Ticket.deleted_at,
        where="deleted_at IS NULL",
    ),
)
# A ticket's conversation and history in order; a user's role changes.
ENTRY_INDEXES = (
    Index(None, ConversationEntry.ticket_id, ConversationEntry.id),
    # The entry an edited or deleted chat message was relayed as.
    Index(None, ConversationEntry.source_channel, ConversationEntry.source_ts),
    Index(None, HistoryEntry.ticket_id, HistoryEntry.id),
    Index(None, RoleChange.user_id),
)


# -- the adapters' own tables ---------------------------------------------------------


class OutboxMessage(Base):
    """A message a change causes, written in the change's own transaction.

    A delivery worker sends it later; nothing is sent from the request path, so a
    chat outage or a restart delays a message but never drops it.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "ticket_id", "status"),
        Index(None, "recipient", "kind", "status"),
        # The messages that carried a conversation entry, newest last: its relayed copy.
        Index(None, "entry_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    # The person a message is for, when it is for one person (an App Home refresh).
    recipient: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A message that goes out in several parts (a long text): how many are out already,
    # so a retry after a failure or a crash goes on with the next part.
    parts_delivered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime]
    # A worker owns the row until then; after a crash another worker takes it over.
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    result_channel: Mapped[str | None] = mapped_column(String(64))
    result_ts: Mapped[str | None] = mapped_column(String(64))
    # The conversation entry a message relays, edits or withdraws.
    entry_id: Mapped[int | None] = mapped_column(Integer)
    # Where each part but the last landed (space-separated ts, in order; the last is
    # result_ts): an edit of the entry updates every part of its copy.
    part_ts: Mapped[str | None] = mapped_column(Text)


class TicketThread(Base):
    """Where a ticket lives in chat: the reporter's DM thread and the support-channel post."""

    __tablename__ = "ticket_threads"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    reporter_channel: Mapped[str | None] = mapped_column(String(64))
    reporter_ts: Mapped[str | None] = mapped_column(String(64))
    support_channel: Mapped[str | None] = mapped_column(String(64))
    support_ts: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index(None, "reporter_channel", "reporter_ts", unique=True),
        Index(None, "support_channel", "support_ts", unique=True),
    )


class ProcessedRequest(Base):
    """Idempotency keys: a retried event or a double submission is answered once."""

    __tablename__ = "processed_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime]


class JobLease(Base):
    """Who runs a periodic job until when: with several replicas, one runs it at a time."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime]


class TicketTarget(Base):
    """One service-level target of a ticket (domain/clock.py `TargetClock`): its length
    and the business time used, in seconds; `due_at` is set only while it runs."""

    __tablename__ = "ticket_targets"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    length_seconds: Mapped[float] = mapped_column(Float)
    consumed_seconds: Mapped[float] = mapped_column(Float)
    running_since: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]
    warned: Mapped[bool] = mapped_column(Boolean)
    breached: Mapped[bool] = mapped_column(Boolean)


class TicketTimer(Base):
    """Something due for a ticket at `due_at`: written in the transaction of the change
    that sets it, fired once by the sweep (`fired_at`), or cancelled by a later change."""

    __tablename__ = "ticket_timers"
    __table_args__ = (
        # The sweep's path: the unfired timers by due time.
        partial_index(
            "ix_ticket_timers_due",
            "due_at",
            where="fired_at IS NULL AND cancelled_at IS NULL",
        ),
        # A change's path: the ticket's unfired timers.
        partial_index(
            "ix_ticket_timers_ticket_unfired",
            "ticket_id",
            where="fired_at IS NULL AND cancelled_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class Person(Base):
    """The name a chat user was last seen with (for exports; nothing depends on it)."""

    __tablename__ = "people"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    seen_at: Mapped[datetime]


class HomeViewer(Base):
    """When someone last opened the bot's App Home: whose Home to keep current."""

    __tablename__ = "home_viewers"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    opened_at: Mapped[datetime]


# Every table of the database, the aggregate's and these (and those of the modules
# imported above): what the migrations are compared with, and what a test empties.
metadata: MetaData = Base.metadata


class DigestSent(Base):
    """The days whose morning digest is queued, per team: the day and team as key send
    each team's digest once, whichever replica is first."""

    __tablename__ = "digests"

    day: Mapped[date] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(DESK_ID_MAX), primary_key=True, server_default=DEFAULT_TEAM_ID
    )
    sent_at: Mapped[datetime]


class IntakeAllowance(Base):
    """How many tickets a person opened from other people's messages in their current
    window, and when they were last told they reached the limit: in the database, so the
    limit holds across processes and replicas."""

    __tablename__ = "intake_allowances"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    window_started_at: Mapped[datetime]
    opened: Mapped[int] = mapped_column(Integer, default=0)
    told_at: Mapped[datetime | None]


class StoredTeam(Base):
    """A team of the desk as it was last started with (the desk file's, or the one team
    Support without one). Kept when the desk file drops the team: its tickets keep their
    team, and it keeps its name and whether it is private."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(DESK_ID_MAX), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Its triage channel; unknown for the one team the migration made, until the next start.
    channel: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
