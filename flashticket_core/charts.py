"""The dashboard's two charts as PNG, drawn on the server with no display and no network.

matplotlib's object API with the Agg canvas: no pyplot, no global state, so charts can
be drawn from several threads.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language, translate
from flashticket_core.service_layer.dashboard import Statistics

BAR_SIZE = (10.0, 5.0)  # inches at DPI: 1000 x 500 pixels
PIE_SIZE = (6.0, 6.0)  # 600 x 600 pixels
DPI = 100
MAX_MONTH_LABELS = 24
STATUS_COLOURS = {
    Status.NEW: "#4e79a7",
    Status.IN_PROGRESS: "#f28e2b",
    Status.WAITING: "#edc948",
    Status.RESOLVED: "#59a14f",
    Status.CLOSED: "#9c9c9c",
    Status.PENDING_APPROVAL: "#b07aa1",
}
PRIORITY_COLOURS = {Priority.HIGH: "#e15759", Priority.MEDIUM: "#f28e2b", Priority.LOW: "#76b7b2"}


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def status_per_month_png(stats: Statistics, lang: Language) -> bytes:
    return _png(status_per_month_figure(stats, lang))


def status_per_month_figure(stats: Statistics, lang: Language) -> Figure:
    """Stacked bars: for each month shown, its tickets by current status."""
    months = list(stats.status_per_month)
    positions = list(range(len(months)))
    figure = Figure(figsize=BAR_SIZE, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    bottoms = [0] * len(months)
    for status in Status:
        heights = [stats.status_per_month[month][status] for month in months]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            label=translate(status.label_key, lang),
            color=STATUS_COLOURS[status],
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_title(translate("chart.status_per_month", lang))
    axes.set_ylabel(translate("chart.tickets", lang))
    axes.set_xlabel(translate("chart.months", lang, zone=stats.zone))
    # Counts start at 0; with no tickets at all the axis still runs 0 to 1 (matplotlib
    # would centre it on 0, from -0.045 to 0.045).
    highest = max(bottoms, default=0)
    axes.set_ylim(0, highest * 1.05 if highest else 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = -(-len(months) // MAX_MONTH_LABELS)  # every month while they fit, else every nth
    axes.set_xticks(positions[::step], months[::step], rotation=45)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure


def priority_pie_png(stats: Statistics, lang: Language) -> bytes:
    """A pie of the open tickets' priorities (a plain notice when nothing is open)."""
    figure = Figure(figsize=PIE_SIZE, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    shown = [(p, n) for p, n in stats.open_by_priority.items() if n > 0]
    if not shown:
        axes.text(
            0.5, 0.5, translate("chart.none_open", lang), ha="center", va="center", fontsize=16
        )
        axes.set_axis_off()
    else:
        axes.pie(
            [n for _, n in shown],
            labels=[f"{translate(p.label_key, lang)} ({n})" for p, n in shown],
            colors=[PRIORITY_COLOURS[p] for p, _ in shown],
            autopct="%1.0f%%",
            startangle=90,
            counterclock=False,
        )
        axes.axis("equal")
    axes.set_title(translate("chart.priorities", lang))
    return _png(figure)
