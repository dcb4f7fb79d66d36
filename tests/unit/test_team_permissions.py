"""The team rule against the in-memory fakes: the role × team × action matrix as the
permission table says (`tests/team_matrix.py`), and the rule's parts on their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import (
    EVERY_TEAM,
    NO_TEAM,
    Action,
    Actor,
    TeamScope,
    authorize,
    authorize_team,
)
from flashticket_core.errors import InvalidInput, NotAllowed, NotFound
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, SUPPORT
from tests.fakes_core import FakeReads, FakeUnitOfWork
from tests.team_matrix import TEAM_CASES, TeamCase, attempt, structure

NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)


def team_desk(uow: FakeUnitOfWork) -> HelpDesk:
    env = Environment(
        units=uow,
        reads=FakeReads(uow),
        configured_admins=frozenset({ADMIN}),
        clock=lambda: NOW,
        structure=structure(),
        default_team="it",
    )
    return HelpDesk.over(env)


def move_in_memory(uow: FakeUnitOfWork) -> object:
    def move(desk: HelpDesk, first: int, team: str) -> None:
        for ticket_id, ticket in uow.tickets.tickets.items():
            if ticket_id >= first:
                ticket.team_id = team

    return move


@pytest.mark.parametrize("case", TEAM_CASES, ids=str)
def test_the_team_rule_picks_the_row_of_the_table(case: TeamCase) -> None:
    uow = FakeUnitOfWork()
    desk = team_desk(uow)
    trying = attempt(case, desk, move_in_memory(uow))  # type: ignore[arg-type]
    commits, published = uow.commits, list(uow.published)
    if case.allowed:
        assert trying() is not False
        return
    refusal = case.refusal
    if refusal is None:
        assert trying() is False
    else:
        with pytest.raises(refusal):
            trying()
    assert (uow.commits, uow.published) == (commits, published)


class Ticket:
    def __init__(self, team_id: str, reporter_id: str = "UCAROL0001") -> None:
        self.id, self.team_id, self.reporter_id = 7, team_id, reporter_id
        self.follower_ids: frozenset[str] = frozenset()


PRIVATE = frozenset({"hr"})


def test_a_member_is_support_in_their_team_alone() -> None:
    member = Actor(ALICE, Role.USER, frozenset({"it"}), PRIVATE)
    authorize(member, Action.ASSIGN, Ticket("it"))
    with pytest.raises(NotFound):
        authorize(member, Action.ASSIGN, Ticket("fac"))
    assert member.visible_teams(Action.FILTER_OTHERS) == TeamScope(only=frozenset({"it"}))
    assert member.may(Action.FILTER_OTHERS)  # in some team


def test_global_support_sees_every_team_but_the_private_ones_they_are_outside_of() -> None:
    support = Actor(SUPPORT, Role.SUPPORT, frozenset(), PRIVATE)
    authorize(support, Action.SUPPORT_REPLY, Ticket("fac"))
    with pytest.raises(NotFound):
        authorize(support, Action.VIEW_TICKET, Ticket("hr"))
    authorize(support, Action.VIEW_TICKET, Ticket("hr", reporter_id=SUPPORT))  # their own
    assert support.visible_teams() == TeamScope(excluded=PRIVATE)
    assert not support.visible_teams().covers("hr")
    assert support.visible_teams().covers("it")
    assert not support.knows_team("hr")
    member = Actor(SUPPORT, Role.SUPPORT, PRIVATE, PRIVATE)
    assert member.visible_teams() == EVERY_TEAM
    assert member.knows_team("hr")


def test_administrators_see_everything_everywhere() -> None:
    admin = Actor(ADMIN, Role.ADMIN, frozenset(), PRIVATE)
    authorize(admin, Action.DELETE, Ticket("hr"))
    assert admin.visible_teams(Action.EXPORT) == EVERY_TEAM
    assert admin.knows_team("hr")


def test_a_plain_user_sees_no_team_and_may_not_filter_a_teams_queue() -> None:
    user = Actor(ALICE, Role.USER, frozenset(), PRIVATE)
    assert user.visible_teams() == NO_TEAM
    assert NO_TEAM.nothing
    assert not EVERY_TEAM.nothing
    with pytest.raises(NotAllowed):
        authorize_team(user, Action.FILTER_OTHERS, "it")
    member = Actor(ALICE, Role.USER, frozenset({"it"}), PRIVATE)
    authorize_team(member, Action.FILTER_OTHERS, "it")
    with pytest.raises(NotAllowed):
        authorize_team(member, Action.FILTER_OTHERS, "fac")


def test_grant_and_revoke_in_a_team_on_the_fakes() -> None:
    uow = FakeUnitOfWork()
    desk = team_desk(uow)
    assert desk.roles.grant_team(ADMIN, ALICE, "it") is True
    assert desk.roles.grant_team(ADMIN, ALICE, "it") is False
    assert desk.roles.actor_of(ALICE).teams == frozenset({"it"})
    with pytest.raises(InvalidInput) as unknown:
        desk.roles.grant_team(ADMIN, ALICE, "nope")
    assert unknown.value.key == "error.unknown_team"
    with pytest.raises(NotAllowed):
        desk.roles.grant_team(ALICE, ALICE, "fac")
    assert desk.roles.revoke_team(ADMIN, ALICE, "it") is True
    assert desk.roles.revoke_team(ADMIN, ALICE, "it") is False
    assert desk.roles.actor_of(ALICE).teams == frozenset()
