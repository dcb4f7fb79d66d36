"""The rotation and the assignments a team's rule made, as a unit of work sees them
(`service_layer/assignment.py` says what they are for; the SQL is in
`adapters/sql_assignment.py`)."""

from __future__ import annotations

import abc
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WaitingAssignment:
    """An assignment by rule whose `reassign_after` ran out: it moves on now."""

    id: int
    ticket_id: int
    user_id: str


# Why the rule gave a ticket to someone after it gave it to someone else first.
NO_FIRST_RESPONSE = "no_first_response"


@dataclass(frozen=True)
class AssignmentFigures:
    """Who holds how many open tickets (most first), and how many tickets the teams'
    rules moved on for want of a first response in the period (`/ticket stats`)."""

    per_assignee: tuple[tuple[str, int], ...]
    reassignments: int


class AssignmentBook(abc.ABC):
    """The rotation and the rule's assignments as one unit of work sees them."""

    @abc.abstractmethod
    def members(self, team_id: str) -> tuple[str, ...]:
        """The team's members (the desk file's, its user group's, granted), each once,
        in a stable order (by id): the order of the round robin."""

    @abc.abstractmethod
    def take_turn(self, team_id: str) -> int:
        """The team's next turn number (0, 1, 2, …), each handed out once across every
        transaction and replica; the team's row stays locked until this one ends."""

    @abc.abstractmethod
    def open_counts(self, user_ids: Collection[str]) -> dict[str, int]:
        """How many open tickets each of `user_ids` holds (those holding none absent)."""

    @abc.abstractmethod
    def record(
        self,
        ticket_id: int,
        user_id: str,
        *,
        reason: str,
        at: datetime,
        reassign_at: datetime | None,
    ) -> None: ...

    @abc.abstractmethod
    def had(self, ticket_id: int) -> frozenset[str]:
        """Everyone the rule gave the ticket to before."""

    @abc.abstractmethod
    def claim_due(self, now: datetime, limit: int) -> list[WaitingAssignment]:
        """Assignments whose `reassign_at` is `now` or before, not yet passed on, held
        by this transaction until it ends (a concurrent job skips them)."""

    @abc.abstractmethod
    def passed(self, assignment_id: int, now: datetime) -> None:
        """The assignment waits no longer (it moved on, or needs not)."""
