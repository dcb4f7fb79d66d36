"""Unit of work: `with uow: ...; uow.commit()`; leaving the block without commit rolls back.

The domain raises the events (a ticket records what happened to it, a role change is
one); the unit of work collects them from what its repositories handed out, and its
commit writes the outbox rows those events cause in the same transaction as the change.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.repository import (
    PeopleRepository,
    RequestLog,
    RoleRepository,
    SqlPeopleRepository,
    SqlRequestLog,
    SqlRoleRepository,
    SqlTicketRepository,
    TicketRepository,
)
from flashticket_core.adapters.sql_outbox import SqlMessageQueue
from flashticket_core.domain.events import Event
from flashticket_core.service_layer.outbox import MessageQueue


class ConcurrentUpdate(Exception):
    """Another transaction changed the same row first; the caller maps this to Conflict."""


class OutboxWriter(Protocol):
    """Writes the messages a commit's events cause, inside that commit's transaction."""

    def __call__(self, messages: MessageQueue, events: list[Event]) -> None: ...


class AbstractUnitOfWork(abc.ABC):
    tickets: TicketRepository
    roles: RoleRepository
    requests: RequestLog
    people: PeopleRepository
    messages: MessageQueue

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


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        database: Database,
        *,
        outbox: OutboxWriter,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.outbox = outbox
        self.after_commit = after_commit

    def __enter__(self) -> Self:
        super().__enter__()
        self.session = self.database.writer()
        self.tickets = SqlTicketRepository(self.session)
        self.roles = SqlRoleRepository(self.session)
        self.requests = SqlRequestLog(self.session)
        self.people = SqlPeopleRepository(self.session)
        self.messages = SqlMessageQueue(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            self.session.close()

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as error:
            raise ConcurrentUpdate() from error

    def commit(self) -> None:
        """Flush, write the outbox rows of the events raised, commit: one transaction."""
        try:
            self.session.flush()
            self.events = self.collect_events()
            if self.events:
                self.outbox(self.messages, self.events)
            self.session.commit()
        except StaleDataError as error:
            raise ConcurrentUpdate() from error
        except (IntegrityError, OperationalError) as error:
            if _is_serialization_failure(error):
                raise ConcurrentUpdate() from error
            raise
        if self.after_commit is not None and self.events:
            self.after_commit()

    def rollback(self) -> None:
        self.session.rollback()


def _is_serialization_failure(error: Exception) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    # 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation
    # (two first-time role grants racing on one user).
    return code in {"40001", "40P01", "23505"}
