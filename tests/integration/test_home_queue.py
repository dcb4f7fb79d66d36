"""The App Home's queue table on both databases: each filter narrows it as it narrows
`/ticket list`, the sorts order it, pages follow the filters, each person's choice is
remembered, a reporter still sees only their own tickets, and the soonest due time the
"due first" sort reads is kept with the targets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from bot import blocks
from flashticket_core.adapters.db import make_engine
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.errors import InvalidInput, NotAllowed
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.queue_view import (
    HOME_QUEUE_PAGE,
    AssigneeFilter,
    QueueSort,
    QueueView,
)
from migrations import runner
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.integration.test_list_filters import TWO_TEAMS, move_to
from tests.snapshots import snapshot

OTHER_SUPPORT = "USUPPORT02"


@pytest.fixture
def two_teams(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(TWO_TEAMS)
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
        flashticket_business_hours="always",
    )
    core = bootstrap(settings, clock=clock)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    core.desk.roles.grant(ADMIN, OTHER_SUPPORT, Role.SUPPORT)
    yield core
    core.close()


@pytest.fixture
def tickets(two_teams: Core, clock: Clock) -> dict[str, int]:
    """Six tickets over two teams, opened a minute apart, in several standings."""
    desk = two_teams.desk
    made: dict[str, int] = {}
    for name, reporter, priority in [
        ("it_low", BOB, Priority.LOW),
        ("it_high", ALICE, Priority.HIGH),
        ("it_mine", BOB, Priority.MEDIUM),
        ("it_waiting", ALICE, Priority.HIGH),
        ("hr_medium", ALICE, Priority.MEDIUM),
        ("hr_resolved", BOB, Priority.LOW),
    ]:
        made[name] = desk.tickets.open_ticket(reporter, title=name, priority=priority).id
        clock.advance(minutes=1)
    desk.tickets.take(SUPPORT, made["it_mine"])
    # Answered, then waiting: its first response is met and its resolution paused.
    desk.conversation.add_support_reply(SUPPORT, made["it_waiting"], "Which room?")
    desk.tickets.change_status(SUPPORT, made["it_waiting"], Status.WAITING)
    desk.tickets.change_status(SUPPORT, made["hr_resolved"], Status.RESOLVED)
    for name in ("hr_medium", "hr_resolved"):
        move_to(two_teams.engine, made[name], "hr")
    return made


def shown(desk: HelpDesk, actor: str = SUPPORT) -> list[int]:
    home = desk.queries.home(actor)
    assert home.queue is not None
    return [t.id for t in home.queue.items]


def choose(desk: HelpDesk, actor: str = SUPPORT, **changes: object) -> None:
    view = replace(desk.queries.queue_view(actor), page=1, **changes)  # type: ignore[arg-type]
    desk.people.choose_queue_view(actor, view)


def named(tickets: dict[str, int], *names: str) -> list[int]:
    return [tickets[name] for name in names]


def test_each_filter_narrows_the_queue_and_the_choice_is_remembered(
    two_teams: Core, tickets: dict[str, int]
) -> None:
    desk = two_teams.desk
    everything = set(named(tickets, "it_low", "it_high", "it_mine", "it_waiting", "hr_medium"))
    assert set(shown(desk)) == everything
    choose(desk, team="hr")
    assert shown(desk) == named(tickets, "hr_medium")
    choose(desk, team=None, status=Status.RESOLVED)
    assert shown(desk) == named(tickets, "hr_resolved")
    choose(desk, status=None, priority=Priority.HIGH)
    assert set(shown(desk)) == set(named(tickets, "it_high", "it_waiting"))
    choose(desk, priority=None, assignee=AssigneeFilter.ME)
    assert shown(desk) == named(tickets, "it_mine")
    # Someone else's choice is theirs: OTHER_SUPPORT still sees the whole queue, and
    # "me" is whoever looks.
    assert set(shown(desk, OTHER_SUPPORT)) == everything
    choose(desk, OTHER_SUPPORT, assignee=AssigneeFilter.ME)
    assert shown(desk, OTHER_SUPPORT) == []
    choose(desk, assignee=AssigneeFilter.UNASSIGNED, team="it")
    assert set(shown(desk)) == set(named(tickets, "it_low", "it_high", "it_waiting"))
    home = desk.queries.home(SUPPORT)
    assert home.queue_view == QueueView(team="it", assignee=AssigneeFilter.UNASSIGNED)
    assert home.teams == (("it", "IT-Support"), ("hr", "HR"))


def test_the_sorts_order_the_queue(two_teams: Core, tickets: dict[str, int]) -> None:
    desk = two_teams.desk
    choose(desk, sort=QueueSort.OLDEST)
    assert shown(desk) == named(tickets, "it_low", "it_high", "it_mine", "it_waiting", "hr_medium")
    # Due first: the high ticket's first response (30 min) before the medium ones' (4 h,
    # the older first) and the low one's (1 day); nothing of the waiting one runs: last.
    choose(desk, sort=QueueSort.DUE)
    assert shown(desk) == named(tickets, "it_high", "it_mine", "hr_medium", "it_low", "it_waiting")
    # The queue's own order: unassigned and new first, by priority.
    choose(desk, sort=QueueSort.PRIORITY)
    assert shown(desk)[:3] == named(tickets, "it_high", "hr_medium", "it_low")


def test_a_missed_target_comes_first_when_due_first(
    two_teams: Core, tickets: dict[str, int], clock: Clock
) -> None:
    desk = two_teams.desk
    clock.advance(days=2)
    late = desk.tickets.open_ticket(ALICE, title="fresh", priority=Priority.HIGH).id
    choose(desk, sort=QueueSort.DUE)
    # Everything opened two days ago is due before (or was due long before) the fresh one.
    assert shown(desk)[-2:] == [late, tickets["it_waiting"]]
    # Met targets no longer count: answering it leaves only its resolution running.
    desk.conversation.add_support_reply(SUPPORT, tickets["it_high"], "on it")
    with two_teams.engine.connect() as connection:
        due = connection.scalar(select(Ticket.next_due_at).where(Ticket.id == tickets["it_high"]))
    opened = desk.queries.show(SUPPORT, tickets["it_high"]).ticket.created_at
    assert due is not None
    assert abs(due.replace(tzinfo=opened.tzinfo) - (opened + timedelta(hours=4))) < timedelta(
        seconds=1
    )


def test_pages_follow_the_filters_and_stop_at_the_last(two_teams: Core, clock: Clock) -> None:
    desk = two_teams.desk
    made = []
    for number in range(HOME_QUEUE_PAGE + 5):
        made.append(desk.tickets.open_ticket(ALICE, title=f"Issue {number}").id)
        clock.advance(minutes=1)
    move_to(two_teams.engine, made[0], "hr")
    for sort in QueueSort:
        choose(desk, sort=sort)
        first = shown(desk)
        desk.people.choose_queue_view(SUPPORT, replace(desk.queries.queue_view(SUPPORT), page=2))
        second = shown(desk)
        assert (len(first), len(second)) == (HOME_QUEUE_PAGE, 5), sort
        assert set(first) | set(second) == set(made), sort
    choose(desk, team="it", sort=QueueSort.OLDEST)
    desk.people.choose_queue_view(SUPPORT, replace(desk.queries.queue_view(SUPPORT), page=9))
    home = desk.queries.home(SUPPORT)
    assert home.queue is not None
    assert home.queue_view is not None
    # Past the last page: the last page, and the Home says which it is.
    assert (home.queue_view.page, home.queue.total) == (2, HOME_QUEUE_PAGE + 4)
    assert [t.id for t in home.queue.items] == made[HOME_QUEUE_PAGE + 1 :]
    table = str(blocks.home(Language.DE, home))
    assert "Seite 2 von 2" in table


def test_a_reporter_sees_their_own_tickets_and_may_not_choose_a_queue(
    two_teams: Core, tickets: dict[str, int]
) -> None:
    desk = two_teams.desk
    home = desk.queries.home(ALICE)
    assert home.queue is None
    assert home.queue_view is None
    assert {t.id for t in home.my_open.items} == set(
        named(tickets, "it_high", "it_waiting", "hr_medium")
    )
    before = snapshot(two_teams.engine)
    with pytest.raises(NotAllowed):
        desk.people.choose_queue_view(ALICE, QueueView(status=Status.NEW))
    with pytest.raises(InvalidInput) as raised:
        desk.people.choose_queue_view(SUPPORT, QueueView(team="support"))
    assert raised.value.field == "team"
    assert snapshot(two_teams.engine) == before


def test_a_remembered_team_the_desk_dropped_filters_nothing(
    two_teams: Core, tickets: dict[str, int]
) -> None:
    desk = two_teams.desk
    choose(desk, team="hr")
    with two_teams.engine.begin() as connection:
        connection.execute(text("UPDATE queue_views SET team_id = 'gone', sort = 'sideways'"))
    home = desk.queries.home(SUPPORT)
    assert home.queue_view == QueueView()
    assert home.queue is not None
    assert home.queue.total == 5


def test_the_migration_fills_in_the_soonest_due_time_and_goes_back_down(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        runner.upgrade(engine, "7c2d9e4f1a36")
        with engine.begin() as connection:
            for ticket_id in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO tickets (id, title, description, priority, status, "
                        "reporter_id, created_at, updated_at, version) VALUES (:id, 'T', '', "
                        "'high', 'new', 'UR', '2026-03-01 10:00:00', '2026-03-01 10:00:00', 1)"
                    ),
                    {"id": ticket_id},
                )
            targets = [
                (1, "first_response", "2026-03-01 10:30:00", None),
                (1, "resolution", "2026-03-01 14:00:00", None),
                (2, "first_response", None, "2026-03-01 10:20:00"),
                (2, "resolution", "2026-03-01 14:00:00", None),
            ]
            for ticket_id, kind, due_at, met_at in targets:
                connection.execute(
                    text(
                        "INSERT INTO ticket_targets (ticket_id, kind, length_seconds, "
                        "consumed_seconds, due_at, met_at, warned, breached) VALUES "
                        "(:ticket_id, :kind, 1800, 0, :due_at, :met_at, false, false)"
                    ),
                    {"ticket_id": ticket_id, "kind": kind, "due_at": due_at, "met_at": met_at},
                )
        runner.upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, next_due_at FROM tickets ORDER BY id"))
            due = {row[0]: str(row[1])[:16] if row[1] else None for row in rows}
        assert due == {1: "2026-03-01 10:30", 2: "2026-03-01 14:00", 3: None}
        runner.downgrade(engine, "7c2d9e4f1a36")
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM tickets")).keys()
            assert "next_due_at" not in columns
    finally:
        engine.dispose()


def test_the_largest_page_stays_within_slacks_limits(two_teams: Core, clock: Clock) -> None:
    """A full page of the longest titles, with every other part of the Home shown too."""
    desk = two_teams.desk
    rows = [
        {
            "title": "<@U123> & " + "ü" * 140,
            "description": "",
            "priority": Priority.HIGH,
            "status": Status.NEW,
            "reporter_id": SUPPORT,
            "assignee_id": SUPPORT if n % 2 else None,
            "created_at": clock.now - timedelta(minutes=n),
            "updated_at": clock.now,
            "version": 1,
        }
        for n in range(HOME_QUEUE_PAGE * 3)
    ]
    with two_teams.engine.begin() as connection:
        connection.execute(insert(Ticket), rows)
    resolved = desk.tickets.open_ticket(SUPPORT, title="finished").id
    desk.tickets.change_status(SUPPORT, resolved, Status.RESOLVED)
    for lang in Language:
        view = blocks.home(lang, desk.queries.home(SUPPORT))
        table = [b for b in view["blocks"] if b.get("block_id", "").startswith("queue_row")]
        assert len(table) == HOME_QUEUE_PAGE
        assert len(view["blocks"]) <= 100
        assert all(len(b["text"]["text"]) <= 3000 for b in table)
        # Escaped once: the title's markup stays text.
        assert "&lt;@U123&gt; &amp; " in table[0]["text"]["text"]
