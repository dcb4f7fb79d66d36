"""The write side's ports: repositories load and add aggregates and never commit; the
unit of work does. Each remembers what it handed out, so the unit of work can collect
the events the domain raised on it. The SQL behind them is `adapters/repository.py`."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flashticket_core.domain.enums import MemberSource, Role
from flashticket_core.domain.events import Event
from flashticket_core.domain.model import (
    ChatMessage,
    ConversationEntry,
    FieldValue,
    RoleAssignment,
    RoleChange,
    SavedReply,
    TeamMembership,
    Ticket,
)
from flashticket_core.domain.permissions import IntakeLimit
from flashticket_core.service_layer.queue_view import QueueView


class TicketRepository(abc.ABC):
    def __init__(self) -> None:
        self.seen: list[Ticket] = []

    def add(self, ticket: Ticket) -> None:
        self._add(ticket)
        self.seen.append(ticket)

    def get(self, ticket_id: int) -> Ticket | None:
        """The ticket, or None if it does not exist or was deleted."""
        ticket = self._get(ticket_id)
        if ticket is not None and ticket not in self.seen:
            self.seen.append(ticket)
        return ticket

    def collect_events(self) -> list[Event]:
        return [event for ticket in self.seen for event in ticket.collect_events()]

    def entry_from(self, source: ChatMessage) -> tuple[Ticket, ConversationEntry] | None:
        """The entry a chat message was stored as, with its live ticket, if any."""
        entry = self._entry_from(source)
        if entry is None:
            return None
        ticket = self.get(entry.ticket_id)
        return None if ticket is None else (ticket, entry)

    @abc.abstractmethod
    def closed_by(self, ticket: Ticket) -> str | None:
        """Who made the ticket's last move to closed (None if it never was closed)."""

    @abc.abstractmethod
    def opened_for_by(self, ticket: Ticket) -> str | None:
        """Who opened the ticket for its reporter (from their message), if not they."""

    @abc.abstractmethod
    def made_from(self, channel: str, ts: str) -> int | None:
        """The ticket made from the chat message at (channel, ts), deleted ones too."""

    @abc.abstractmethod
    def add_fields(self, ticket_id: int, values: Sequence[FieldValue]) -> None:
        """Keep a new ticket's field values (its id known: after a flush)."""

    @abc.abstractmethod
    def _add(self, ticket: Ticket) -> None: ...

    @abc.abstractmethod
    def _entry_from(self, source: ChatMessage) -> ConversationEntry | None: ...

    @abc.abstractmethod
    def _get(self, ticket_id: int) -> Ticket | None: ...


class RoleRepository(abc.ABC):
    def __init__(self) -> None:
        self._recorded: list[RoleChange] = []

    def role_of(self, user_id: str) -> Role:
        assignment = self.get(user_id)
        return Role.USER if assignment is None else assignment.role

    def record(self, change: RoleChange) -> None:
        self._record(change)
        self._recorded.append(change)

    def collect_events(self) -> list[Event]:
        made: list[Event] = [change.event() for change in self._recorded]
        self._recorded.clear()
        return made

    @abc.abstractmethod
    def get(self, user_id: str) -> RoleAssignment | None: ...

    @abc.abstractmethod
    def add(self, assignment: RoleAssignment) -> None: ...

    @abc.abstractmethod
    def remove(self, assignment: RoleAssignment) -> None: ...

    @abc.abstractmethod
    def _record(self, change: RoleChange) -> None: ...


class TeamMembers(abc.ABC):
    """Who is a member of which team, for which reason (`MemberSource`)."""

    @abc.abstractmethod
    def teams_of(self, user_id: str) -> frozenset[str]:
        """The teams the person is a member of, for any reason."""

    @abc.abstractmethod
    def get(self, team_id: str, user_id: str, source: MemberSource) -> TeamMembership | None: ...

    @abc.abstractmethod
    def add(self, membership: TeamMembership) -> None: ...

    @abc.abstractmethod
    def remove(self, membership: TeamMembership) -> None: ...

    @abc.abstractmethod
    def replace(
        self, team_id: str, source: MemberSource, user_ids: frozenset[str], *, now: datetime
    ) -> bool:
        """Make the team's members of this source exactly `user_ids`; True if that
        changed anyone's."""


