"""A grant or revoke of support in one team on both databases: its row of the role
audit trail names the team, its DM is written with the change, and the person's App
Home is refreshed, once per burst, and again after a refresh a worker is sending
already (which may have read the Home before the change)."""

from __future__ import annotations

import json

from sqlalchemy import text

from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Role
from tests.conftest import ADMIN, ALICE


def outbox(core: Core, kind: str) -> list[tuple[str, dict[str, str]]]:
    with core.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT recipient, payload FROM outbox_messages WHERE kind = :kind ORDER BY id"),
            {"kind": kind},
        )
        return [(str(row[0]), json.loads(row[1])) for row in rows]


def test_the_audit_row_the_dm_and_the_home_refresh(core: Core) -> None:
    desk = core.desk
    desk.people.home_opened(ALICE)
    assert desk.roles.grant_team(ADMIN, ALICE, "support")
    trail = [(c.field, c.old, c.new, c.team, c.actor_id) for c in desk.roles.role_history(ADMIN)]
    assert trail[-1] == (ALICE, Role.USER, Role.SUPPORT, "support", ADMIN)
    told = [payload for _, payload in outbox(core, "direct") if payload["user"] == ALICE]
    assert told == [
        {"event": "role", "actor": ADMIN, "user": ALICE, "role": "support", "team": "support"}
    ]
    assert [user for user, _ in outbox(core, "home")] == [ALICE]
    # A worker sends that refresh now, having read the Home: the revoke needs its own.
    with core.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE outbox_messages SET claimed_until = :until, claimed_by = 'w1' "
                "WHERE kind = 'home'"
            ),
            {"until": "2099-01-01 00:00:00"},
        )
    assert desk.roles.revoke_team(ADMIN, ALICE, "support")
    assert [user for user, _ in outbox(core, "home")] == [ALICE, ALICE]
    # One not yet sent covers what follows.
    desk.roles.grant_team(ADMIN, ALICE, "support")
    assert [user for user, _ in outbox(core, "home")] == [ALICE, ALICE]
    trail = [(c.old, c.new, c.team) for c in desk.roles.role_history(ADMIN, ALICE)]
    assert trail == [
        (Role.USER, Role.SUPPORT, "support"),
        (Role.SUPPORT, Role.USER, "support"),
        (Role.USER, Role.SUPPORT, "support"),
    ]
