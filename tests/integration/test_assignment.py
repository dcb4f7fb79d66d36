"""Assignment by rule on both databases: the round robin is exact over the members who
are not away, keeps its place in the database (a restart, a second replica, two
tickets at once), least_open picks whoever holds fewest open tickets, everyone away
leaves the ticket unassigned and tells the team, the assignee is told (and the history
says why), and the reassignment job moves an unanswered ticket on, once per person."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.settings import Settings
from flashticket_core.adapters.tables import AssignmentTurn, OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import Role, Status
from flashticket_core.errors import HeldBySomeoneElse, InvalidInput, NotAllowed
from flashticket_core.service_layer.availability import Availability
from flashticket_core.service_layer.jobs import Leases
from tests.conftest import ADMIN, ALICE, Clock
from tests.integration.test_concurrency import race

ANNA, BEN, CARA = "UANNA00001", "UBEN000001", "UCARA00001"
OUTSIDER = "UOUTSIDE01"


class Away(Availability):
    """Who is away, as the test says."""

    def __init__(self) -> None:
        self.people: set[str] = set()
        self.asked: list[frozenset[str]] = []

    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        self.asked.append(frozenset(user_ids))
        return frozenset(self.people & set(user_ids))


def desk_text(rule: str, reassign: str | None = None) -> str:
    extra = f", reassign_after: {reassign}" if reassign else ""
    return f"""\
teams:
  - {{id: it, name: IT, channel: C0IT000001, members: [{CARA}, {ANNA}, {BEN}],
      assignment: {rule}{extra}}}
  - {{id: hr, name: HR, channel: G0HR000001, members: [{OUTSIDER}]}}
request_types:
  - {{id: hardware, name: Hardware, team: it}}
  - {{id: leave, name: Leave, team: hr}}
