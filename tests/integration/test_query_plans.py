"""The support queue's first page is read from the top of an index, on both databases:
its cost follows the page, not the number of open tickets or of those with a target
missed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, text

from flashticket_core.adapters.db import Database, make_engine
from flashticket_core.adapters.sql_reads import SqlReads
from flashticket_core.domain.clock import Urgency
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope

# Enough open tickets that PostgreSQL's planner weighs an index against a sort.
TICKETS = 5000
ASSIGNEE = "USUPPORT01"
# The desk's teams: half of the tickets are one big team's, the rest spread thinly.
TEAMS = 50
BIG_TEAM = "it"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Open tickets in every standing, some assigned, with fresh planner statistics."""
    engine = make_engine(database_url)
    opened = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        {
            "id": number,
            "title": f"ticket {number}",
            "description": "",
            "priority": list(Priority)[number % len(Priority)],
            "status": Status.IN_PROGRESS if number % 3 else Status.NEW,
            "reporter_id": "UREPORTER1",
            "assignee_id": ASSIGNEE if number % 4 == 0 else None,
            "created_at": opened + timedelta(seconds=number),
            "updated_at": opened + timedelta(seconds=number),
            "version": 1,
            "target_urgency": Urgency.MISSED if number % 10 == 0 else Urgency.CALM,
            "team_id": BIG_TEAM if number % 2 else f"team{number % TEAMS}",
        }
        for number in range(1, TICKETS + 1)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Ticket), rows)
        connection.execute(text("ANALYZE"))
    yield engine
    engine.dispose()


def plans_of(engine: Engine, read: Callable[[SqlReads], object]) -> list[str]:
    """The plan of each query against tickets that `read` sends, one text per query."""
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "FROM tickets" in statement and "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Database(engine).reading() as session:
            read(SqlReads(session))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        return [
            "\n".join(str(row[-1]) for row in connection.exec_driver_sql(explain + sql, params))
            for sql, params in statements
        ]


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (lambda reads: reads.tickets(limit=50), "ix_tickets_support_queue"),
        (
            lambda reads: reads.tickets(assignee_id=ASSIGNEE, limit=50),
            "ix_tickets_assignee_support_queue",
        ),
        # Support beside a private team: every team's queue but that one's.
        (
            lambda reads: reads.tickets(teams=TeamScope(excluded=frozenset({"team8"})), limit=50),
            "ix_tickets_support_queue",
        ),
        # A member of one team: that team's queue.
        (
            lambda reads: reads.tickets(teams=TeamScope(only=frozenset({"team8"})), limit=20),
            "ix_tickets_team_support_queue",
        ),
    ],
    ids=["everyone", "assignee", "but-a-private-team", "members-team"],
)
def test_the_support_queue_reads_its_first_page_from_an_index_without_sorting(
    engine: Engine, read: Callable[[SqlReads], object], index: str
) -> None:
    [plan] = plans_of(engine, read)
    if engine.dialect.name == "sqlite":
        assert f"USING INDEX {index}" in plan
        assert "TEMP B-TREE" not in plan
    else:
        assert f"Index Scan using {index} on tickets" in plan
        assert "Sort" not in plan


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (lambda reads: reads.tickets(team_id="team8", limit=20), "ix_tickets_team_support_queue"),
        (
            lambda reads: reads.tickets(
                team_id=BIG_TEAM, statuses=frozenset({Status.NEW}), limit=20
            ),
            "ix_tickets_team_status_queue",
        ),
        (
            lambda reads: reads.tickets(statuses=frozenset({Status.NEW}), limit=20),
            "ix_tickets_status_queue",
        ),
    ],
    ids=["team", "team-and-status", "status"],
)
def test_a_filtered_list_reads_its_first_page_from_an_index_without_sorting(
    engine: Engine, read: Callable[[SqlReads], object], index: str
) -> None:
    """`/ticket list team:<id>` for a small team, `team:it status:new` for a big one and
    `status:new`: the tickets in the list's order, not the whole queue filtered nor the
    tickets of that status sorted."""
    [plan] = plans_of(engine, read)
    if engine.dialect.name == "sqlite":
        assert f"USING INDEX {index}" in plan
        assert "TEMP B-TREE" not in plan
    else:
        assert f"Index Scan using {index} on tickets" in plan
        assert "Sort" not in plan


# Resolved tickets, so that those a filter counts are a small share of the table, as on a
# desk of some years (SQLite's planner weighs the share; PostgreSQL's reads the index
# alone as soon as the visibility map allows).
RESOLVED = (
    "INSERT INTO tickets (id, title, description, priority, status, reporter_id, "
    "assignee_id, created_at, updated_at, version, team_id) "
    "SELECT n, 't', '', 'high', 'resolved', 'UREPORTER1', NULL, "
    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, 'team8' FROM "
    "(WITH RECURSIVE s(n) AS (SELECT 10001 UNION ALL SELECT n + 1 FROM s "
    "WHERE n < 60000) SELECT n FROM s)"
)


def count_plans_of(engine: Engine, read: Callable[[SqlReads], object]) -> list[str]:
    """The plan of each count of tickets that `read` sends (a list's total)."""
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "count(" in statement.lower() and "FROM tickets" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Database(engine).reading() as session:
            read(SqlReads(session))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        return [
            "\n".join(str(row[-1]) for row in connection.exec_driver_sql(explain + sql, params))
            for sql, params in statements
        ]


MEMBER = TeamScope(only=frozenset({"team8"}))


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (
            lambda reads: reads.tickets(teams=MEMBER, priority=Priority.HIGH, limit=5),
            "ix_tickets_team_queue_priority",
        ),
        (
            lambda reads: reads.tickets(teams=MEMBER, unassigned=True, limit=5),
            "ix_tickets_team_queue_unassigned",
        ),
    ],
    ids=["members-priority", "members-unassigned"],
)
def test_a_filtered_lists_total_is_counted_from_an_index_alone(
    engine: Engine, read: Callable[[SqlReads], object], index: str
) -> None:
    """`/ticket list priority:high` and `/ticket list unassigned` of a team member: the
    total counts the index's entries, not each open ticket of the team looked up in the
    table. (Everyone's unassigned tickets are counted from the assignee's support queue
    index, which names every column that count needs.)"""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.execute(text(RESOLVED))
            connection.execute(text("ANALYZE"))
    else:
        # As autovacuum leaves a table: its visibility map lets a scan skip the rows.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE tickets"))
    [plan] = count_plans_of(engine, read)
    if engine.dialect.name == "sqlite":
        # Every column the count names is the index's: SQLite never reads a row (it
        # does not call an index covering when the query names a generated column).
        assert re.search(rf"(SEARCH|SCAN) tickets USING (COVERING )?INDEX {index}\b", plan), plan
    else:
        assert f"Index Only Scan using {index} on tickets" in plan, plan
