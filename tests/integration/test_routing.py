"""Routing and moving on both databases: a ticket goes to its request type's team, one
made from a message to its intake channel's team; moving a ticket to another team keeps
its history, plans the messages of a move in their order, and puts its targets on the
new team's service levels and calendar. A stale move and a move to the same team change
nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.settings import Settings
from flashticket_core.adapters.tables import OutboxMessage, TicketTimer
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import Priority, Role
from flashticket_core.domain.model import MessageSource, Ticket
from flashticket_core.errors import Conflict, InvalidInput, NotAllowed
from flashticket_core.i18n import Language
from flashticket_core.service_layer.jobs import Leases
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.snapshots import snapshot

HR_INTAKE = "C0HRHELP01"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: C0IT000001}}
  - id: hr
    name: HR & People
    channel: G0HR000001
    intake_channels: [{HR_INTAKE}]
    sla: "high=2h/1d"
    business_hours: "mon-fri 08:00-17:00"
request_types:
  - {{id: hardware, name: Hardware defect, team: it}}
  - {{id: leave, name: Leave request, team: hr, priority: low}}
  - {{id: payroll, name: Payroll, team: hr, priority: high}}
"""


@pytest.fixture
def core(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    """IT on the help desk's clock (around the clock, FLASHTICKET_SLA); HR on its own
    levels and office hours. The clock starts on a Saturday morning."""
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_business_hours="always",
        flashticket_sla="high=30m/4h,medium=4h/2d,low=1d/5d",
        flashticket_desk_file=str(desk_file),
    )
    core = bootstrap(settings, clock=clock)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    yield core
    core.close()


def stored(engine: Engine, ticket_id: int) -> tuple[str, str | None, str]:
    with engine.connect() as connection:
        row = connection.execute(
            select(Ticket.team_id, Ticket.request_type, Ticket.priority).where(
                Ticket.id == ticket_id
            )
        ).one()
    return row.team_id, row.request_type, Priority(row.priority).value


def unfired(core: Core, ticket_id: int) -> dict[str, datetime]:
    query = select(TicketTimer.kind, TicketTimer.due_at).where(
        TicketTimer.ticket_id == ticket_id,
        TicketTimer.fired_at.is_(None),
        TicketTimer.cancelled_at.is_(None),
    )
    with core.engine.connect() as connection:
        return {kind: due.replace(tzinfo=UTC) for kind, due in connection.execute(query).all()}


