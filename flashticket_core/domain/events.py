"""What happened: the facts a change produces, for notifications and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.domain.enums import EntryKind, Priority, Role, Status


@dataclass(frozen=True)
class Event:
    actor_id: str


@dataclass(frozen=True)
class TicketEvent(Event):
    ticket_id: int


@dataclass(frozen=True)
class TicketOpened(TicketEvent):
    # Whose ticket it is, where someone else (the actor) opened it for them.
    reporter_id: str | None = None
    # The chat message the ticket was made from, whose thread is told its number.
    source_channel: str | None = None
    source_thread_ts: str | None = None
    # The message itself, so its author can be shown which one it was.
    source_ts: str | None = None
    # Opened as Waiting for approval: no card until it is approved.
    awaiting_approval: bool = False


@dataclass(frozen=True)
class StatusChanged(TicketEvent):
    old: Status
    new: Status
    # Why the help desk changed it by itself (a timer's kind), None for a person's change.
    reason: str | None = None
    # Who reported it and who held it at the change: whom a change they did not make is told.
    reporter_id: str | None = None
    assignee_id: str | None = None

    @property
    def by_reporter_or_clock(self) -> bool:
        """A reopen by the reporter, or the clock's resolve or close: changes support did
        not make, which an edit of the card alone would tell nobody."""
        reopened = self.actor_id == self.reporter_id and not self.old.is_open
        return self.reason is not None or reopened


@dataclass(frozen=True)
class PriorityChanged(TicketEvent):
    old: Priority
    new: Priority


@dataclass(frozen=True)
class AssigneeChanged(TicketEvent):
    old: str | None
    new: str | None
    # Why the team's rule gave it (`round_robin`, `least_open`, `no_first_response`);
    # None: a person's change.
    reason: str | None = None


@dataclass(frozen=True)
class NobodyAvailable(TicketEvent):
    """The team's rule found every member away: the ticket waits unassigned."""

    team_id: str


@dataclass(frozen=True)
class FollowerAdded(TicketEvent):
    """`user_id` follows the ticket from now on (the actor added them: themselves on the
    card, or the reporter naming them in the form)."""

    user_id: str
    reporter_id: str


@dataclass(frozen=True)
class FollowerRemoved(TicketEvent):
    user_id: str


@dataclass(frozen=True)
class EntryAdded(TicketEvent):
    kind: EntryKind
    entry_id: int
    text: str


@dataclass(frozen=True)
class EntryEdited(TicketEvent):
    """The author changed what an entry says (the reporter edited their chat message)."""

    kind: EntryKind
    entry_id: int
    text: str


@dataclass(frozen=True)
class EntryWithdrawn(TicketEvent):
    """The author took an entry back (the reporter deleted their chat message)."""

    kind: EntryKind
    entry_id: int


@dataclass(frozen=True)
class AnsweredWhenFinished(TicketEvent):
    """The reporter wrote on a ticket that is resolved or closed: they are told so, and
    support hears of it (nobody watches a finished ticket's thread)."""

    status: Status
    assignee_id: str | None
    # Whether the reporter may reopen it themselves (the permission table says).
    may_reopen: bool


@dataclass(frozen=True)
class TicketRated(TicketEvent):
    rating: int


@dataclass(frozen=True)
class TeamChanged(TicketEvent):
    """Support moved the ticket to another team (the desk file's team ids)."""

    old: str
    new: str


@dataclass(frozen=True)
class TypeChanged(TicketEvent):
    """Support gave the ticket another request type of its team (the desk file's type
    ids; `old` is None for a ticket that had none)."""

    old: str | None
    new: str


@dataclass(frozen=True)
class TicketDeleted(TicketEvent):
    pass


@dataclass(frozen=True)
class RoleChanged(Event):
    user_id: str
    old: Role
    new: Role
    # Support in this team alone was granted (new SUPPORT) or revoked (new USER).
    team_id: str | None = None


@dataclass(frozen=True)
class FileAttached(TicketEvent):
    """A file came with an entry; its chat copy is to be made on the other side."""

    file_row: int
    chat_file_id: str
    name: str
    direction: str
    entry_id: int | None


@dataclass(frozen=True)
class ApprovalRequested(TicketEvent):
    """A ticket of a type with approvers was opened: each approver is asked by DM."""

    approvers: tuple[str, ...]


@dataclass(frozen=True)
class ApprovalDecided(TicketEvent):
    """The first approver to decide did (`actor_id`): approved (into the team's queue)
    or rejected (closed); `reason` is the rejection's reason or the approval's note."""

    approved: bool
    reason: str | None
    approvers: tuple[str, ...]
    reporter_id: str
