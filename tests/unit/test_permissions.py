"""The permission table walked against the in-memory fakes: the same cases as on the
databases, in milliseconds; a refusal commits nothing and raises no event."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import (
    PERMISSIONS,
    Action,
    Actor,
    IntakeLimit,
    authorize_entry_change,
    authorize_intake,
    authorize_role_change,
)
from flashticket_core.errors import IntakeLimited, NotAllowed
from flashticket_core.i18n import Language, translate
from tests.conftest import ADMIN, ALICE, SUPPORT
from tests.fakes_core import FakeUnitOfWork, fake_desk
from tests.permission_matrix import CASES, PROBES, Case, attempt


def test_every_action_has_a_row_a_label_and_a_probe() -> None:
    assert set(PROBES) == set(Action), "an action needs its probe in this file"
    for action in Action:
        assert set(PERMISSIONS[action]) == set(Role), action
        for language in Language:
            label = translate(f"action.{action.value}", language)
            assert not label.startswith("action."), (action, language)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_table_decides(case: Case) -> None:
    uow = FakeUnitOfWork()
    desk = fake_desk(uow, admin=ADMIN, support=SUPPORT, now=datetime(2026, 5, 4, 12, tzinfo=UTC))
    trying = attempt(case, desk)
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


# The rules beyond the table, each refused by this module alone.

ENTRY_OF_ALICE = SimpleNamespace(ticket_id=7, author_id=ALICE)


def test_an_entry_is_changed_by_its_author_alone_on_its_own_ticket() -> None:
    authorize_entry_change(ALICE, 7, ENTRY_OF_ALICE)
    for actor_id, ticket_id in [(SUPPORT, 7), (ADMIN, 7), (ALICE, 8)]:
        with pytest.raises(NotAllowed) as refused:
            authorize_entry_change(actor_id, ticket_id, ENTRY_OF_ALICE)
        assert refused.value.message(Language.EN) == NotAllowed("comment").message(Language.EN)


CONFIGURED = frozenset({ADMIN})
OTHER_ADMIN = Actor("UADMIN0002", Role.ADMIN)


@pytest.mark.parametrize(
    ("actor", "user_id", "role", "key"),
    [
        (Actor(ALICE, Role.USER), SUPPORT, Role.SUPPORT, "error.not_allowed"),
        (Actor(SUPPORT, Role.SUPPORT), ALICE, Role.SUPPORT, "error.not_allowed"),
        (OTHER_ADMIN, ADMIN, Role.SUPPORT, "error.configured_admin"),
        (Actor(ADMIN, Role.ADMIN), ADMIN, Role.USER, "error.configured_admin"),
        (OTHER_ADMIN, OTHER_ADMIN.user_id, Role.SUPPORT, "error.self_demotion"),
        (OTHER_ADMIN, OTHER_ADMIN.user_id, Role.USER, "error.self_demotion"),
    ],
)
def test_role_changes_the_table_and_its_two_rules_refuse(
    actor: Actor, user_id: str, role: Role, key: str
) -> None:
    with pytest.raises(NotAllowed) as refused:
        authorize_role_change(actor, user_id, role, configured_admins=CONFIGURED)
    assert refused.value.key == key
    assert refused.value.action == Action.MANAGE_ROLES


@pytest.mark.parametrize(
    ("user_id", "role"),
    [(SUPPORT, Role.SUPPORT), (SUPPORT, Role.USER), ("UADMIN0002", Role.ADMIN)],
)
def test_an_admin_changes_other_roles_and_keeps_their_own(user_id: str, role: Role) -> None:
    authorize_role_change(OTHER_ADMIN, user_id, role, configured_admins=CONFIGURED)


LIMIT = IntakeLimit(5, timedelta(minutes=10))


def test_the_intake_rate_refuses_beyond_it_and_tells_the_limit() -> None:
    alice = Actor(ALICE, Role.USER)
    authorize_intake(alice, LIMIT, lambda limit: True)
    authorize_intake(alice, None, lambda limit: False)
    with pytest.raises(IntakeLimited) as refused:
        authorize_intake(alice, LIMIT, lambda limit: limit is not LIMIT)
    assert refused.value.action == Action.OPEN_FOR_AUTHORS_UNLIMITED
    assert "5" in refused.value.message(Language.EN)
    assert "10" in refused.value.message(Language.DE)


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.ADMIN])
def test_the_help_desks_people_are_not_held_to_the_intake_rate(role: Role) -> None:
    def counted(limit: IntakeLimit) -> bool:
        raise AssertionError("the tally is not asked")

    authorize_intake(Actor(SUPPORT, role), LIMIT, counted)


def test_every_refusal_is_made_in_the_permission_module() -> None:
    """`NotAllowed` (and its kinds) is made beside the table only, so what a person may
    do is read in one place."""
    refusals = {NotAllowed.__name__} | {kind.__name__ for kind in NotAllowed.__subclasses__()}
    root = Path(__file__).resolve().parents[2]
    makers = {
        str(path.relative_to(root))
        for package in ("flashticket_core", "bot")
        for path in (root / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in refusals
    }
    assert makers == {"flashticket_core/domain/permissions.py"}
