"""The bar chart's axis: counts start at 0, with no tickets too."""

from __future__ import annotations

from flashticket_core import charts
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import Kpis, Statistics

KPIS = Kpis(
    open_by_status={Status.NEW: 0, Status.IN_PROGRESS: 0, Status.WAITING: 0},
    open_by_priority=dict.fromkeys(Priority, 0),
    opened_today=0,
    median_seconds_to_first_reply=None,
    median_seconds_to_resolve=None,
    first_replies_in_period=0,
    resolved_in_period=0,
    period_days=30,
)
NONE = dict.fromkeys(Status, 0)


def test_the_bar_chart_of_no_tickets_runs_from_zero_to_one() -> None:
    stats = Statistics(KPIS, status_per_month={"2026-11": NONE, "2026-12": NONE})
    (axes,) = charts.status_per_month_figure(stats, Language.EN).axes
    assert axes.get_ylim() == (0, 1)


def test_the_bar_chart_starts_at_zero_and_holds_the_tallest_bar() -> None:
    stats = Statistics(KPIS, status_per_month={"2026-12": {**NONE, Status.NEW: 4}})
    (axes,) = charts.status_per_month_figure(stats, Language.EN).axes
    bottom, top = axes.get_ylim()
    assert bottom == 0
    assert top >= 4
