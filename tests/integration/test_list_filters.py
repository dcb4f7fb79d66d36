"""The list's filters on both databases (`/ticket list team:it status:new priority:high
mine unassigned`): each narrows the list in the query, they combine, pages and totals
follow them, and an unknown team is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.snapshots import snapshot

TWO_TEAMS = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR}
"""


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


def open_ticket(
    desk: HelpDesk, reporter: str, title: str, priority: Priority = Priority.MEDIUM
) -> int:
    return desk.tickets.open_ticket(reporter, title=title, priority=priority).id


@pytest.fixture
def tickets(two_teams: Core) -> dict[str, int]:
    """Seven tickets over two teams, reporters, priorities, statuses and holders."""
    desk = two_teams.desk
    made = {
        "it_new_high": open_ticket(desk, ALICE, "VPN down", priority=Priority.HIGH),
        "it_new_low": open_ticket(desk, BOB, "Mouse", priority=Priority.LOW),
        "it_taken_high": open_ticket(desk, BOB, "Server", priority=Priority.HIGH),
        "it_resolved": open_ticket(desk, ALICE, "Done already"),
        "hr_new_high": open_ticket(desk, ALICE, "Payslip wrong", priority=Priority.HIGH),
        "hr_taken": open_ticket(desk, BOB, "Leave request"),
        "hr_closed": open_ticket(desk, ALICE, "Old question"),
    }
    desk.tickets.take(SUPPORT, made["it_taken_high"])
    desk.tickets.take(SUPPORT, made["hr_taken"])
    desk.tickets.change_status(SUPPORT, made["it_resolved"], Status.RESOLVED)
    desk.tickets.change_status(SUPPORT, made["hr_closed"], Status.CLOSED)
    for name, ticket_id in made.items():
        if name.startswith("hr_"):
            move_to(two_teams.engine, ticket_id, "hr")
    return made


def listed(
    desk: HelpDesk,
    actor: str = SUPPORT,
    *,
    team: str | None = None,
    status: Status | None = None,
    priority: Priority | None = None,
    unassigned: bool = False,
) -> set[int]:
    """The whole list (support's queue, else the actor's own), filtered."""
    page = desk.queries.list_tickets(
        actor,
        queue=actor == SUPPORT,
        team=team,
        status=status,
        priority=priority,
        unassigned=unassigned,
    )
    assert page.total == len(page.items)
    return {t.id for t in page.items}


def ids(tickets: dict[str, int], *names: str) -> set[int]:
    return {tickets[name] for name in names}


def test_each_filter_narrows_the_queue(two_teams: Core, tickets: dict[str, int]) -> None:
    desk = two_teams.desk
    assert listed(desk, team="it") == ids(tickets, "it_new_high", "it_new_low", "it_taken_high")
    assert listed(desk, team="hr") == ids(tickets, "hr_new_high", "hr_taken")
    assert listed(desk, status=Status.NEW) == ids(
        tickets, "it_new_high", "it_new_low", "hr_new_high"
    )
    assert listed(desk, status=Status.CLOSED) == ids(tickets, "hr_closed")
    assert listed(desk, priority=Priority.HIGH) == ids(
        tickets, "it_new_high", "it_taken_high", "hr_new_high"
    )
    assert listed(desk, unassigned=True) == ids(tickets, "it_new_high", "it_new_low", "hr_new_high")


def test_filters_combine(two_teams: Core, tickets: dict[str, int]) -> None:
    desk = two_teams.desk
    assert listed(desk, team="it", status=Status.NEW) == ids(tickets, "it_new_high", "it_new_low")
    assert listed(desk, team="it", priority=Priority.HIGH, unassigned=True) == ids(
        tickets, "it_new_high"
    )
    assert listed(desk, team="hr", status=Status.RESOLVED) == set()
    assert listed(desk, team="it", status=Status.RESOLVED) == ids(tickets, "it_resolved")
    # A person's own list (`mine`) takes the same filters.
    assert listed(desk, ALICE, team="hr") == ids(tickets, "hr_new_high")
    assert listed(desk, ALICE, team="it", status=Status.RESOLVED) == ids(tickets, "it_resolved")
    assert listed(desk, BOB, unassigned=True) == ids(tickets, "it_new_low")
    assert listed(desk, BOB, priority=Priority.HIGH) == ids(tickets, "it_taken_high")


def test_pages_and_totals_follow_the_filters(two_teams: Core) -> None:
    desk = two_teams.desk
    made = [open_ticket(desk, ALICE, f"Issue {n}") for n in range(7)]
    for ticket_id in made[:2]:
        move_to(two_teams.engine, ticket_id, "hr")
    desk.tickets.take(SUPPORT, made[6])
    pages = [
        desk.queries.list_tickets(
            SUPPORT, queue=True, team="it", unassigned=True, limit=2, offset=offset
        )
        for offset in (0, 2, 4)
    ]
    assert [page.total for page in pages] == [4, 4, 4]
    assert [len(page.items) for page in pages] == [2, 2, 0]
    assert {t.id for page in pages for t in page.items} == set(made[2:6])
    mine = desk.queries.list_tickets(ALICE, team="hr", limit=1, offset=1)
    assert ([t.id for t in mine.items], mine.total) == ([made[0]], 2)  # newest first
    new = desk.queries.list_tickets(SUPPORT, queue=True, status=Status.NEW, limit=5, offset=5)
    assert (len(new.items), new.total) == (1, 6)


def test_an_unknown_team_is_refused_and_changes_nothing(two_teams: Core) -> None:
    before = snapshot(two_teams.engine)
    with pytest.raises(InvalidInput) as raised:
        two_teams.desk.queries.list_tickets(SUPPORT, queue=True, team="support")
    assert raised.value.field == "team"
    assert snapshot(two_teams.engine) == before


def test_without_a_desk_file_the_one_team_is_support(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk, ALICE, "Printer jams")
    assert [t.id for t in desk.queries.list_tickets(SUPPORT, queue=True, team="support").items] == [
        ticket_id
    ]
    with pytest.raises(InvalidInput):
        desk.queries.list_tickets(SUPPORT, queue=True, team="it")
