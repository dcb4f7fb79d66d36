"""Unit of work: `with uow: ...; uow.commit()`; leaving the block without commit rolls back."""

from __future__ import annotations

import abc
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from flashticket_core.adapters.db import WRITE_TRANSACTION
from flashticket_core.adapters.repository import (
    RequestLog,
    RoleRepository,
    SqlRequestLog,
    SqlRoleRepository,
    SqlTicketRepository,
    TicketRepository,
)
from flashticket_core.domain.events import Event


class ConcurrentUpdate(Exception):
    """Another transaction changed the same row first; the caller maps this to Conflict."""


# Called with the open session and this unit's events just before commit, so
# whatever the events cause (outbox rows) is written in the same transaction.
EventSink = Callable[[Session, list[Event]], None]


class AbstractUnitOfWork(abc.ABC):
    tickets: TicketRepository
    roles: RoleRepository
    requests: RequestLog

    def __init__(self) -> None:
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

    def publish(self, event: Event) -> None:
        self.events.append(event)

    @abc.abstractmethod
    def flush(self) -> None:
        """Write pending changes so generated ids are known."""

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = True) -> AbstractUnitOfWork: ...


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        write: bool = True,
        event_sink: EventSink | None = None,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.session_factory = session_factory
        self.write = write
        self.event_sink = event_sink
        self.after_commit = after_commit

    def __enter__(self) -> Self:
        super().__enter__()
        self.session = self.session_factory()
        if self.write:
            self.session.connection(execution_options={WRITE_TRANSACTION: True})
        self.tickets = SqlTicketRepository(self.session)
        self.roles = SqlRoleRepository(self.session)
        self.requests = SqlRequestLog(self.session)
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
        try:
            if self.event_sink is not None and self.events:
                self.event_sink(self.session, list(self.events))
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


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
