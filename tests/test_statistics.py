"""Statistics against values computed by hand on a known data set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.service_layer.services import TicketService
from tests.conftest import ALICE, BOB, SUPPORT, Clock


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_statistics_on_a_known_data_set(service: TicketService, clock: Clock) -> None:
    def open_at(when: str, priority: Priority = Priority.MEDIUM) -> int:
        clock.now = at(when)
        return service.open_ticket(ALICE, title=f"opened {when}", priority=priority).id

    def resolve_at(ticket_id: int, when: str) -> None:
        clock.now = at(when)
        service.change_status(SUPPORT, ticket_id, Status.RESOLVED)

    # The last second of January and the first of February fall in different months.
    jan = open_at("2026-01-31 23:59:59", Priority.HIGH)
    feb = open_at("2026-02-01 00:00:00", Priority.LOW)
    feb2 = open_at("2026-02-14 12:00:00", Priority.HIGH)
    mar = open_at("2026-03-01 08:00:00")
    open_at("2026-03-02 08:00:00", Priority.LOW)  # stays new
    old = open_at("2024-06-01 10:00:00")  # outside the 12-month window

    resolve_at(jan, "2026-02-01 00:59:59")  # 1 h
    resolve_at(feb, "2026-02-01 03:00:00")  # 3 h
    resolve_at(feb2, "2026-03-01 12:00:00")  # 15 days
    clock.now = at("2026-03-02 09:00:00")
    service.take(SUPPORT, mar)
    service.change_status(SUPPORT, mar, Status.WAITING)
    resolve_at(old, "2026-03-03 10:00:00")

    clock.now = at("2026-03-10 12:00:00")
    stats = service.statistics(SUPPORT, days=60)

    assert stats.open_by_status == {Status.NEW: 1, Status.IN_PROGRESS: 0, Status.WAITING: 1}
    assert stats.open_total == 2
    assert stats.open_by_priority == {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 1}
    assert min(stats.created_per_month) == "2025-04"
    assert max(stats.created_per_month) == "2026-03"
    assert {k: v for k, v in stats.created_per_month.items() if v} == {
        "2026-01": 1,
        "2026-02": 2,
        "2026-03": 2,
    }
    assert {k: v for k, v in stats.resolved_per_month.items() if v} == {
        "2026-02": 2,
        "2026-03": 2,
    }
    # Resolved within 60 days: 1 h, 3 h, 15 d and 640 d; median = (3 h + 15 d) / 2.
    assert stats.resolved_in_period == 4
    assert stats.median_seconds_to_resolve == pytest.approx((3 * 3600 + 15 * 86400) / 2, abs=1)

    # Since 2026-03-01 12:00 (inclusive): feb2 (15 d) and old; not jan, not feb.
    last_week = service.statistics(SUPPORT, days=9)
    assert last_week.resolved_in_period == 2
    assert last_week.median_seconds_to_resolve == pytest.approx(
        (15 * 86400 + (at("2026-03-03 10:00:00") - at("2024-06-01 10:00:00")).total_seconds()) / 2,
        abs=1,
    )


def test_statistics_of_an_empty_desk(service: TicketService) -> None:
    stats = service.statistics(SUPPORT)
    assert stats.open_total == 0
    assert stats.median_seconds_to_resolve is None
    assert set(stats.created_per_month.values()) == {0}
    assert len(stats.created_per_month) == 12


def test_deleted_tickets_do_not_count(service: TicketService, clock: Clock) -> None:
    kept = service.open_ticket(ALICE, title="kept").id
    gone = service.open_ticket(BOB, title="gone").id
    service.delete("UADMIN0001", gone)
    stats = service.statistics(SUPPORT)
    assert stats.open_total == 1
    assert sum(stats.created_per_month.values()) == 1
    assert service.show(SUPPORT, kept).ticket.status is Status.NEW
