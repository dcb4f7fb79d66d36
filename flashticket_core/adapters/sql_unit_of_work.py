"""The unit of work in SQL: one write transaction of the database, its repositories, and
a commit that runs its steps (the timers, the outbox: `commit_steps`) on the events
raised inside that transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from flashticket_core import metrics
from flashticket_core.adapters.db import Database
from flashticket_core.adapters.repository import (
    SqlIntakeAllowances,
    SqlPeopleRepository,
    SqlRequestLog,
    SqlRoleRepository,
    SqlTeamMembers,
    SqlTicketRepository,
)
from flashticket_core.adapters.sql_approvals import SqlApprovalBook
from flashticket_core.adapters.sql_assignment import SqlAssignmentBook
from flashticket_core.adapters.sql_outbox import SqlMessageQueue
from flashticket_core.adapters.sql_saved_replies import SqlSavedReplies
from flashticket_core.adapters.sql_timers import SqlTimerBook
from flashticket_core.domain.events import TicketOpened
from flashticket_core.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    CommitStep,
    ConcurrentUpdate,
)


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        database: Database,
        *,
        steps: Sequence[CommitStep],
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.steps = tuple(steps)
        self.after_commit = after_commit

    def __enter__(self) -> Self:
        super().__enter__()
        self.session = self.database.writer()
        self.tickets = SqlTicketRepository(self.session)
        self.roles = SqlRoleRepository(self.session)
        self.members = SqlTeamMembers(self.session)
        self.replies = SqlSavedReplies(self.session)
        self.requests = SqlRequestLog(self.session)
        self.people = SqlPeopleRepository(self.session)
        self.messages = SqlMessageQueue(self.session)
        self.timers = SqlTimerBook(self.session)
        self.allowances = SqlIntakeAllowances(self.session)
        self.assignments = SqlAssignmentBook(self.session)
        self.approvals = SqlApprovalBook(self.session)
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
        """Flush, run the steps on the events raised, commit: one transaction."""
        try:
            self.session.flush()
            self.events = self.collect_events()
            if self.events:
                for step in self.steps:
                    step.run(self, self.events)
            self.session.commit()
        except StaleDataError as error:
            raise ConcurrentUpdate() from error
        except (IntegrityError, OperationalError) as error:
            if _is_serialization_failure(error):
                raise ConcurrentUpdate() from error
            raise
        metrics.count_tickets_opened(sum(isinstance(e, TicketOpened) for e in self.events))
        if self.after_commit is not None and self.events:
            self.after_commit()

    def rollback(self) -> None:
        self.session.rollback()


def _is_serialization_failure(error: Exception) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    # 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation
    # (two first-time role grants racing on one user).
    return code in {"40001", "40P01", "23505"}
