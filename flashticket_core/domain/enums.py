"""The help desk's vocabulary: statuses, priorities, roles, conversation kinds."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"
    # A ticket of a request type with approvers, before one of them decides: in no
    # team's queue yet, no targets running (SPEC.md "Approvals").
    PENDING_APPROVAL = "pending_approval"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def label_key(self) -> str:
        return f"status.{self.value}"


# Waiting for approval is not open: nobody of the team can work it yet, so it is in no
# queue, no open-ticket figure and no target (it is listed by its own status filter).
OPEN_STATUSES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING})

# SPEC.md's lifecycle table, exactly.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    # Approved: into the team's queue; rejected: closed with the reason.
    Status.PENDING_APPROVAL: frozenset({Status.NEW, Status.CLOSED}),
}


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Sort key: high first."""
        return {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}[self]

    @property
    def label_key(self) -> str:
        return f"priority.{self.value}"


class Role(StrEnum):
    USER = "user"
    SUPPORT = "support"
    ADMIN = "admin"

    @property
    def label_key(self) -> str:
        return f"role.{self.value}"


class MemberSource(StrEnum):
    """Where a team membership comes from: the desk file's `members`, the team's Slack
    user group, or `/ticket-admin grant @x support <team>`."""

    DESK = "desk"
    USERGROUP = "usergroup"
    GRANT = "grant"


class EntryKind(StrEnum):
    SUPPORT_REPLY = "support_reply"
    REPORTER_REPLY = "reporter_reply"
    INTERNAL_NOTE = "internal_note"

    @property
    def label_key(self) -> str:
        return f"entry.{self.value}"


class FileDirection(StrEnum):
    """Which way a file travels: from the reporter to the team, or the other way."""

    TO_SUPPORT = "to_support"
    TO_REPORTER = "to_reporter"


class AssignmentRule(StrEnum):
    """How a team's new tickets get an assignee (the desk file's `assignment`): nobody
    (support takes them), each available member in turn, or whoever has fewest open."""

    NONE = "none"
    ROUND_ROBIN = "round_robin"
    LEAST_OPEN = "least_open"
