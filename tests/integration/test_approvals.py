"""Approvals on both databases: a ticket of a type with approvers waits for approval (no
card, no target), its approvers are asked; the first decision counts (two approvers
racing make exactly one), only the ticket's approvers decide, a rejection needs its
reason; approved it enters the team's queue with its targets starting then, rejected it
is closed; the approvers are reminded once after a business day; the figures count it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flashticket_core.adapters.tables import OutboxMessage, TicketApproval, TicketTarget
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Role, Status
from flashticket_core.domain.model import FieldValue
from flashticket_core.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from flashticket_core.service_layer.jobs import Leases
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.integration.test_concurrency import race
from tests.snapshots import snapshot

ANN = "UANN000001"  # an approver named in the desk file
MAX = "UMAX000001"  # a member of the approver group
DESK = """\
teams:
  - id: it
    name: IT-Support
    channel: C0IT000001
    sla: "high=1h/4h,medium=4h/2d,low=1d/5d"
    business_hours: "mon-fri 09:00-17:00"
request_types:
  - {id: hardware, name: Hardware defect, team: it}
  - id: access
    name: Access request
    team: it
    approvers: [UANN000001]
    approver_group: S0APPROVE1
    fields:
      - {id: system, label: System, type: text, required: true}
"""
# A Monday, 10:00 UTC: within the team's hours.
MONDAY = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY)


def start(database_url: str, clock: Clock, folder: Path) -> Core:
    desk_file = folder / "desk.yaml"
    desk_file.write_text(DESK)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
    )
    return bootstrap(settings, clock=clock)


@pytest.fixture
def core(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    core = start(database_url, clock, tmp_path)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    assert core.desk.approvals.refresh_approver_group("S0APPROVE1", frozenset({MAX}))
    yield core
    core.close()


def open_access(core: Core, title: str = "Access to the finance share") -> int:
    return core.desk.tickets.open_ticket(
        ALICE, title=title, request_type="access", fields=[FieldValue("system", ("SAP",))]
    ).id


def outbox(core: Core, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    query = (
        select(OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.ticket_id == ticket_id)
        .order_by(OutboxMessage.id)
    )
    with core.engine.connect() as connection:
        return [(row.kind, json.loads(row.payload)) for row in connection.execute(query)]


def targets(core: Core, ticket_id: int) -> dict[str, datetime | None]:
    with core.engine.connect() as connection:
        rows = connection.execute(
            select(TicketTarget.kind, TicketTarget.running_since).where(
                TicketTarget.ticket_id == ticket_id
            )
        )
        return {row.kind: row.running_since for row in rows}


def test_a_ticket_of_a_type_with_approvers_waits_and_its_approvers_are_asked(
    core: Core,
) -> None:
    ticket_id = open_access(core)
    detail = core.desk.queries.show(ADMIN, ticket_id)
    assert detail.ticket.status is Status.PENDING_APPROVAL
    assert detail.history[0].field == "created"
    assert detail.history[0].new == Status.PENDING_APPROVAL.value
    kinds = [kind for kind, _payload in outbox(core, ticket_id)]
    # No card yet: the team sees it once it is approved.
    assert "support_post" not in kinds
    assert kinds[:2] == ["reporter_root", "reporter_thread"]
    requests = [p["user"] for k, p in outbox(core, ticket_id) if k == "approval_request"]
    assert requests == [ANN, MAX]
    assert targets(core, ticket_id) == {}
    # Not open: in no queue, no open figure.
    queue = core.desk.queries.list_tickets(SUPPORT, queue=True)
    assert ticket_id not in [t.id for t in queue.items]
    # Listed by its own status: the team's queue filter, the reporter's own.
    pending = Status.PENDING_APPROVAL
    listed = core.desk.queries.list_tickets(SUPPORT, queue=True, status=pending)
    assert [t.id for t in listed.items] == [ticket_id]
    own = core.desk.queries.list_tickets(ALICE, status=pending)
    assert [t.id for t in own.items] == [ticket_id]
    # The reporter's own plain list shows it too: it is not done.
    assert [t.id for t in core.desk.queries.list_tickets(ALICE).items] == [ticket_id]
    assert core.desk.queries.statistics(SUPPORT).open_total == 0
    # A type without approvers opens as New, as before.
    plain = core.desk.tickets.open_ticket(ALICE, title="Mouse", request_type="hardware")
    assert plain.status is Status.NEW


def test_approval_puts_it_in_the_queue_with_its_card_and_targets_from_then_on(
    core: Core, clock: Clock
) -> None:
    ticket_id = open_access(core)
    clock.advance(hours=3)
    approved = core.desk.approvals.decide(MAX, ticket_id, approved=True)
    assert approved.status is Status.NEW
    # The targets start at the approval: the wait counts in neither.
    assert set(targets(core, ticket_id).values()) == {clock.now}
    after = [(k, p) for k, p in outbox(core, ticket_id)][-5:]
    assert [k for k, _ in after] == [
        "reporter_thread",
        "support_post",
        "support_thread",
        "approval_decided",
        "approval_decided",
    ]
    assert after[0][1] == {"event": "approved", "actor": MAX, "reason": None}
    assert {p["user"] for k, p in after if k == "approval_decided"} == {ANN, MAX}
    history = core.desk.queries.show(ADMIN, ticket_id).history
    assert [(c.field, c.actor_id) for c in history][-2:] == [("approved", MAX), ("status", MAX)]
    with core.engine.connect() as connection:
        row = connection.execute(select(TicketApproval)).one()
    assert (row.decided_by, row.approved, row.waited_seconds) == (MAX, True, 3 * 3600)


def test_rejection_needs_a_reason_and_closes_it_telling_the_reporter(
    core: Core, clock: Clock
) -> None:
    ticket_id = open_access(core)
    before = snapshot(core.engine)
    with pytest.raises(InvalidInput) as refused:
        core.desk.approvals.decide(ANN, ticket_id, approved=False, reason="  \n ")
    assert refused.value.field == "reason"
    assert snapshot(core.engine) == before
    rejected = core.desk.approvals.decide(
        ANN, ticket_id, approved=False, reason="Ask your manager <!channel>"
    )
    assert rejected.status is Status.CLOSED
    told = [p for k, p in outbox(core, ticket_id) if k == "reporter_thread"][-1]
    assert told == {"event": "rejected", "actor": ANN, "reason": "Ask your manager <!channel>"}
    kinds = [k for k, _ in outbox(core, ticket_id)]
    assert "support_post" not in kinds
    assert targets(core, ticket_id) == {}
    detail = core.desk.queries.show(ADMIN, ticket_id)
    assert [(c.field, c.new) for c in detail.history if c.field == "rejected"] == [
        ("rejected", "Ask your manager <!channel>")
    ]


def test_only_the_tickets_approvers_decide_and_a_second_decision_is_told_who_decided(
    core: Core,
) -> None:
    ticket_id = open_access(core)
    before = snapshot(core.engine)
    # Neither support nor an administrator is an approver, nor the reporter.
    for person in (SUPPORT, ADMIN, ALICE, BOB):
        with pytest.raises(NotAllowed):
            core.desk.approvals.decide(person, ticket_id, approved=True)
    # Nor does anyone move it on by a status change (the App Home's row, the card).
    with pytest.raises(NotAllowed):
        core.desk.tickets.change_status(SUPPORT, ticket_id, Status.NEW)
    with pytest.raises(NotFound):
        core.desk.approvals.decide(ANN, 9999, approved=True)
    assert snapshot(core.engine) == before
    core.desk.approvals.decide(ANN, ticket_id, approved=True)
    after = snapshot(core.engine)
    with pytest.raises(AlreadyDecided) as second:
        core.desk.approvals.decide(MAX, ticket_id, approved=False, reason="no")
    assert (second.value.decided_by, second.value.approved) == (ANN, True)
    assert "already approved by" in second.value.message("en")
    assert "bereits von" in second.value.message("de")
    with pytest.raises(AlreadyDecided):
        core.desk.approvals.check_can_decide(MAX, ticket_id)
    assert snapshot(core.engine) == after


@pytest.fixture
def replica(database_url: str, clock: Clock, tmp_path: Path, core: Core) -> Iterator[Core]:
    """A second replica: its own engine and connections, the same database."""
    other = start(database_url, clock, tmp_path)
    yield other
    other.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_approvers_at_once_on_two_replicas_make_exactly_one_decision(
    core: Core, replica: Core, round_: int
) -> None:
    ticket_id = open_access(core, title=f"Race {round_}")
    outcomes = race(
        lambda: core.desk.approvals.decide(ANN, ticket_id, approved=True),
        lambda: replica.desk.approvals.decide(MAX, ticket_id, approved=False, reason="No"),
    )
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    assert isinstance(losers[0], AlreadyDecided)
    with core.engine.connect() as connection:
        decided = connection.execute(
            select(TicketApproval.decided_by).where(TicketApproval.ticket_id == ticket_id)
        ).scalar_one()
    assert losers[0].decided_by == decided
    history = core.desk.queries.show(ADMIN, ticket_id).history
    assert len([c for c in history if c.field in ("approved", "rejected")]) == 1
    assert len([k for k, _ in outbox(core, ticket_id) if k == "approval_decided"]) == 2


def test_the_approvers_are_reminded_once_after_a_business_day(core: Core, clock: Clock) -> None:
    ticket_id = open_access(core)
    sweeper = Leases(core.jobs, clock=clock, holder="replica-1")
    # Monday 10:00 + 8 business hours: Tuesday 10:00; Monday evening is not yet.
    clock.advance(hours=12)
    core.sweep_timers(sweeper)
    assert [k for k, _ in outbox(core, ticket_id) if k == "approval_reminder"] == []
    clock.now = datetime(2026, 3, 17, 10, 0, 1, tzinfo=UTC)
    core.sweep_timers(sweeper)
    core.sweep_timers(Leases(core.jobs, clock=clock, holder="replica-2"))
    clock.advance(days=3)
    core.sweep_timers(sweeper)
    reminded = [p["user"] for k, p in outbox(core, ticket_id) if k == "approval_reminder"]
    assert reminded == [ANN, MAX]


def test_a_decision_before_the_business_day_cancels_the_reminder(core: Core, clock: Clock) -> None:
    ticket_id = open_access(core)
    core.desk.approvals.decide(ANN, ticket_id, approved=True)
    clock.advance(days=3)
    core.sweep_timers(Leases(core.jobs, clock=clock, holder="replica-1"))
    assert [k for k, _ in outbox(core, ticket_id) if k == "approval_reminder"] == []


def test_statistics_count_approvals_and_waiting_ones_within_the_team_scope(
    core: Core, clock: Clock
) -> None:
    first, second, third = open_access(core), open_access(core), open_access(core)
    clock.advance(hours=2)
    core.desk.approvals.decide(ANN, first, approved=True)
    clock.advance(hours=2)
    core.desk.approvals.decide(ANN, second, approved=False, reason="No budget")
    figures = core.desk.queries.statistics(SUPPORT, team="it").approvals
    assert (figures.decided, figures.rejected, figures.waiting) == (2, 1, 1)
    assert figures.median_business_seconds == 3 * 3600
    assert third


def test_the_approver_group_is_read_into_the_approvers_of_new_tickets(core: Core) -> None:
    assert not core.desk.approvals.refresh_approver_group("S0APPROVE1", frozenset({MAX}))
    assert core.desk.approvals.refresh_approver_group("S0APPROVE1", frozenset({BOB}))
    ticket_id = open_access(core)
    requests = [p["user"] for k, p in outbox(core, ticket_id) if k == "approval_request"]
    assert requests == [ANN, BOB]
    with pytest.raises(NotAllowed):
        core.desk.approvals.decide(MAX, ticket_id, approved=True)


def test_an_approved_ticket_is_given_out_by_its_teams_assignment_rule(
    database_url: str, clock: Clock, tmp_path: Path
) -> None:
    """Waiting for approval it belongs to nobody (nobody may work it yet); approved, it
    enters the team's queue like a new ticket, and the team's rule gives it to a member."""
    kim = "UKIM000001"
    desk = DESK.replace(
        "    business_hours:",
        f"    members: [{kim}]\n    assignment: round_robin\n    business_hours:",
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "desk.yaml").write_text(desk)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(tmp_path / "rules" / "desk.yaml"),
    )
    core = bootstrap(settings, clock=clock)
    try:
        ticket_id = open_access(core)
        assert core.desk.queries.show(ADMIN, ticket_id).ticket.assignee_id is None
        plain = core.desk.tickets.open_ticket(ALICE, title="Mouse", request_type="hardware")
        assert core.desk.queries.show(ADMIN, plain.id).ticket.assignee_id == kim
        approved = core.desk.approvals.decide(ANN, ticket_id, approved=True)
        assert approved.status is Status.NEW
        assert core.desk.queries.show(ADMIN, ticket_id).ticket.assignee_id == kim
        kinds = [kind for kind, _payload in outbox(core, ticket_id)]
        assert "support_post" in kinds
    finally:
        core.close()
