"""What the timers cost: one sweep over a help desk full of open tickets with targets,
and opening a ticket with and without targets.

For each size (10,000 and 100,000 open tickets by default) the script builds a fresh
SQLite file (or a scratch PostgreSQL database with --database-url), migrated by
`bootstrap(settings, migrate=runner.upgrade)`, and bulk-loads that many open tickets
through SQLAlchemy Core, each with its two targets running and its four timers
(first-response and resolution warnings and breaches) due in the coming days. It then
times, on a freshly bootstrapped core, as `flashticket serve` runs them:

  idle sweep        a round of the sweep with nothing due (the common case, every 5 s)
  sweep of 50 due   a round that fires 50 breaches: claimed, marked fired, each with its
                    escalation in the outbox, one transaction
  support queue page  the first 50 of the support queue, missed targets first
  open (no SLA)     open_ticket with FLASHTICKET_SLA empty and the other timers off
  open (SLA)        open_ticket with the default targets: its 2 targets and 4 timers too

Run:  .venv/bin/python bench/timer_bench.py [--sizes 10000,100000] [--repeat 50]
      [--open-repeat 200] [--database-url URL --sizes N]

It prints the fill time, and the median and p99 milliseconds of each operation per size.
Everything stays in a temporary directory (SQLite), removed at the end.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update

from bot.settings import Settings
from flashticket_core.adapters.tables import OutboxMessage, TicketTarget, TicketTimer
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.clock import TargetKind, TimerKind
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.jobs import Leases
from migrations import runner

ADMIN = "UBENCHADM1"
REPORTER = "UBENCHREP1"
CHUNK = 5_000
DUE_PER_SWEEP = 50
NO_TIMERS = {
    "flashticket_sla": "",
    "flashticket_auto_close": "off",
    "flashticket_waiting_nudge": "off",
    "flashticket_waiting_resolve": "off",
}


def settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_business_hours="always",
        **overrides,
    )


def fill(engine: Engine, size: int) -> None:
    """`size` open tickets opened over the last hours, their targets running, their
    timers due from tomorrow on (none due now)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for offset in range(0, size, CHUNK):
            ids = range(offset + 1, min(offset + CHUNK, size) + 1)
            tickets, targets, timers = [], [], []
            for ticket_id in ids:
                opened = now - timedelta(seconds=ticket_id % 36_000)
                tickets.append(
                    {
                        "id": ticket_id,
                        "title": f"Bench ticket {ticket_id}",
                        "description": "",
                        "priority": Priority.MEDIUM,
                        "status": Status.IN_PROGRESS if ticket_id % 3 else Status.NEW,
                        "reporter_id": REPORTER,
                        "assignee_id": None,
                        "created_at": opened,
                        "updated_at": opened,
                        "version": 1,
                    }
                )
                due = now + timedelta(days=1, seconds=ticket_id)
                for kind in TargetKind:
                    targets.append(
                        {
                            "ticket_id": ticket_id,
                            "kind": kind.value,
                            "length_seconds": 2 * 86400.0,
                            "consumed_seconds": 0.0,
                            "running_since": opened,
                            "due_at": due,
                            "met_at": None,
                            "warned": False,
                            "breached": False,
                        }
                    )
                for number, kind in enumerate(
                    (
                        TimerKind.WARN_FIRST_RESPONSE,
                        TimerKind.BREACH_FIRST_RESPONSE,
                        TimerKind.WARN_RESOLUTION,
                        TimerKind.BREACH_RESOLUTION,
                    )
                ):
                    timers.append(
                        {
                            "ticket_id": ticket_id,
                            "kind": kind.value,
                            "due_at": due + timedelta(hours=number),
                            "created_at": opened,
                        }
                    )
            connection.execute(insert(Ticket), tickets)
            connection.execute(insert(TicketTarget), targets)
            connection.execute(insert(TicketTimer), timers)
        if engine.dialect.name == "postgresql":
            # The ids were given: the next ticket opened takes the one after them.
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), :last)"),
                {"last": size},
            )