"""


def make_core(database_url: str, clock: Clock, path: Path, rule: str, reassign: str | None) -> Core:
    desk_file = path / "desk.yaml"
    desk_file.write_text(desk_text(rule, reassign))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_business_hours="mon-fri 09:00-17:00",
        flashticket_desk_file=str(desk_file),
    )
    return bootstrap(settings, clock=clock)


@pytest.fixture
def away() -> Away:
    return Away()


@pytest.fixture
def opened(database_url: str, clock: Clock, tmp_path: Path, away: Away) -> Iterator[Core]:
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, in business hours
    core = make_core(database_url, clock, tmp_path, "round_robin", "30m")
    core.desk.env.availability.use(away)  # type: ignore[attr-defined]
    yield core
    core.close()


def open_it(core: Core, title: str = "Printer jams") -> int:
    return core.desk.tickets.open_ticket(ALICE, title=title, request_type="hardware").id


def assignee(core: Core, ticket_id: int) -> str | None:
    return core.desk.queries.show(ADMIN, ticket_id).ticket.assignee_id


def messages(engine: Engine, ticket_id: int) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.kind, OutboxMessage.payload)
            .where(OutboxMessage.ticket_id == ticket_id)
            .order_by(OutboxMessage.id)
        )
        return [{"kind": kind, **json.loads(payload)} for kind, payload in rows]


def test_round_robin_gives_each_member_a_turn_in_order(opened: Core) -> None:
    got = [assignee(opened, open_it(opened)) for _ in range(6)]
    assert got == [ANNA, BEN, CARA, ANNA, BEN, CARA]


def test_the_rotation_survives_a_restart(
    database_url: str, clock: Clock, tmp_path: Path, opened: Core
) -> None:
    assert [assignee(opened, open_it(opened)) for _ in range(2)] == [ANNA, BEN]
    again = make_core(database_url, clock, tmp_path, "round_robin", "30m")
    try:
        assert assignee(again, open_it(again)) == CARA
    finally:
        again.close()


def test_two_replicas_at_once_never_give_the_same_turn(
    database_url: str, clock: Clock, tmp_path: Path, opened: Core
) -> None:
    other = make_core(database_url, clock, tmp_path, "round_robin", "30m")
    try:
        per_side = 12

        def burst(core: Core) -> list[int]:
            return [open_it(core) for _ in range(per_side)]

        outcomes = race(lambda: burst(opened), lambda: burst(other))
        assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
        ids = sorted(i for outcome in outcomes for i in outcome)  # type: ignore[union-attr]
        counts = Counter(assignee(opened, i) for i in ids)
        assert counts == {ANNA: 8, BEN: 8, CARA: 8}
        with opened.engine.connect() as connection:
            turns = connection.scalar(select(AssignmentTurn.turns))
        assert turns == 2 * per_side
    finally:
        other.close()


def test_away_members_are_skipped_and_the_others_share_the_turns(opened: Core, away: Away) -> None:
    away.people = {BEN}
    got = [assignee(opened, open_it(opened)) for _ in range(6)]
    assert got == [ANNA, CARA, ANNA, CARA, ANNA, CARA]
    away.people = set()
    assert assignee(opened, open_it(opened)) in (ANNA, BEN, CARA)


def test_everyone_away_leaves_it_unassigned_and_tells_the_team(opened: Core, away: Away) -> None:
    away.people = {ANNA, BEN, CARA}
    ticket_id = open_it(opened)
    assert assignee(opened, ticket_id) is None
    told = [m for m in messages(opened.engine, ticket_id) if m["kind"] == "support_notice"]
    assert told == [{"kind": "support_notice", "event": "nobody_available", "team": "it"}]


def test_the_assignee_is_told_and_the_history_says_why(opened: Core) -> None:
    ticket_id = open_it(opened)
    person = [m for m in messages(opened.engine, ticket_id) if m["kind"] == "person"]
    assert person == [
        {
            "kind": "person",
            "actor": SYSTEM_ACTOR,
            "old": None,
            "new": ANNA,
            "reason": "round_robin",
            "event": "auto_assigned",
            "user": ANNA,
        }
    ]
    history = opened.desk.queries.show(ADMIN, ticket_id).history
    assert [(c.field, c.new) for c in history if c.field.startswith("assign")] == [
        ("assignee", ANNA),
        ("assigned_by_rule", "round_robin"),
    ]


def test_a_team_without_a_rule_assigns_nobody(opened: Core) -> None:
    ticket_id = opened.desk.tickets.open_ticket(ALICE, title="Leave", request_type="leave").id
    assert assignee(opened, ticket_id) is None
    assert not [m for m in messages(opened.engine, ticket_id) if m["kind"] == "support_notice"]


def test_least_open_picks_whoever_holds_fewest_open_tickets(
    database_url: str, clock: Clock, tmp_path: Path
) -> None:
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    core = make_core(database_url, clock, tmp_path, "least_open", None)
    try:
        desk = core.desk
        # ANNA holds two, BEN one (one of them finished: not counted), CARA none.
        first, second, third = (open_it(core) for _ in range(3))
        assert [assignee(core, t) for t in (first, second, third)] == [ANNA, BEN, CARA]
        desk.assignment.assign_to(ADMIN, third, ANNA, take_over_from=CARA)
        desk.tickets.change_status(ADMIN, second, Status.RESOLVED)
        # Open: ANNA 2, BEN 0, CARA 0: a tie between BEN and CARA goes by their ids.
        assert assignee(core, open_it(core)) == BEN
        assert assignee(core, open_it(core)) == CARA
        assert assignee(core, open_it(core)) == BEN
    finally:
        core.close()


def test_an_unanswered_ticket_moves_on_once_per_person(
    opened: Core, clock: Clock, away: Away
) -> None:
    leases = Leases(opened.jobs, clock=clock)
    ticket_id = open_it(opened)
    assert assignee(opened, ticket_id) == ANNA
    clock.advance(minutes=29)
    assert opened.desk.assignment.reassign_due(leases) == 0
    clock.advance(minutes=1)
    assert opened.desk.assignment.reassign_due(leases) == 1
    assert assignee(opened, ticket_id) == BEN
    told = messages(opened.engine, ticket_id)
    moved = [m for m in told if m.get("event") == "auto_reassigned"]
    assert [(m["kind"], m.get("user")) for m in moved] == [
        ("support_thread", None),
        ("person", ANNA),
    ]
    assert (told[-1]["event"], told[-1]["user"], told[-1]["reason"]) == (
        "auto_assigned",
        BEN,
        "no_first_response",
    )
    # CARA is away: the next is nobody new but CARA, whom it skips; then it stays.
    away.people = {CARA}
    clock.advance(minutes=30)
    opened.desk.assignment.reassign_due(leases)
    assert assignee(opened, ticket_id) == BEN
    away.people = set()
    clock.advance(hours=2)
    assert opened.desk.assignment.reassign_due(leases) == 0
    assert assignee(opened, ticket_id) == BEN


def test_the_reassignment_waits_for_business_hours_and_stops_at_a_first_response(
    opened: Core, clock: Clock
) -> None:
    leases = Leases(opened.jobs, clock=clock)
    clock.now = datetime(2026, 3, 2, 16, 50, tzinfo=UTC)  # ten minutes before closing
    answered = open_it(opened, "Answered")
    waiting = open_it(opened, "Waiting")
    opened.desk.conversation.add_support_reply(ANNA, answered, "Looking into it")
    clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # the evening: no business time
    assert opened.desk.assignment.reassign_due(leases) == 0
    clock.now = datetime(2026, 3, 3, 9, 20, tzinfo=UTC)  # 10 + 20 minutes of business time
    assert opened.desk.assignment.reassign_due(leases) == 2
    assert assignee(opened, waiting) == CARA


def test_assign_to_a_member_and_refusals(opened: Core) -> None:
    desk = opened.desk
    desk.roles.grant(ADMIN, "USUPPORT01", Role.SUPPORT)
    ticket_id = open_it(opened)
    with pytest.raises(InvalidInput, match="not a member of the team IT"):
        desk.assignment.assign_to(ADMIN, ticket_id, OUTSIDER)
    assert assignee(opened, ticket_id) == ANNA
    with pytest.raises(NotAllowed):
        desk.assignment.assign_to(ALICE, ticket_id, BEN)
    with pytest.raises(HeldBySomeoneElse):
        desk.assignment.assign_to(ADMIN, ticket_id, BEN)
    desk.assignment.assign_to(ADMIN, ticket_id, BEN, take_over_from=ANNA)
    assert assignee(opened, ticket_id) == BEN
    assert desk.assignment.team_members(ADMIN, ticket_id) == (ANNA, BEN, CARA)


def test_figures_count_open_tickets_per_assignee_and_reassignments_per_team(
    opened: Core, clock: Clock
) -> None:
    leases = Leases(opened.jobs, clock=clock)
    first, second, _third = (open_it(opened) for _ in range(3))
    opened.desk.tickets.open_ticket(ALICE, title="Leave", request_type="leave")
    opened.desk.tickets.change_status(ADMIN, second, Status.RESOLVED)
    clock.advance(minutes=30)
    opened.desk.assignment.reassign_due(leases)  # the first and third move on
    figures = opened.desk.queries.assignment_figures(ADMIN, team="it")
    assert assignee(opened, first) == BEN
    # Open: the first now Ben's, the third Anna's (it was Cara's); ties by id.
    assert figures.per_assignee == ((ANNA, 1), (BEN, 1))
    assert figures.reassignments == 2
    assert opened.desk.queries.assignment_figures(ADMIN, team="hr").reassignments == 0
    # Outside the period: not counted.
    clock.advance(days=31)
    assert opened.desk.queries.assignment_figures(ADMIN, team="it").reassignments == 0
