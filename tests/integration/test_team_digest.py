"""The morning digest per team, on both databases: each team of the desk file gets one
digest of its own tickets a business day, whichever replica runs its round and however
often; a team's digest not yet out still goes when another's went before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from flashticket_core.adapters.tables import DigestSent, OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.service_layer.digest import Digest, send_digest_if_due
from flashticket_core.service_layer.jobs import Leases
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock

TWO_TEAMS = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR, private: true}
"""
# Monday 16 March 2026: 07:00 UTC before the hours, 09:05 UTC past the digest's 09:00.
MONDAY_EARLY = datetime(2026, 3, 16, 7, tzinfo=UTC)
MONDAY_MORNING = datetime(2026, 3, 16, 9, 5, tzinfo=UTC)


@pytest.fixture
def two_teams(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(TWO_TEAMS)
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


def move_to(engine: Engine, ticket_id: int, team: str) -> None:
    """Until tickets are routed, each is the first team's: put one into another."""
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET team_id = :team WHERE id = :id"),
            {"team": team, "id": ticket_id},
        )


def digests(engine: Engine) -> dict[str, list[Digest]]:
    """The digests queued, by team, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == "support_digest")
            .order_by(OutboxMessage.id)
        ).all()
    found: dict[str, list[Digest]] = {}
    for row in rows:
        digest = Digest.from_payload(json.loads(row.payload))
        found.setdefault(digest.team, []).append(digest)
    return found


@pytest.fixture
def tickets(two_teams: Core, clock: Clock) -> dict[str, int]:
    """IT: a missed high one (08:30 passed), a new low one; HR: one waiting, one new
    medium, one closed."""
    desk = two_teams.desk
    clock.now = MONDAY_EARLY
    made = {
        "it_missed": desk.tickets.open_ticket(ALICE, title="VPN", priority=Priority.HIGH).id,
        "it_low": desk.tickets.open_ticket(BOB, title="Mouse", priority=Priority.LOW).id,
        "hr_waiting": desk.tickets.open_ticket(ALICE, title="Payslip").id,
        "hr_new": desk.tickets.open_ticket(BOB, title="Leave <!channel>").id,
        "hr_closed": desk.tickets.open_ticket(ALICE, title="Old question").id,
    }
    desk.tickets.take(SUPPORT, made["hr_waiting"])
    desk.tickets.change_status(SUPPORT, made["hr_waiting"], Status.WAITING)
    desk.tickets.change_status(SUPPORT, made["hr_closed"], Status.CLOSED)
    for name, ticket_id in made.items():
        if name.startswith("hr_"):
            move_to(two_teams.engine, ticket_id, "hr")
    return made


def test_each_team_gets_one_digest_of_its_own_tickets_a_day(
    two_teams: Core, clock: Clock, tickets: dict[str, int]
) -> None:
    clock.now = MONDAY_MORNING
    other = bootstrap(two_teams.settings, clock=clock)  # a second replica
    try:
        assert two_teams.digest_job(Leases(two_teams.jobs, clock=clock))()
        clock.advance(minutes=3)  # past the lease: the other replica's round finds both sent
        assert not other.digest_job(Leases(other.jobs, clock=clock))()
        assert not two_teams.digest_job(Leases(two_teams.jobs, clock=clock))()
    finally:
        other.close()
    found = digests(two_teams.engine)
    assert set(found) == {"it", "hr"}
    (it,) = found["it"]
    (hr,) = found["hr"]
    assert it.of_team
    assert hr.of_team
    assert (it.open, it.unassigned, it.waiting) == (2, 2, 0)
    assert [t.id for t in it.top_open] == [tickets["it_missed"], tickets["it_low"]]
    assert (hr.open, hr.unassigned, hr.waiting) == (2, 1, 1)
    assert [t.id for t in hr.oldest_waiting] == [tickets["hr_waiting"]]
    assert {t.id for t in hr.top_open} == {tickets["hr_new"], tickets["hr_waiting"]}
    # The targets' counts are the team's too: IT's high ticket missed its first answer.
    assert it.breached == 1
    assert [t.id for t in it.breached_tickets] == [tickets["it_missed"]]
    assert hr.breached == 0
    assert hr.breached_tickets == ()

    clock.advance(days=1)  # Tuesday: a digest per team again
    assert two_teams.digest_job(Leases(two_teams.jobs, clock=clock))()
    found = digests(two_teams.engine)
    assert [len(found["it"]), len(found["hr"])] == [2, 2]
    assert found["it"][1].day.isoformat() == "2026-03-17"


def test_a_teams_digest_still_goes_when_anothers_went_first(
    two_teams: Core, clock: Clock, tickets: dict[str, int]
) -> None:
    """A replica that queued IT's digest and stopped before HR's: the next round sends
    HR's alone, once."""
    clock.now = MONDAY_MORNING
    calendar = two_teams.settings.calendar()
    nine = two_teams.settings.clock_intervals().digest_time
    it_alone = send_digest_if_due(two_teams.digests, calendar, nine, clock(), teams=("it",))
    assert it_alone
    assert set(digests(two_teams.engine)) == {"it"}
    assert send_digest_if_due(two_teams.digests, calendar, nine, clock(), teams=("it", "hr"))
    assert not send_digest_if_due(two_teams.digests, calendar, nine, clock(), teams=("it", "hr"))
    found = digests(two_teams.engine)
    assert [len(found["it"]), len(found["hr"])] == [1, 1]
    assert found["hr"][0].open == 2
    with two_teams.engine.connect() as connection:
        recorded = connection.execute(
            select(DigestSent.day, DigestSent.team_id).order_by(DigestSent.team_id)
        ).all()
    assert [(day.isoformat(), team) for day, team in recorded] == [
        ("2026-03-16", "hr"),
        ("2026-03-16", "it"),
    ]


def test_without_a_desk_file_one_digest_of_every_ticket(core: Core, clock: Clock) -> None:
    """The one team Support: its digest counts every ticket and is recorded as its."""
    clock.now = MONDAY_EARLY
    core.desk.tickets.open_ticket(ALICE, title="VPN")
    core.desk.tickets.open_ticket(BOB, title="Printer")
    clock.now = MONDAY_MORNING
    assert core.digest_job(Leases(core.jobs, clock=clock))()
    assert not core.digest_job(Leases(core.jobs, clock=clock))()
    found = digests(core.engine)
    assert list(found) == ["support"]
    (digest,) = found["support"]
    assert not digest.of_team
    assert digest.open == 2
