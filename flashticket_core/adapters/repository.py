"""Repositories: load and add aggregates. They never commit; the unit of work does.

Each remembers what it handed out, so the unit of work can collect the events the
domain raised on it.
"""

from __future__ import annotations

import abc

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.adapters.tables import HomeViewer, Person, ProcessedRequest
from flashticket_core.domain.enums import Role
from flashticket_core.domain.events import Event
from flashticket_core.domain.model import RoleAssignment, RoleChange, Ticket


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

    @abc.abstractmethod
    def _add(self, ticket: Ticket) -> None: ...

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


class RequestLog(abc.ABC):
    """Idempotency keys of requests already carried out (event IDs, modal submissions)."""

    @abc.abstractmethod
    def get(self, key: str) -> ProcessedRequest | None: ...

    @abc.abstractmethod
    def add(self, request: ProcessedRequest) -> None: ...


class PeopleRepository(abc.ABC):
    """What the help desk remembers of people beside their tickets: names, App Homes."""

    @abc.abstractmethod
    def name(self, user_id: str) -> Person | None: ...

    @abc.abstractmethod
    def add_name(self, person: Person) -> None: ...

    @abc.abstractmethod
    def home_viewer(self, user_id: str) -> HomeViewer | None: ...

    @abc.abstractmethod
    def add_home_viewer(self, viewer: HomeViewer) -> None: ...


class SqlTicketRepository(TicketRepository):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def _add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def _get(self, ticket_id: int) -> Ticket | None:
        return self.session.scalars(
            select(Ticket).where(Ticket.id == ticket_id, Ticket.deleted_at.is_(None))
        ).one_or_none()


class SqlRoleRepository(RoleRepository):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def get(self, user_id: str) -> RoleAssignment | None:
        return self.session.get(RoleAssignment, user_id)

    def add(self, assignment: RoleAssignment) -> None:
        self.session.add(assignment)

    def remove(self, assignment: RoleAssignment) -> None:
        self.session.delete(assignment)

    def _record(self, change: RoleChange) -> None:
        self.session.add(change)


class SqlRequestLog(RequestLog):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> ProcessedRequest | None:
        return self.session.get(ProcessedRequest, key)

    def add(self, request: ProcessedRequest) -> None:
        self.session.add(request)


class SqlPeopleRepository(PeopleRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def name(self, user_id: str) -> Person | None:
        return self.session.get(Person, user_id)

    def add_name(self, person: Person) -> None:
        self.session.add(person)

    def home_viewer(self, user_id: str) -> HomeViewer | None:
        return self.session.get(HomeViewer, user_id)

    def add_home_viewer(self, viewer: HomeViewer) -> None:
        self.session.add(viewer)
