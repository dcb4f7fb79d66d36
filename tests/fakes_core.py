"""In-memory fakes of the core's own interfaces (cosmicpython's FakeUnitOfWork)."""

from __future__ import annotations

from flashticket_core.adapters.repository import RequestLog, RoleRepository, TicketRepository
from flashticket_core.domain.model import ProcessedRequest, RoleAssignment, RoleChange, Ticket
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork


class FakeTicketRepository(TicketRepository):
    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.pending: list[Ticket] = []

    def add(self, ticket: Ticket) -> None:
        self.pending.append(ticket)

    def get(self, ticket_id: int) -> Ticket | None:
        ticket = self.tickets.get(ticket_id)
        return None if ticket is None or ticket.deleted_at is not None else ticket


class FakeRoleRepository(RoleRepository):
    def __init__(self) -> None:
        self.assignments: dict[str, RoleAssignment] = {}
        self.changes: list[RoleChange] = []

    def get(self, user_id: str) -> RoleAssignment | None:
        return self.assignments.get(user_id)

    def add(self, assignment: RoleAssignment) -> None:
        self.assignments[assignment.user_id] = assignment

    def remove(self, assignment: RoleAssignment) -> None:
        del self.assignments[assignment.user_id]

    def all(self) -> list[RoleAssignment]:
        return sorted(self.assignments.values(), key=lambda a: a.user_id)

    def record(self, change: RoleChange) -> None:
        self.changes.append(change)


class FakeRequestLog(RequestLog):
    def __init__(self) -> None:
        self.requests: dict[str, ProcessedRequest] = {}

    def get(self, key: str) -> ProcessedRequest | None:
        return self.requests.get(key)

    def add(self, request: ProcessedRequest) -> None:
        self.requests[request.key] = request


class FakeUnitOfWork(AbstractUnitOfWork):
    """Shared by every unit the service opens, like one database."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets: FakeTicketRepository = FakeTicketRepository()
        self.roles: FakeRoleRepository = FakeRoleRepository()
        self.requests: FakeRequestLog = FakeRequestLog()
        self.commits = 0
        self.published: list[object] = []

    def __call__(self, write: bool = True) -> FakeUnitOfWork:
        return self

    def flush(self) -> None:
        for ticket in self.tickets.pending:
            ticket.id = len(self.tickets.tickets) + 1
            self.tickets.tickets[ticket.id] = ticket
        self.tickets.pending.clear()

    def commit(self) -> None:
        self.flush()
        self.published.extend(self.events)
        self.commits += 1

    def rollback(self) -> None:
        self.tickets.pending.clear()
