"""Repositories: load and add aggregates. They never commit; the unit of work does."""

from __future__ import annotations

import abc

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import ProcessedRequest, RoleAssignment, RoleChange, Ticket


class TicketRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, ticket: Ticket) -> None: ...

    @abc.abstractmethod
    def get(self, ticket_id: int) -> Ticket | None:
        """The ticket, or None if it does not exist or was deleted."""


class RoleRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, user_id: str) -> RoleAssignment | None: ...

    @abc.abstractmethod
    def add(self, assignment: RoleAssignment) -> None: ...

    @abc.abstractmethod
    def remove(self, assignment: RoleAssignment) -> None: ...

    @abc.abstractmethod
    def all(self) -> list[RoleAssignment]: ...

    @abc.abstractmethod
    def record(self, change: RoleChange) -> None: ...


class RequestLog(abc.ABC):
    """Idempotency keys of requests already carried out (event IDs, modal submissions)."""

    @abc.abstractmethod
    def get(self, key: str) -> ProcessedRequest | None: ...

    @abc.abstractmethod
    def add(self, request: ProcessedRequest) -> None: ...


class SqlTicketRepository(TicketRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def get(self, ticket_id: int) -> Ticket | None:
        return self.session.scalars(
            select(Ticket).where(Ticket.id == ticket_id, Ticket.deleted_at.is_(None))
        ).one_or_none()


class SqlRoleRepository(RoleRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: str) -> RoleAssignment | None:
        return self.session.get(RoleAssignment, user_id)

    def add(self, assignment: RoleAssignment) -> None:
        self.session.add(assignment)

    def remove(self, assignment: RoleAssignment) -> None:
        self.session.delete(assignment)

    def all(self) -> list[RoleAssignment]:
        return list(self.session.scalars(select(RoleAssignment).order_by(RoleAssignment.user_id)))

    def record(self, change: RoleChange) -> None:
        self.session.add(change)


class SqlRequestLog(RequestLog):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> ProcessedRequest | None:
        return self.session.get(ProcessedRequest, key)

    def add(self, request: ProcessedRequest) -> None:
        self.session.add(request)


def role_of(assignment: RoleAssignment | None) -> Role:
    return Role.USER if assignment is None else assignment.role
