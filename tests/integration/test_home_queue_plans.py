"""The App Home queue's sorts read their first page from the top of an index, on both
databases: oldest first (the open queue, a team's, a status's) and due first (the open
queue, a team's), not the queue filtered and sorted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, text

from flashticket_core.adapters.db import make_engine
from flashticket_core.adapters.sql_reads import SqlReads
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.queue_view import HOME_QUEUE_PAGE, QueueSort
from tests.integration.test_query_plans import plans_of

TICKETS = 5000
TEAMS = 50
BIG_TEAM = "it"
OLDEST, DUE = QueueSort.OLDEST, QueueSort.DUE


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Open and finished tickets over many teams, two of three open ones with a target
    running, with fresh planner statistics."""
    engine = make_engine(database_url)
    opened = datetime(2026, 3, 1, tzinfo=UTC)
    statuses = [Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.CLOSED]
    rows = [
        {
            "id": number,
            "title": f"ticket {number}",
            "description": "",
            "priority": list(Priority)[number % len(Priority)],
            "status": statuses[number % len(statuses)],
            "reporter_id": "UREPORTER1",
            "assignee_id": None,
            "created_at": opened + timedelta(seconds=number),
            "updated_at": opened + timedelta(seconds=number),
            "version": 1,
            "team_id": BIG_TEAM if number % 2 else f"team{number % TEAMS}",
            "next_due_at": (
                opened + timedelta(minutes=(number * 7919) % 10007)
                if number % 3 and statuses[number % len(statuses)] is not Status.CLOSED
                else None
            ),
        }
        for number in range(1, TICKETS + 1)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Ticket), rows)
        connection.execute(text("ANALYZE"))
    yield engine
    engine.dispose()


def page(sort: QueueSort, **filters: object) -> Callable[[SqlReads], object]:
    return lambda reads: reads.tickets(limit=HOME_QUEUE_PAGE, sort=sort, **filters)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (page(OLDEST), "ix_tickets_queue_oldest"),
        (page(OLDEST, team_id="team8"), "ix_tickets_team_queue_oldest"),
        (page(OLDEST, statuses=frozenset({Status.CLOSED})), "ix_tickets_status_oldest"),
        (page(DUE), "ix_tickets_queue_due"),
        (page(DUE, team_id=BIG_TEAM), "ix_tickets_team_queue_due"),
    ],
    ids=["oldest", "team-oldest", "status-oldest", "due", "team-due"],
)
def test_each_sort_reads_its_first_page_from_an_index_without_sorting(
    engine: Engine, read: Callable[[SqlReads], object], index: str
) -> None:
    plan = plans_of(engine, read)[0]
    if engine.dialect.name == "sqlite":
        assert f"USING INDEX {index}" in plan
        assert "TEMP B-TREE" not in plan
    else:
        assert f"Index Scan using {index} on tickets" in plan
        assert "Sort" not in plan
