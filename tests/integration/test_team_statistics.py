"""`/ticket stats [team]` on both databases: a team's figures count its tickets alone, read
from the team's indexes, and agree with the tallies' figures of the whole desk; an
unknown team, or one a person may not see, is refused naming the teams they may."""

from __future__ import annotations

import random
import statistics as exact
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event, insert, text

from flashticket_core.adapters.db import Database, make_engine
from flashticket_core.adapters.sql_reads import SqlReads
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import EVERY_TEAM, TeamScope
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer.dashboard import Statistics
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock

TWO_TEAMS = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR, private: true}
"""
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 31, 10, tzinfo=UTC)


@pytest.fixture
def two_teams(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(TWO_TEAMS)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
        flashticket_timezone="Europe/Berlin",
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


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


Durations = dict[str, dict[str, list[int]]]


@pytest.fixture
def history(two_teams: Core, clock: Clock) -> Durations:
    """Three months of tickets over both teams, many around the edges of days and months
    in Berlin: opened, replied to, resolved or closed, waiting, some deleted. Returns
    each team's first-reply and resolution durations of live tickets in the last 30 days
    (UTC days, as the figures count them)."""
    desk, rng = two_teams.desk, random.Random(24)
    since = (NOW - timedelta(days=29)).replace(hour=0, minute=0, second=0)
    measured: dict[int, tuple[str, str, int]] = {}
    for number in range(120):
        team = "hr" if number % 3 == 0 else "it"
        opened = NOW - timedelta(days=rng.uniform(0.1, 95))
        if number % 5 == 0:  # around local midnight: 22:00–23:00 UTC
            opened = opened.replace(hour=22, minute=rng.randint(0, 59))
        clock.now = opened
        ticket = desk.tickets.open_ticket(
            ALICE, title=f"t{number}", priority=rng.choice(list(Priority))
        ).id
        move_to(two_teams.engine, ticket, team)
        if rng.random() < 0.7:
            clock.now = min(NOW, opened + timedelta(seconds=rng.randint(5, 90_000)))
            desk.conversation.add_support_reply(ADMIN, ticket, "On it.")
            if clock.now >= since:
                measured[ticket * 2] = (team, "first_reply", seconds_between(opened, clock.now))
        if rng.random() < 0.5:
            clock.now = min(NOW, clock.now + timedelta(seconds=rng.randint(60, 400_000)))
            status = Status.CLOSED if rng.random() < 0.3 else Status.RESOLVED
            desk.tickets.change_status(ADMIN, ticket, status)
            if clock.now >= since:
                measured[ticket * 2 + 1] = (
                    team,
                    "resolution",
                    seconds_between(opened, clock.now),
                )
        elif rng.random() < 0.3:
            desk.tickets.take(ADMIN, ticket)
            desk.tickets.change_status(ADMIN, ticket, Status.WAITING)
        if number % 17 == 0:
            desk.tickets.delete(ADMIN, ticket)
            measured.pop(ticket * 2, None)
            measured.pop(ticket * 2 + 1, None)
    clock.now = NOW
    durations: Durations = {team: {"first_reply": [], "resolution": []} for team in ("it", "hr")}
    for team, measure, seconds in measured.values():
        durations[team][measure].append(seconds)
    return durations


def read_statistics(core: Core, teams: frozenset[str] | None, days: int = 30) -> Statistics:
    scope = EVERY_TEAM if teams is None else TeamScope(only=teams)
    with core.desk.env.reads() as reads:
        return reads.statistics(now=NOW, days=days, zone=BERLIN, teams=scope)


def test_every_teams_figures_from_the_tickets_equal_the_tallies(
    two_teams: Core, history: object
) -> None:
    """The team reads counted over every team give what the triggers' tallies give: the
    same periods, edges in Berlin, medians and targets, per month and today."""
    for days in (1, 30, 400):
        tallied = read_statistics(two_teams, None, days)
        counted = read_statistics(two_teams, frozenset({"it", "hr"}), days)
        assert counted.teams == ("hr", "it")
        assert counted.kpis == tallied.kpis
        assert counted.status_per_month == tallied.status_per_month
        assert sum(tallied.created_per_month.values()) > 0


def test_the_teams_figures_add_up_to_the_desks(two_teams: Core, history: object) -> None:
    whole = read_statistics(two_teams, None)
    it = read_statistics(two_teams, frozenset({"it"}))
    hr = read_statistics(two_teams, frozenset({"hr"}))
    assert it.open_total
    assert hr.open_total
    for status in whole.open_by_status:
        assert it.open_by_status[status] + hr.open_by_status[status] == whole.open_by_status[status]
    for month, count in whole.created_per_month.items():
        assert it.created_per_month[month] + hr.created_per_month[month] == count
    for name in ("first_replies_in_period", "resolved_in_period", "opened_today"):
        assert getattr(it.kpis, name) + getattr(hr.kpis, name) == getattr(whole.kpis, name)


def test_a_teams_medians_are_of_its_own_tickets(two_teams: Core, history: Durations) -> None:
    """Each team's counts and medians are those of its own live tickets' durations,
    within the 10% the fine buckets allow."""
    for team in ("it", "hr"):
        kpis = read_statistics(two_teams, frozenset({team})).kpis
        replies, resolutions = history[team]["first_reply"], history[team]["resolution"]
        assert len(replies) > 3
        assert len(resolutions) > 3
        assert kpis.first_replies_in_period == len(replies)
        assert kpis.resolved_in_period == len(resolutions)
        assert kpis.median_seconds_to_first_reply == pytest.approx(exact.median(replies), rel=0.1)
        assert kpis.median_seconds_to_resolve == pytest.approx(exact.median(resolutions), rel=0.1)


def test_stats_of_one_team_through_the_help_desk(two_teams: Core, history: object) -> None:
    desk = two_teams.desk
    it = desk.queries.statistics(SUPPORT, team="it")
    assert it.teams == ("it",)
    assert it.kpis == read_statistics(two_teams, frozenset({"it"})).kpis
    # Without a team: every team the person may see; an admin sees all, the tallies.
    everyone = desk.queries.statistics(ADMIN)
    assert everyone.teams is None
    assert everyone.kpis == read_statistics(two_teams, None).kpis
    # Global support beside the private HR: every team's figures but HR's.
    seen = desk.queries.statistics(SUPPORT)
    assert seen.kpis == it.kpis
    assert seen.kpis != everyone.kpis


@pytest.mark.parametrize(
    ("team", "asker", "named"),
    [("finance", ADMIN, "it, hr"), ("IT", ADMIN, "it, hr"), ("hr", SUPPORT, "it")],
)
def test_an_unknown_or_hidden_team_is_refused_naming_the_teams(
    two_teams: Core, team: str, asker: str, named: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        two_teams.desk.queries.statistics(asker, team=team)
    assert refused.value.key == "error.unknown_team"
    assert refused.value.params["allowed"] == named
    assert refused.value.params["value"] == team


@pytest.fixture
def many_teams(database_url: str) -> Iterator[Engine]:
    """5,000 tickets over a year and 51 teams (half of them one big team's), some first
    replied to and resolved, with fresh planner statistics."""
    engine = make_engine(database_url)
    start = NOW - timedelta(days=400)
    rows = []
    for number in range(1, 5001):
        created = start + timedelta(minutes=115 * number)
        rows.append(
            {
                "id": number,
                "title": f"ticket {number}",
                "description": "",
                "priority": list(Priority)[number % 3],
                "status": Status.RESOLVED if number % 2 else Status.NEW,
                "reporter_id": ALICE,
                "created_at": created,
                "updated_at": created,
                "first_response_at": created + timedelta(hours=1) if number % 3 else None,
                "resolved_at": created + timedelta(hours=5) if number % 2 else None,
                "version": 1,
                "team_id": "it" if number % 2 else f"team{number % 50}",
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Ticket), rows)
        connection.execute(text("ANALYZE"))
    yield engine
    engine.dispose()


def test_a_teams_figures_read_the_teams_indexes(many_teams: Engine) -> None:
    """Each read of a small team's figures against the tickets is an index search: the
    periods by the team's opening times, the medians by the team's event times; none
    reads every ticket."""
    engine = many_teams
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "FROM tickets" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Database(engine).reading() as session:
            stats = SqlReads(session).statistics(
                now=NOW, days=30, zone=BERLIN, teams=TeamScope(only=frozenset({"team8"}))
            )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sum(stats.created_per_month.values()) > 0
    plans = [plan_of(engine, sql, params) for sql, params in statements]
    assert len(plans) >= 5
    for plan in plans:
        if engine.dialect.name == "sqlite":
            assert "SCAN tickets" not in plan, plan
        else:
            assert "Seq Scan on tickets" not in plan, plan
    used = "\n".join(plans)
    for index in (
        "ix_tickets_team_created_at",
        "ix_tickets_team_first_response_at",
        "ix_tickets_team_resolved_at",
    ):
        assert index in used, used


def plan_of(engine: Engine, sql: str, params: Any) -> str:
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        return "\n".join(str(row[-1]) for row in connection.exec_driver_sql(explain + sql, params))
