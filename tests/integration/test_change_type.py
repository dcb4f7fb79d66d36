"""Changing a ticket's request type on both databases: support of its team gives it
another type of the team; the history keeps from which to which (shown by the types'
names, a move by the teams'), the card is updated and its thread told, the field values
and the priority stay. A stale change, the same type, a type of another team and a
private team's ticket asked by someone outside it change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.answers import ticket_detail
from bot.blocks.retyping import desk_names
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Priority, Role
from flashticket_core.domain.model import FieldValue, Ticket
from flashticket_core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flashticket_core.i18n import Language
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.snapshots import snapshot

DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001}
  - id: hr
    name: HR & People
    channel: G0HR000001
    private: true
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: asset_tag, label: Asset tag, type: text}
  - {id: access, name: Access <request>, team: it, priority: high}
  - {id: leave, name: Leave request, team: hr}
  - {id: payroll, name: Payroll, team: hr}
"""


@pytest.fixture
def core(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
    )
    core = bootstrap(settings, clock=clock)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    yield core
    core.close()


def stored_type(core: Core, ticket_id: int) -> tuple[str, str | None, str]:
    with core.engine.connect() as connection:
        row = connection.execute(
            select(Ticket.team_id, Ticket.request_type, Ticket.priority).where(
                Ticket.id == ticket_id
            )
        ).one()
    return row.team_id, row.request_type, Priority(row.priority).value


