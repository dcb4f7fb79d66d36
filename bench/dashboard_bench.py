"""The dashboards at 10,000 and at 1,000,000 tickets (SQLite).

Times, through the real desk and Block Kit builders:
  app home (support)   HelpDesk.home + blocks.home for a support person
  stats aggregates     HelpDesk.statistics (KPIs and the per-month data)
  stats charts         drawing both PNGs from those aggregates
  search               HelpDesk.search for support (every ticket) and for a
                       reporter (their own tickets)
and the memory of a CSV export of every ticket: run in a fresh process, how far its peak
resident set (VmHWM, reset just before) grew over the resident set before the export
(Linux only), and how long it took.

Run:  .venv/bin/python bench/dashboard_bench.py [--sizes 10000,1000000]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_bench import ADMIN, fill, make_desk, settings_for, typical_reporter
from bot import blocks
from flashticket_core import charts
from flashticket_core.bootstrap import bootstrap
from flashticket_core.domain.enums import Role
from flashticket_core.i18n import Language
from migrations import runner

SUPPORT = "UDASHSUPP1"


def median_ms(name: str, operation: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat + 1):  # the first run warms the caches and is not counted
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    result = statistics.median(samples[1:])
    print(f"  {name:<20} {result:10.1f} ms", flush=True)
    return result


class NullWriter(io.TextIOBase):
    """Counts what an export writes without keeping it: only the export's own memory counts."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def export_in_fresh_process(database: Path) -> dict[str, float]:
    """Export every ticket in a child process that does nothing else, so its peak
    resident memory is the export's own (plus the interpreter and the libraries)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_export, (str(database),))


def _export(database: str) -> dict[str, float]:
    core = bootstrap(settings_for(Path(database)))
    try:
        before = _reset_peak_rss()
        out = NullWriter()
        started = time.perf_counter()
        count = core.desk.admin.export_csv(ADMIN, out)
        seconds = time.perf_counter() - started
        peak = _rss_mib("VmHWM")
        return {
            "tickets": count,
            "csv_mib": out.size / 2**20,
            "seconds": seconds,
            "peak_mib": peak,
            "grown_mib": peak - before,
        }
    finally:
        core.close()


def _rss_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, from Linux's /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"{field} not in /proc/self/status: this benchmark needs Linux")


def _reset_peak_rss() -> float:
    """Start the peak over from the current resident set (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _rss_mib("VmRSS")


def run(size: int, directory: Path, repeat: int) -> dict[str, float]:
    database = directory / f"dashboard-{size}.db"
    settings = settings_for(database)
    core = bootstrap(settings, migrate=runner.upgrade)
    try:
        started = time.perf_counter()
        fill(core.engine, size, random.Random(size), make_desk(random.Random(size)))
        print(f"filled {size:>9,} tickets in {time.perf_counter() - started:.1f} s", flush=True)
        desk = core.desk
        desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
        stats = desk.queries.statistics(SUPPORT)
        reporter, _ = typical_reporter(core)
        figures = {
            "app home (support)": median_ms(
                "app home (support)",
                lambda: blocks.home(Language.EN, desk.queries.home(SUPPORT)),
                repeat,
            ),
            "stats aggregates": median_ms(
                "stats aggregates", lambda: desk.queries.statistics(SUPPORT), repeat
            ),
            "stats charts": median_ms(
                "stats charts",
                lambda: (
                    charts.status_per_month_png(stats, Language.EN),
                    charts.priority_pie_png(stats, Language.EN),
                ),
                max(3, repeat // 3),
            ),
            "search (support)": median_ms(
                "search (support)", lambda: desk.queries.search(SUPPORT, "printer morning"), repeat
            ),
            "search (reporter)": median_ms(
                "search (reporter)", lambda: desk.queries.search(reporter, "printer error"), repeat
            ),
        }
        export = export_in_fresh_process(database)
        figures["export MiB (peak RSS growth)"] = export["grown_mib"]
        figures["export s"] = export["seconds"]
        print(
            f"  exported {export['tickets']:,.0f} tickets, {export['csv_mib']:.0f} MiB of CSV "
            f"in {export['seconds']:.1f} s; peak RSS {export['peak_mib']:.1f} MiB, "
            f"{export['grown_mib']:.1f} MiB more than before the export",
            flush=True,
        )
        return figures
    finally:
        core.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = Path(tempfile.mkdtemp(prefix="flashticket-dashboard-"))
    try:
        results = {size: run(size, directory, args.repeat) for size in sizes}
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    names = list(results[sizes[0]])
    print(f"\n{'measure':<22}" + "".join(f"{size:>14,}" for size in sizes) + "     ratio")
    for name in names:
        values = [results[size][name] for size in sizes]
        unit = "" if "MiB" in name or name.endswith(" s") else " ms"
        ratio = values[-1] / values[0] if values[0] else float("nan")
        print(f"{name:<22}" + "".join(f"{v:>11.1f}{unit:<3}" for v in values) + f"{ratio:>9.2f}x")


if __name__ == "__main__":
    main()
