"""The support queue's first page is read from the top of an index, on both databases:
its cost follows the page, not the number of open tickets or of those with a target
missed."""

from __future__ import annotations

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
