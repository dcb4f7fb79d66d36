"""The permission table walked against the in-memory fakes: the same cases as on the
databases, in milliseconds; a refusal commits nothing and raises no event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import PERMISSIONS, Action
from flashticket_core.i18n import Language, translate
from tests.conftest import ADMIN, SUPPORT
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
