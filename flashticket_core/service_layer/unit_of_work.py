"""Unit of work: `with uow: ...; uow.commit()`; leaving the block without commit rolls back.

The domain raises the events (a ticket records what happened to it, a role change is
one); the unit of work collects them from what its repositories handed out, and its
commit writes the outbox rows those events cause in the same transaction as the change
(`adapters/sql_unit_of_work.py` does it in SQL).
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Protocol, Self

from flashticket_core.domain.events import Event
from flashticket_core.service_layer.outbox import MessageQueue
from flashticket_core.service_layer.repositories import (
    IntakeAllowances,
    PeopleRepository,
    RequestLog,
    RoleRepository,
    TicketRepository,
)
from flashticket_core.service_layer.timers import TimerBook


class ConcurrentUpdate(Exception):
    """Another transaction changed the same row first; the caller maps this to Conflict."""


class OutboxWriter(Protocol):
    """Writes the messages a commit's events cause, inside that commit's transaction."""

    def __call__(self, messages: MessageQueue, events: list[Event]) -> None: ...


class TimersWriter(Protocol):
    """Brings the targets and timers of the tickets a commit's events touched up to date,
    inside that commit's transaction; a card whose targets changed where no event of
    the commit updates it anyway is queued for an update in `messages`."""

    def __call__(
        self,
        tickets: TicketRepository,
        book: TimerBook,
        event_list: list[Event],
        messages: MessageQueue,
    ) -> None: ...


class AbstractUnitOfWork(abc.ABC):
    tickets: TicketRepository
    roles: RoleRepository
    requests: RequestLog
    people: PeopleRepository
    messages: MessageQueue
    timers: TimerBook
    allowances: IntakeAllowances

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
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> AbstractUnitOfWork: ...
