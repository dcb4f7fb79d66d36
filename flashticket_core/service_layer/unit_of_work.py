"""Unit of work: `with uow: ...; uow.commit()`; leaving the block without commit rolls back.

The domain raises the events (a ticket records what happened to it, a role change is
one); the unit of work collects them from what its repositories handed out, and its
commit runs `commit_steps` on them, in order, in the same transaction as the change:
the timers, then the outbox (`adapters/sql_unit_of_work.py` does it in SQL).
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from flashticket_core.domain.events import Event
from flashticket_core.service_layer.assignment_book import AssignmentBook
from flashticket_core.service_layer.outbox import MessageQueue
from flashticket_core.service_layer.outbox_writer import Outbox
from flashticket_core.service_layer.repositories import (
    ApprovalBook,
    IntakeAllowances,
    PeopleRepository,
    RequestLog,
    RoleRepository,
    SavedReplies,
    TeamMembers,
    TicketRepository,
)
from flashticket_core.service_layer.timers import ClockPolicy, TeamClocks, TimerBook, TimerWriter


class ConcurrentUpdate(Exception):
    """Another transaction changed the same row first; the caller maps this to Conflict."""


class AbstractUnitOfWork(abc.ABC):
    tickets: TicketRepository
    roles: RoleRepository
    members: TeamMembers
    replies: SavedReplies
    requests: RequestLog
    people: PeopleRepository
    messages: MessageQueue
    timers: TimerBook
    allowances: IntakeAllowances
    assignments: AssignmentBook
    approvals: ApprovalBook

    def __init__(self) -> None:
        # What the last commit carried out, in the order it happened.
        self.events: list[Event] = []

    def __enter__(self) -> Self:
        self.events = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def collect_events(self) -> list[Event]:
        """The events the domain raised on everything this unit loaded or added."""
        return [*self.tickets.collect_events(), *self.roles.collect_events()]

    @abc.abstractmethod
    def flush(self) -> None:
        """Write pending changes so generated ids are known."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Flush, collect the events, run `commit_steps` on them (1. timers 2. outbox),
        commit the transaction, then tell the listeners of the commit."""

    @abc.abstractmethod
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> AbstractUnitOfWork: ...


@dataclass(frozen=True)
class CommitStep:
    """One thing a commit does inside its transaction, with the unit's repositories and
    the events of the commit."""

    name: str
    run: Callable[[AbstractUnitOfWork, list[Event]], None]


def commit_steps(
    policy: ClockPolicy | TeamClocks,
    clock: Callable[[], datetime],
    configured_admins: frozenset[str] = frozenset(),
) -> tuple[CommitStep, ...]:
    """What `commit()` runs inside its transaction, in this order, once the changes are
    flushed and their events collected (a commit without events runs none):

    1. timers: the targets and timers of the tickets the events touched are brought up
       to date, each on its team's clock (`TimerWriter`, service_layer/timers.py); a
       card whose target the change met, where no event updates it anyway, is queued
       for an update.
    2. outbox: the messages the events cause are planned (`Outbox`, service_layer/
       outbox.py) and queued as outbox rows.

    Then the transaction commits, and the listeners of the commit are told (the
    delivery worker wakes)."""
    timers = TimerWriter(policy, clock)
    outbox = Outbox(clock, configured_admins)

    def write_timers(uow: AbstractUnitOfWork, events: list[Event]) -> None:
        timers(uow.tickets, uow.timers, events, uow.messages)

    def write_outbox(uow: AbstractUnitOfWork, events: list[Event]) -> None:
        outbox(uow.messages, events)

    return (CommitStep("timers", write_timers), CommitStep("outbox", write_outbox))
