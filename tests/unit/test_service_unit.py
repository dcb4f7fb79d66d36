"""The help desk's rules with in-memory fakes: no database, so these run in microseconds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role, Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.errors import NotAllowed
from flashticket_core.service_layer.desk import HelpDesk
from tests.fakes_core import FakeUnitOfWork, fake_desk

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADMIN, SUPPORT, ALICE = "UADMIN", "USUPPORT", "UALICE"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def desk(uow: FakeUnitOfWork) -> HelpDesk:
    return fake_desk(uow, admin=ADMIN, support=SUPPORT, now=NOW)


def test_opening_commits_once_and_publishes_the_event(desk: HelpDesk, uow: FakeUnitOfWork) -> None:
    commits = uow.commits
    ticket = desk.tickets.open_ticket(ALICE, title="Keyboard")
    assert uow.commits == commits + 1
    assert uow.published[-1] == events.TicketOpened(actor_id=ALICE, ticket_id=ticket.id)


def test_take_publishes_assignee_and_status_changes(desk: HelpDesk, uow: FakeUnitOfWork) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="Keyboard")
    desk.tickets.take(SUPPORT, ticket.id)
    assert uow.published[-2:] == [
        events.AssigneeChanged(actor_id=SUPPORT, ticket_id=ticket.id, old=None, new=SUPPORT),
        events.StatusChanged(
            actor_id=SUPPORT,
            ticket_id=ticket.id,
            old=Status.NEW,
            new=Status.IN_PROGRESS,
            reporter_id=ALICE,
            assignee_id=SUPPORT,
        ),
    ]


def test_a_refused_change_never_commits(desk: HelpDesk, uow: FakeUnitOfWork) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="Keyboard")
    commits = uow.commits
    with pytest.raises(NotAllowed):
        desk.tickets.change_status(ALICE, ticket.id, Status.CLOSED)
    with pytest.raises(NotAllowed):
        desk.roles.grant(SUPPORT, ALICE, Role.ADMIN)
    assert uow.commits == commits
    assert uow.tickets.tickets[ticket.id].status is Status.NEW


def test_role_changes_are_audited_with_actor(desk: HelpDesk, uow: FakeUnitOfWork) -> None:
    desk.roles.grant(ADMIN, ALICE, Role.SUPPORT)
    desk.roles.revoke(ADMIN, ALICE)
    trail = [(c.user_id, c.old_role, c.new_role, c.actor_id) for c in uow.roles.changes]
    assert trail[-2:] == [
        (ALICE, Role.USER, Role.SUPPORT, ADMIN),
        (ALICE, Role.SUPPORT, Role.USER, ADMIN),
    ]
    assert ALICE not in uow.roles.assignments


def test_a_team_grant_is_audited_and_told_like_a_global_one(
    desk: HelpDesk, uow: FakeUnitOfWork
) -> None:
    """Without a desk file the desk is the one team `support`."""
    assert desk.roles.grant_team(ADMIN, ALICE, "support")
    assert not desk.roles.grant_team(ADMIN, ALICE, "support")  # nothing new, nothing kept
    assert desk.roles.revoke_team(ADMIN, ALICE, "Support")
    assert not desk.roles.revoke_team(ADMIN, ALICE, "support")
    trail = [(c.field, c.old, c.new, c.team) for c in desk.roles.role_history(ADMIN, ALICE)]
    assert trail == [
        (ALICE, Role.USER, Role.SUPPORT, "support"),
        (ALICE, Role.SUPPORT, Role.USER, "support"),
    ]
    told = [e for e in uow.published if isinstance(e, events.RoleChanged) and e.user_id == ALICE]
    assert told == [
        events.RoleChanged(ADMIN, ALICE, Role.USER, Role.SUPPORT, team_id="support"),
        events.RoleChanged(ADMIN, ALICE, Role.SUPPORT, Role.USER, team_id="support"),
    ]


BOB = "UBOB"
SOURCE = MessageSource("C0GENERAL1", "1700000000.000200", "1700000000.000100")


def test_a_ticket_from_a_message_is_the_authors_and_names_who_opened_it(
    desk: HelpDesk, uow: FakeUnitOfWork
) -> None:
    ticket = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=SOURCE)
    assert ticket.reporter_id == ALICE
    assert uow.published[-1] == events.TicketOpened(
        actor_id=BOB,
        ticket_id=ticket.id,
        reporter_id=ALICE,
        source_channel=SOURCE.channel,
        source_thread_ts=SOURCE.thread_ts,
        source_ts=SOURCE.ts,
    )
    # The reporter sees it as their own.
    assert desk.queries.show(ALICE, ticket.id).ticket.id == ticket.id


def test_a_message_makes_one_ticket(desk: HelpDesk, uow: FakeUnitOfWork) -> None:
    first = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=SOURCE)
    published = len(uow.published)
    again = desk.tickets.open_ticket(SUPPORT, title="VPN!", reporter_id=ALICE, source=SOURCE)
    assert again.id == first.id
    assert len(uow.published) == published
    assert desk.tickets.ticket_of_message(SOURCE) == first.id
    other = MessageSource(SOURCE.channel, "1700000000.000300", "1700000000.000300")
    assert desk.tickets.ticket_of_message(other) is None