def outbox(core: Core, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    query = (
        select(OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.ticket_id == ticket_id)
        .order_by(OutboxMessage.id)
    )
    with core.engine.connect() as connection:
        return [(kind, json.loads(payload)) for kind, payload in connection.execute(query)]


def hardware_ticket(core: Core) -> int:
    return core.desk.tickets.open_ticket(
        ALICE,
        title="Screen flickers",
        request_type="hardware",
        fields=[FieldValue("asset_tag", ("A-17",))],
    ).id


def test_support_changes_the_type_and_the_fields_and_the_priority_stay(core: Core) -> None:
    ticket_id = hardware_ticket(core)
    seen = core.desk.queries.show(SUPPORT, ticket_id).ticket
    changed = core.desk.routing.change_type(
        SUPPORT, ticket_id, "access", expected_version=seen.version
    )
    assert changed.request_type == "access"
    assert changed.version == seen.version + 1
    # The new type's default priority (high) is not taken: the ticket's own stays.
    assert stored_type(core, ticket_id) == ("it", "access", "medium")
    detail = core.desk.queries.show(ADMIN, ticket_id)
    assert [(f.label, f.text) for f in detail.ticket.fields] == [("Asset tag", "A-17")]
    history = [(c.actor_id, c.old, c.new) for c in detail.history if c.field == "request_type"]
    assert history == [(SUPPORT, "hardware", "access")]
    # The card is updated and its thread told who changed it, from which to which.
    told = {"event": "type_changed", "actor": SUPPORT, "old": "hardware", "new": "access"}
    assert outbox(core, ticket_id)[-2:] == [("support_update", {}), ("support_thread", told)]


def test_the_history_shows_a_move_and_a_type_change_by_their_names(core: Core) -> None:
    ticket_id = hardware_ticket(core)
    core.desk.routing.change_type(SUPPORT, ticket_id, "access")
    core.desk.routing.move_to_team(SUPPORT, ticket_id, "hr")
    detail = core.desk.queries.show(ADMIN, ticket_id)
    names = desk_names(core.desk.env.structure)
    shown = json.dumps(ticket_detail(Language.EN, detail, names=names), ensure_ascii=False)
    assert "Request type: Hardware defect → Access &lt;request&gt;" in shown
    assert "Team: IT-Support → HR &amp; People" in shown
    german = json.dumps(ticket_detail(Language.DE, detail, names=names), ensure_ascii=False)
    assert "Art der Anfrage: Hardware defect → Access &lt;request&gt;" in german


def test_a_stale_change_the_same_type_and_another_teams_type_change_nothing(
    core: Core,
) -> None:
    ticket_id = hardware_ticket(core)
    seen = core.desk.queries.show(SUPPORT, ticket_id).ticket
    core.desk.tickets.take(SUPPORT, ticket_id)
    before = snapshot(core.engine)
    with pytest.raises(Conflict):
        core.desk.routing.change_type(SUPPORT, ticket_id, "access", expected_version=seen.version)
    with pytest.raises(InvalidInput) as same:
        core.desk.routing.change_type(SUPPORT, ticket_id, "hardware")
    assert same.value.message(Language.EN) == (
        f"Ticket #{ticket_id} is of the type Hardware defect already; nothing was changed."
    )
    assert same.value.message(Language.DE) == (
        f"Ticket #{ticket_id} hat bereits die Art Hardware defect; es wurde nichts geändert."
    )
    # A ticket changes team by a move alone: HR's types are not the IT ticket's to take.
    with pytest.raises(InvalidInput) as elsewhere:
        core.desk.routing.change_type(SUPPORT, ticket_id, "leave")
    assert elsewhere.value.message(Language.EN) == (
        "Unknown request type “leave”; use hardware, access."
    )
    assert snapshot(core.engine) == before


def test_the_reporter_may_not_and_a_private_teams_ticket_is_not_found_outside_it(
    core: Core,
) -> None:
    ticket_id = hardware_ticket(core)
    with pytest.raises(NotAllowed):
        core.desk.routing.change_type(ALICE, ticket_id, "access")
    with pytest.raises(NotAllowed):
        core.desk.routing.check_can_change_type(ALICE, ticket_id)
    core.desk.roles.grant_team(ADMIN, BOB, "it")
    core.desk.roles.grant_team(ADMIN, "UHRMEMBER1", "hr")
    leave = core.desk.tickets.open_ticket(ALICE, title="Two weeks", request_type="leave").id
    before = snapshot(core.engine)
    # A member of IT, and the global support role, are outside the private HR team.
    for outsider in (BOB, SUPPORT):
        with pytest.raises(NotFound):
            core.desk.routing.change_type(outsider, leave, "payroll")
        with pytest.raises(NotFound):
            core.desk.routing.check_can_change_type(outsider, leave)
    assert snapshot(core.engine) == before
    ticket, kinds = core.desk.routing.check_can_change_type("UHRMEMBER1", leave)
    assert (ticket.id, [k.id for k in kinds]) == (leave, ["leave", "payroll"])
    core.desk.routing.change_type("UHRMEMBER1", leave, "payroll")
    assert stored_type(core, leave) == ("hr", "payroll", "medium")


def test_a_team_of_one_type_has_no_other_to_change_to(core: Core, tmp_path: Path) -> None:
    ticket_id = hardware_ticket(core)
    core.desk.routing.move_to_team(SUPPORT, ticket_id, "hr")
    core.desk.roles.grant_team(ADMIN, BOB, "hr")
    # HR has two types: the form opens; a one-type desk is refused with a clear message.
    assert len(core.desk.routing.check_can_change_type(BOB, ticket_id)[1]) == 2
    one_type = DESK.replace("  - {id: payroll, name: Payroll, team: hr}\n", "")
    desk_file = tmp_path / "one.yaml"
    desk_file.write_text(one_type)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=str(core.engine.url.render_as_string(hide_password=False)),
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
    )
    other = bootstrap(settings, clock=core.desk.env.clock)
    try:
        with pytest.raises(InvalidInput) as one:
            other.desk.routing.check_can_change_type(BOB, ticket_id)
        assert "one request type only" in one.value.message(Language.EN)
        assert "nur eine Art der Anfrage" in one.value.message(Language.DE)
    finally:
        other.close()


def test_the_history_does_not_name_a_private_team_to_those_outside_it(core: Core) -> None:
    core.desk.roles.grant_team(ADMIN, BOB, "it")
    leave = core.desk.tickets.open_ticket(ALICE, title="Badge", request_type="leave").id
    core.desk.routing.move_to_team(ADMIN, leave, "it")
    names = desk_names(core.desk.env.structure)

    def history_seen_by(reader: str, lang: Language = Language.EN) -> str:
        detail = core.desk.queries.show(reader, leave)
        return json.dumps(ticket_detail(lang, detail, names=names), ensure_ascii=False)

    assert "Team: a private team → IT-Support" in history_seen_by(BOB)
    assert "HR" not in history_seen_by(BOB)
    assert "Team: ein privates Team → IT-Support" in history_seen_by(BOB, Language.DE)
    assert "Team: HR &amp; People → IT-Support" in history_seen_by(ADMIN)