def make_due(engine: Engine, count: int) -> None:
    """The next `count` unfired breaches become due a second ago."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        ids = list(
            connection.scalars(
                select(TicketTimer.id)
                .where(
                    TicketTimer.kind == TimerKind.BREACH_FIRST_RESPONSE.value,
                    TicketTimer.fired_at.is_(None),
                    TicketTimer.cancelled_at.is_(None),
                )
                .order_by(TicketTimer.id)
                .limit(count)
            )
        )
        connection.execute(
            update(TicketTimer)
            .where(TicketTimer.id.in_(ids))
            .values(due_at=now - timedelta(seconds=1))
        )


def measure(
    operation: Callable[[], object], repeat: int, before: Callable[[], object]
) -> list[int]:
    samples: list[int] = []
    for _ in range(repeat):
        before()
        start = time.perf_counter_ns()
        operation()
        samples.append(time.perf_counter_ns() - start)
    return samples


def median_ms(samples: Sequence[int]) -> float:
    return statistics.median(samples) / 1e6


def p99_ms(samples: Sequence[int]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] / 1e6


def run_size(database_url: str, size: int, options: argparse.Namespace) -> dict[str, list[int]]:
    with_timers = bootstrap(settings(database_url), migrate=runner.upgrade)
    started = time.perf_counter()
    fill(with_timers.engine, size)
    print(f"{size:>8,} open tickets with targets filled in {time.perf_counter() - started:.1f} s")
    with_timers.close()

    core = bootstrap(settings(database_url))
    without = bootstrap(settings(database_url, **NO_TIMERS))
    try:
        leases = Leases(core.jobs, clock=core.clock, holder="bench")
        results: dict[str, list[int]] = {}
        nothing = lambda: None  # noqa: E731 - a no-op set-up step
        results["idle sweep"] = measure(lambda: sweep(core, leases, 0), options.repeat, nothing)
        results[f"sweep of {DUE_PER_SWEEP} due"] = measure(
            lambda: sweep(core, leases, DUE_PER_SWEEP),
            options.repeat,
            lambda: make_due(core.engine, DUE_PER_SWEEP),
        )
        # The support queue's first page, missed targets first (the 50 above are).
        results["support queue page"] = measure(
            lambda: core.desk.queries.list_tickets(ADMIN, queue=True), options.repeat, nothing
        )
        results["open (no SLA)"], results["open (SLA)"] = open_both(core, without, options)
        with core.engine.begin() as connection:
            connection.execute(delete(OutboxMessage))
        return results
    finally:
        core.close()
        without.close()


def sweep(core: Core, leases: Leases, expected: int) -> None:
    fired = core.sweep_timers(leases)
    if fired != expected:
        raise SystemExit(f"a sweep fired {fired}, not {expected}")


def open_both(
    core: Core, without: Core, options: argparse.Namespace
) -> tuple[list[int], list[int]]:
    """Interleaved, so both see the same database and the same disk."""
    plain: list[int] = []
    timed: list[int] = []
    for number in range(options.open_repeat + 5):
        for desk_core, samples in ((without, plain), (core, timed)):
            start = time.perf_counter_ns()
            desk_core.desk.tickets.open_ticket(REPORTER, title=f"bench {number}")
            if number >= 5:  # warm-up
                samples.append(time.perf_counter_ns() - start)
    return plain, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--open-repeat", type=int, default=200)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (it is filled)")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.database_url and len(sizes) > 1:
        parser.error("--database-url takes one size (the database is filled once)")
    directory = Path(tempfile.mkdtemp(prefix="timer-bench-"))
    table: dict[int, dict[str, list[int]]] = {}
    try:
        for size in sizes:
            url = options.database_url or f"sqlite:///{directory / f'bench-{size}.db'}"
            table[size] = run_size(url, size, options)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{'operation':<18}" + "".join(f"{f'{s:,}: p50 / p99 ms':>26}" for s in sizes))
    for operation in table[sizes[0]]:
        cells = "".join(
            f"{median_ms(table[s][operation]):>16.2f} / {p99_ms(table[s][operation]):>7.2f}"
            for s in sizes
        )
        print(f"{operation:<18}{cells}")


if __name__ == "__main__":
    main()
