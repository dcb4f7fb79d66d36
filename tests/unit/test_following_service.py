"""Followers and tickets on behalf of someone in the core, on the in-memory fakes: the
people kept informed are each kept once and never the reporter, at most ten; only
support and admins name someone else as the reporter; the reporter cannot follow their
own ticket, and nobody stops following what they do not follow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashticket_core.domain.model import FOLLOWERS_MAX
from flashticket_core.errors import InvalidInput, NotAllowed
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT
from tests.fakes_core import FakeUnitOfWork, fake_desk

CAROL = "UCAROL0001"


@pytest.fixture
def desk() -> HelpDesk:
    return fake_desk(
        FakeUnitOfWork(), admin=ADMIN, support=SUPPORT, now=datetime(2026, 5, 4, 12, tzinfo=UTC)
    )


def test_people_kept_informed_are_each_kept_once_and_never_the_reporter(desk: HelpDesk) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="VPN", followers=[BOB, ALICE, BOB, CAROL])
    assert desk.queries.show(ALICE, ticket.id).ticket.followers == (BOB, CAROL)


def test_at_most_ten_people_are_kept_informed(desk: HelpDesk) -> None:
    many = [f"UPERSON{n:03d}" for n in range(FOLLOWERS_MAX + 1)]
    with pytest.raises(InvalidInput) as refused:
        desk.tickets.open_ticket(ALICE, title="VPN", followers=many)
    assert refused.value.field == "followers"
    desk.tickets.open_ticket(ALICE, title="VPN", followers=many[:FOLLOWERS_MAX])


def test_only_support_and_admins_open_a_ticket_on_behalf_of_someone(desk: HelpDesk) -> None:
    with pytest.raises(NotAllowed):
        desk.tickets.open_ticket(ALICE, title="Forged", on_behalf_of=BOB)
    for opener in (SUPPORT, ADMIN):
        ticket = desk.tickets.open_ticket(opener, title="Login", on_behalf_of=ALICE)
        assert ticket.reporter_id == ALICE
    # Naming oneself is one's own ticket.
    assert desk.tickets.open_ticket(ALICE, title="Mine", on_behalf_of=ALICE).reporter_id == ALICE


def test_the_reporter_does_not_follow_and_nobody_stops_what_they_do_not_follow(
    desk: HelpDesk,
) -> None:
    ticket = desk.tickets.open_ticket(SUPPORT, title="Printer")
    with pytest.raises(InvalidInput) as reporter:
        desk.following.follow(SUPPORT, ticket.id)
    assert reporter.value.key == "error.follow_reporter"
    with pytest.raises(InvalidInput) as nothing:
        desk.following.unfollow(ADMIN, ticket.id)
    assert nothing.value.key == "error.not_following"
    assert desk.following.follow(ADMIN, ticket.id)[1] is True
    assert desk.following.follow(ADMIN, ticket.id)[1] is False
    desk.following.unfollow(ADMIN, ticket.id)
    assert desk.queries.show(ADMIN, ticket.id).ticket.followers == ()
