"""The service's rules with in-memory fakes: no database, so these run in microseconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role, Status
from flashticket_core.errors import NotAllowed
from flashticket_core.service_layer.services import TicketService
from tests.fakes_core import FakeUnitOfWork

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADMIN, SUPPORT, ALICE = "UADMIN", "USUPPORT", "UALICE"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow: FakeUnitOfWork) -> TicketService:
    no_reads = cast(Any, None)  # these tests only write
    service = TicketService(uow, no_reads, configured_admins=frozenset({ADMIN}), clock=lambda: NOW)
    service.grant(ADMIN, SUPPORT, Role.SUPPORT)
    return service


def test_opening_commits_once_and_publishes_the_event(
    service: TicketService, uow: FakeUnitOfWork
) -> None:
    commits = uow.commits
    ticket = service.open_ticket(ALICE, title="Keyboard")
    assert uow.commits == commits + 1
    assert uow.published[-1] == events.TicketOpened(actor_id=ALICE, ticket_id=ticket.id)


def test_take_publishes_assignee_and_status_changes(
    service: TicketService, uow: FakeUnitOfWork
) -> None:
    ticket = service.open_ticket(ALICE, title="Keyboard")
    service.take(SUPPORT, ticket.id)
    assert uow.published[-2:] == [
        events.AssigneeChanged(actor_id=SUPPORT, ticket_id=ticket.id, old=None, new=SUPPORT),
        events.StatusChanged(
            actor_id=SUPPORT, ticket_id=ticket.id, old=Status.NEW, new=Status.IN_PROGRESS
        ),
    ]


def test_a_refused_change_never_commits(service: TicketService, uow: FakeUnitOfWork) -> None:
    ticket = service.open_ticket(ALICE, title="Keyboard")
    commits = uow.commits
    with pytest.raises(NotAllowed):
        service.change_status(ALICE, ticket.id, Status.CLOSED)
    with pytest.raises(NotAllowed):
        service.grant(SUPPORT, ALICE, Role.ADMIN)
    assert uow.commits == commits
    assert uow.tickets.tickets[ticket.id].status is Status.NEW


def test_role_changes_are_audited_with_actor(service: TicketService, uow: FakeUnitOfWork) -> None:
    service.grant(ADMIN, ALICE, Role.SUPPORT)
    service.revoke(ADMIN, ALICE)
    trail = [(c.user_id, c.old_role, c.new_role, c.actor_id) for c in uow.roles.changes]
    assert trail[-2:] == [
        (ALICE, Role.USER, Role.SUPPORT, ADMIN),
        (ALICE, Role.SUPPORT, Role.USER, ADMIN),
    ]
    assert ALICE not in uow.roles.assignments