class SavedReplies(abc.ABC):
    """The saved replies teams keep in the database (the desk file's are config)."""

    @abc.abstractmethod
    def of_teams(self, team_ids: Sequence[str]) -> list[SavedReply]:
        """The teams' replies, oldest first."""

    @abc.abstractmethod
    def get(self, reply_id: int) -> SavedReply | None: ...

    @abc.abstractmethod
    def add(self, reply: SavedReply) -> None: ...

    @abc.abstractmethod
    def remove(self, reply: SavedReply) -> None: ...


class RequestLog(abc.ABC):
    """Idempotency keys of requests already carried out (event IDs, modal submissions)."""

    @abc.abstractmethod
    def seen(self, key: str) -> bool: ...

    @abc.abstractmethod
    def ticket_of(self, key: str) -> int | None:
        """The ticket the request made or changed, if it was carried out and made one."""

    @abc.abstractmethod
    def record(self, key: str, *, ticket_id: int | None, at: datetime) -> None: ...


class PeopleRepository(abc.ABC):
    """What the help desk remembers of people beside their tickets: names, App Homes."""

    @abc.abstractmethod
    def remember_name(self, user_id: str, name: str, *, at: datetime) -> None:
        """Store the name the person was seen with, replacing an older one."""

    @abc.abstractmethod
    def home_opened(self, user_id: str, *, at: datetime) -> None:
        """Record that the person looked at their App Home."""

    @abc.abstractmethod
    def save_queue_view(self, user_id: str, view: QueueView, *, at: datetime) -> None:
        """Remember the queue the person chose on their App Home, replacing the last."""


class IntakeAllowances(abc.ABC):
    """The per-person rate of tickets opened from other people's messages: a count per
    fixed window, taken inside the opening's transaction, so a refused or failed opening
    uses none of it."""

    @abc.abstractmethod
    def take(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        """Count one more ticket for the person; False (nothing counted) if their window
        is full. Two takes at once never both get the last one."""

    @abc.abstractmethod
    def left(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> int:
        """How many the person may still open in their current window."""

    @abc.abstractmethod
    def first_refusal(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        """Record that the person was refused; True only for the first refusal of their
        current window (then they are told, after it not again)."""


@dataclass(frozen=True)
class ApprovalState:
    """A ticket's approval as stored: whom it was asked of, and the decision, if made."""

    ticket_id: int
    approvers: tuple[str, ...]
    requested_at: datetime
    decided_by: str | None = None
    approved: bool | None = None
    decided_at: datetime | None = None
    reason: str | None = None

    @property
    def approver_ids(self) -> frozenset[str]:
        return frozenset(self.approvers)


class ApprovalBook(abc.ABC):
    """The tickets' approvals, and the members of the user groups named as approvers."""

    @abc.abstractmethod
    def request(self, ticket_id: int, approvers: Sequence[str], *, now: datetime) -> None: ...

    @abc.abstractmethod
    def get(self, ticket_id: int) -> ApprovalState | None: ...

    @abc.abstractmethod
    def decide(
        self,
        ticket_id: int,
        *,
        by: str,
        approved: bool,
        reason: str | None,
        now: datetime,
        waited: float,
    ) -> bool:
        """Record the decision unless one is recorded already, in one conditional
        UPDATE: True for the first decision, False for any later one."""

    @abc.abstractmethod
    def group_members(self, usergroup: str) -> frozenset[str]: ...

    @abc.abstractmethod
    def replace_group(self, usergroup: str, user_ids: frozenset[str]) -> bool:
        """The user group's members become `user_ids`; True if that changed anyone."""
