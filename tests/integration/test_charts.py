"""The dashboard's charts: the right numbers, real PNGs of the expected size."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from matplotlib import image

from flashticket_core import charts
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ALICE, SUPPORT, Clock

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pixels(png: bytes) -> tuple[int, ...]:
    assert png.startswith(PNG_SIGNATURE)
    return tuple(image.imread(io.BytesIO(png), format="png").shape)


def test_status_per_month_counts_tickets_in_the_month_they_opened(
    desk: HelpDesk, clock: Clock
) -> None:
    clock.now = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    january = desk.tickets.open_ticket(ALICE, title="last second of January").id
    clock.now = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC)
    desk.tickets.open_ticket(ALICE, title="first second of February")
    desk.tickets.change_status(SUPPORT, january, Status.RESOLVED)
    stats = desk.queries.statistics(SUPPORT)
    assert list(stats.status_per_month)[-2:] == ["2026-01", "2026-02"]
    assert stats.status_per_month["2026-01"][Status.RESOLVED] == 1
    assert stats.status_per_month["2026-01"][Status.NEW] == 0
    assert stats.status_per_month["2026-02"][Status.NEW] == 1
    assert sum(sum(c.values()) for c in stats.status_per_month.values()) == 2


@pytest.mark.parametrize("tickets", [0, 1, 40])
@pytest.mark.parametrize("lang", list(Language))
def test_charts_are_pngs_of_the_expected_size(desk: HelpDesk, tickets: int, lang: Language) -> None:
    priorities = list(Priority)
    for n in range(tickets):
        desk.tickets.open_ticket(ALICE, title=f"Ticket {n}", priority=priorities[n % 3])
    stats = desk.queries.statistics(SUPPORT)
    assert pixels(charts.status_per_month_png(stats, lang)) == (500, 1000, 4)
    assert pixels(charts.priority_pie_png(stats, lang)) == (600, 600, 4)


@pytest.mark.parametrize(("days", "months"), [(30, 12), (365, 13), (730, 25)])
def test_the_bars_cover_the_period_asked_for_and_at_least_a_year(
    desk: HelpDesk, clock: Clock, days: int, months: int
) -> None:
    clock.now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    stats = desk.queries.statistics(SUPPORT, days=days)
    assert len(stats.status_per_month) == months
    assert list(stats.status_per_month)[-1] == "2026-12"
