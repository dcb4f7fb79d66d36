"""Two people change the same ticket at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from flashticket_core.adapters import sql_unit_of_work as unit_of_work
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.errors import Conflict
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, SUPPORT


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads that start together; return results or exceptions."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        start.wait(timeout=10)
        try:
            results[index] = action()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_agents_racing_with_the_same_version_one_wins(desk: HelpDesk, core: Core) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Laptop will not boot").id
    outcomes = race(
        lambda: desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED, expected_version=1),
        lambda: desk.tickets.change_status(ADMIN, ticket_id, Status.CLOSED, expected_version=1),
    )
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], Conflict)
    detail = desk.queries.show(ADMIN, ticket_id)
    assert losers[0].current.status is detail.ticket.status
    status_changes = [c for c in detail.history if c.field == "status"]
    assert len(status_changes) == 1
    assert detail.ticket.version == 2


def test_racing_without_a_version_never_loses_an_update_silently(
    database_url: str, desk: HelpDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both transactions read version 1 before either writes; the later write must fail."""
    ticket_id = desk.tickets.open_ticket(ALICE, title="Mail quota").id
    both_loaded = threading.Barrier(2)
    original_get = unit_of_work.SqlTicketRepository.get

    def get_then_wait(self: unit_of_work.SqlTicketRepository, tid: int) -> object:
        ticket = original_get(self, tid)
        both_loaded.wait(timeout=5)
        return ticket

    if database_url.startswith("sqlite"):
        # SQLite writers queue at BEGIN IMMEDIATE, so both can never hold version 1
        # at once: the second sees the first's change. That is the guarantee there.
        outcomes = race(
            lambda: desk.tickets.set_priority(ADMIN, ticket_id, Priority.HIGH),
            lambda: desk.tickets.set_priority(SUPPORT, ticket_id, Priority.LOW),
        )
        assert [o for o in outcomes if isinstance(o, Exception)] == []
        history = [c for c in desk.queries.show(ADMIN, ticket_id).history if c.field == "priority"]
        assert len(history) == 2
        assert history[0].new == history[1].old
        return
    monkeypatch.setattr(unit_of_work.SqlTicketRepository, "get", get_then_wait)
    outcomes = race(
        lambda: desk.tickets.set_priority(ADMIN, ticket_id, Priority.HIGH),
        lambda: desk.tickets.set_priority(SUPPORT, ticket_id, Priority.LOW),
    )
    monkeypatch.undo()
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "TicketSummary"]
    history = [c for c in desk.queries.show(ADMIN, ticket_id).history if c.field == "priority"]
    assert len(history) == 1


def test_many_writers_on_distinct_tickets_all_succeed(database_url: str, core: Core) -> None:
    """Concurrency control must not refuse changes that do not conflict."""
    desk = core.desk
    ids = [desk.tickets.open_ticket(ALICE, title=f"Ticket {n}").id for n in range(6)]
    other = bootstrap(core.settings)
    try:
        outcomes = race(
            *[
                (lambda tid=tid, svc=svc: svc.tickets.change_status(ADMIN, tid, Status.RESOLVED))
                for tid, svc in zip(ids, [desk, other.desk] * 3, strict=True)
            ]
        )
    finally:
        other.close()
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert desk.queries.list_tickets(ADMIN, queue=True).total == 0
