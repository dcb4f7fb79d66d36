"""The permission table walked on SQLite and PostgreSQL: each case is allowed or refused
as `domain/permissions.py` says, and a refusal writes nothing to the database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from tests.permission_matrix import CASES, Case, attempt
from tests.snapshots import snapshot


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_table_decides(desk: HelpDesk, engine: Engine, case: Case) -> None:
    trying = attempt(case, desk)
    before = snapshot(engine)
    if case.allowed:
        assert trying() is not False
        return
    refusal = case.refusal
    if refusal is None:
        assert trying() is False
    else:
        with pytest.raises(refusal) as refused:
            trying()
        assert type(refused.value) is refusal
        assert refused.value.message(Language.EN) != refused.value.message(Language.DE)
    assert snapshot(engine) == before