def outbox(core: Core, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    query = (
        select(OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.ticket_id == ticket_id)
        .order_by(OutboxMessage.id)
    )
    with core.engine.connect() as connection:
        return [(kind, json.loads(payload)) for kind, payload in connection.execute(query)]


def test_a_ticket_of_a_request_type_is_its_teams_with_the_types_priority(core: Core) -> None:
    leave = core.desk.tickets.open_ticket(ALICE, title="Two weeks in May", request_type="leave")
    assert (leave.team_id, stored(core.engine, leave.id)) == ("hr", ("hr", "leave", "low"))
    # The person's own choice of priority wins over the type's.
    urgent = core.desk.tickets.open_ticket(
        ALICE, title="Tomorrow", request_type="leave", priority=Priority.HIGH
    )
    assert stored(core.engine, urgent.id) == ("hr", "leave", "high")
    hardware = core.desk.tickets.open_ticket(ALICE, title="Screen", request_type="hardware")
    assert stored(core.engine, hardware.id) == ("it", "hardware", "medium")
    # No type chosen: the first team, as before there were types.
    plain = core.desk.tickets.open_ticket(ALICE, title="Something")
    assert stored(core.engine, plain.id) == ("it", None, "medium")


def test_an_unknown_request_type_is_refused_and_nothing_is_stored(core: Core) -> None:
    before = snapshot(core.engine)
    with pytest.raises(InvalidInput) as refused:
        core.desk.tickets.open_ticket(ALICE, title="Visa", request_type="visa")
    assert refused.value.field == "request_type"
    assert refused.value.message(Language.EN) == (
        "Unknown request type “visa”; use hardware, leave, payroll."
    )
    assert "Unbekannte Art der Anfrage „visa“" in refused.value.message(Language.DE)
    assert snapshot(core.engine) == before


def test_a_ticket_from_a_message_goes_to_the_team_of_its_intake_channel(core: Core) -> None:
    there = core.desk.tickets.open_ticket(
        SUPPORT,
        title="My payslip is wrong",
        reporter_id=ALICE,
        source=MessageSource(HR_INTAKE, "1700000000.000100", "1700000000.000100"),
    )
    # HR's first request type, with its priority (nobody chose one).
    assert stored(core.engine, there.id) == ("hr", "leave", "low")
    elsewhere = core.desk.tickets.open_ticket(
        SUPPORT,
        title="Wifi",
        reporter_id=ALICE,
        source=MessageSource("C0GENERAL1", "1700000000.000200", "1700000000.000200"),
    )
    assert stored(core.engine, elsewhere.id) == ("it", "hardware", "medium")


def test_a_move_keeps_its_history_tells_everyone_and_puts_the_targets_on_the_new_teams_clock(
    core: Core, clock: Clock
) -> None:
    # Saturday 09:26:53: IT's targets run around the clock, 30 minutes to a first reply.
    ticket = core.desk.tickets.open_ticket(ALICE, title="Access badge", priority=Priority.HIGH)
    assert unfired(core, ticket.id)["breach_first_response"] == clock.now.replace(
        minute=56, second=53
    )
    clock.advance(minutes=10)
    moved = core.desk.routing.move_to_team(
        SUPPORT, ticket.id, "hr", expected_version=ticket.version
    )
    assert moved.team_id == "hr"
    assert moved.version == ticket.version + 1
    detail = core.desk.queries.show(ADMIN, ticket.id)
    assert [(c.actor_id, c.old, c.new) for c in detail.history if c.field == "team"] == [
        (SUPPORT, "it", "hr")
    ]
    # HR's office opens on Monday at 08:00: the 10 minutes used count, the rest of HR's
    # 2 hours (and of its one business day of 9 hours) run from then.
    due = unfired(core, ticket.id)
    assert due["breach_first_response"] == datetime(2026, 3, 16, 9, 50, tzinfo=UTC)
    assert due["warn_first_response"] == datetime(2026, 3, 16, 9, 20, tzinfo=UTC)
    assert due["breach_resolution"] == datetime(2026, 3, 16, 16, 50, tzinfo=UTC)
    # The old card says where it went and its thread too; then the new card, its thread,
    # and the reporter, in this order.
    moved_messages = outbox(core, ticket.id)[-5:]
    told = {"event": "moved", "actor": SUPPORT, "old": "it", "new": "hr"}
    assert moved_messages == [
        ("support_moved", told),
        ("support_thread", told),
        ("support_post", {"actor": SUPPORT}),
        ("support_thread", told | {"event": "moved_here"}),
        ("reporter_thread", told),
    ]


def test_a_stale_move_and_a_move_to_the_same_team_change_nothing(core: Core) -> None:
    ticket = core.desk.tickets.open_ticket(ALICE, title="Laptop")
    core.desk.tickets.take(SUPPORT, ticket.id)
    before = snapshot(core.engine)
    with pytest.raises(Conflict):
        core.desk.routing.move_to_team(SUPPORT, ticket.id, "hr", expected_version=ticket.version)
    with pytest.raises(InvalidInput) as same:
        core.desk.routing.move_to_team(SUPPORT, ticket.id, "it")
    assert same.value.message(Language.EN) == (
        f"Ticket #{ticket.id} is IT-Support's already; nothing was changed."
    )
    assert same.value.message(Language.DE) == (
        f"Ticket #{ticket.id} gehört bereits zu IT-Support; es wurde nichts geändert."
    )
    with pytest.raises(InvalidInput) as unknown:
        core.desk.routing.move_to_team(SUPPORT, ticket.id, "finance")
    assert "use it, hr" in unknown.value.message(Language.EN)
    assert snapshot(core.engine) == before


def test_the_reporter_may_not_move_their_ticket(core: Core) -> None:
    ticket = core.desk.tickets.open_ticket(ALICE, title="Laptop")
    with pytest.raises(NotAllowed):
        core.desk.routing.move_to_team(ALICE, ticket.id, "hr")
    with pytest.raises(NotAllowed):
        core.desk.routing.check_can_move(ALICE, ticket.id)
    assert core.desk.routing.check_can_move(SUPPORT, ticket.id).id == ticket.id


def test_a_sweep_escalates_each_teams_missed_targets_in_a_list_of_its_own(
    core: Core, clock: Clock
) -> None:
    it = [
        core.desk.tickets.open_ticket(ALICE, title=f"VPN {n}", priority=Priority.HIGH).id
        for n in range(2)
    ]
    hr = [
        core.desk.tickets.open_ticket(ALICE, title=f"Payslip {n}", request_type="payroll").id
        for n in range(2)
    ]
    # Monday noon: IT's first replies were due on Saturday, HR's at 10:00 (its office
    # opened at 08:00); one round of the sweep finds them all.
    clock.now = datetime(2026, 3, 16, 12, tzinfo=UTC)
    core.sweep_timers(Leases(core.jobs, clock=clock, holder="replica-1"))
    escalations = [
        payload
        for kind, payload in outbox_of_kind(core, "escalation")
        if payload["event"] == "sla_breaches"
    ]
    listed = {
        payload["team"]: sorted({item["ticket"] for item in payload["items"]})
        for payload in escalations
    }
    assert listed == {"it": it, "hr": hr}


def outbox_of_kind(core: Core, kind: str) -> list[tuple[str, dict[str, Any]]]:
    query = (
        select(OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id)
    )
    with core.engine.connect() as connection:
        return [(k, json.loads(payload)) for k, payload in connection.execute(query)]
