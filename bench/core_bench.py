"""How the ticket service's cost grows with the size of the desk (SQLite).

For each size it builds a migrated SQLite database, bulk-loads that many realistic
tickets (history rows, some conversation), then times through the real service:

  open ticket            TicketService.open_ticket (a write: ticket, history, outbox)
  list my open tickets   TicketService.list_tickets for a reporter
  statistics             TicketService.statistics for support (30 days)

Run:  .venv/bin/python bench/core_bench.py [--sizes 1000,100000] [--repeat 200]
It prints median and p99 per operation and size, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import string
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import Settings
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import ConversationEntry, HistoryEntry, Ticket

ADMIN = "UBENCHADMIN"
SUPPORT = "UBENCHSUPP1"
NOW = datetime.now(UTC)
STATUS_WEIGHTS = {
    Status.NEW: 5,
    Status.IN_PROGRESS: 7,
    Status.WAITING: 3,
    Status.RESOLVED: 35,
    Status.CLOSED: 50,
}


def user_ids(rng: random.Random, count: int) -> list[str]:
    alphabet = string.ascii_uppercase + string.digits
    return ["U" + "".join(rng.choices(alphabet, k=9)) for _ in range(count)]


def fill(engine: Engine, size: int, reporters: list[str], rng: random.Random) -> None:
    """Bulk-insert `size` tickets with their history, in chunks, in one transaction."""
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    with engine.begin() as connection:
        next_id = 1
        for start in range(0, size, 5000):
            tickets: list[dict[str, Any]] = []
            history: list[dict[str, Any]] = []
            entries: list[dict[str, Any]] = []
            for ticket_id in range(next_id, next_id + min(5000, size - start)):
                created = NOW - timedelta(minutes=rng.randrange(0, 18 * 30 * 24 * 60))
                status = rng.choices(statuses, weights)[0]
                finished = created + timedelta(minutes=rng.randrange(5, 7 * 24 * 60))
                done = status in (Status.RESOLVED, Status.CLOSED)
                tickets.append(
                    {
                        "id": ticket_id,
                        "title": f"Problem {ticket_id} with the {rng.choice(['printer', 'VPN', 'mail', 'laptop'])}",
                        "description": "Happens every morning since the update.",
                        "priority": rng.choice(list(Priority)),
                        "status": status,
                        "reporter_id": rng.choice(reporters),
                        "assignee_id": SUPPORT if status is not Status.NEW else None,
                        "created_at": created,
                        "updated_at": finished if done else created,
                        "resolved_at": finished if done else None,
                        "closed_at": finished if status is Status.CLOSED else None,
                        "first_response_at": created + timedelta(minutes=30)
                        if status is not Status.NEW
                        else None,
                        "version": rng.randint(1, 5),
                    }
                )
                history.append(
                    {
                        "ticket_id": ticket_id,
                        "actor_id": SUPPORT,
                        "field": "created",
                        "new_value": "new",
                        "at": created,
                    }
                )
                if ticket_id % 3 == 0:
                    entries.append(
                        {
                            "ticket_id": ticket_id,
                            "kind": "support_reply",
                            "author_id": SUPPORT,
                            "text": "Please restart.",
                            "at": created,
                        }
                    )
            connection.execute(insert(Ticket.__table__), tickets)
            connection.execute(insert(HistoryEntry.__table__), history)
            if entries:
                connection.execute(insert(ConversationEntry.__table__), entries)
            next_id += len(tickets)


def timed(operation: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(min(5, repeat)):
        operation()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        operation()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def run_size(size: int, directory: Path, repeat: int) -> dict[str, list[float]]:
    rng = random.Random(size)
    reporters = user_ids(rng, 200)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{directory / f'bench-{size}.db'}",
        flashticket_admins=ADMIN,
    )
    core: Core = bootstrap(settings)
    try:
        started = time.perf_counter()
        fill(core.engine, size, reporters, rng)
        print(f"filled {size:>9,} tickets in {time.perf_counter() - started:.1f} s")
        service = core.service
        service.grant(ADMIN, SUPPORT, Role.SUPPORT)
        counter = iter(range(10**9))

        def open_ticket() -> object:
            n = next(counter)
            return service.open_ticket(
                reporters[n % len(reporters)], title=f"Bench ticket {n}", description="d"
            )

        return {
            "open ticket": timed(open_ticket, repeat),
            "list my open tickets": timed(lambda: service.list_tickets(reporters[0]), repeat),
            "statistics": timed(lambda: service.statistics(SUPPORT, days=30), max(10, repeat // 7)),
        }
    finally:
        core.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = args.dir or Path(tempfile.mkdtemp(prefix="flashticket-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, list[float]]] = {}
    try:
        for size in sizes:
            results[size] = run_size(size, directory, args.repeat)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{'tickets':>9}  {'operation':<22} {'median ms':>10} {'p99 ms':>9}")
    for size, operations in results.items():
        for name, samples in operations.items():
            print(
                f"{size:>9,}  {name:<22} {statistics.median(samples):>10.2f} {p99(samples):>9.2f}"
            )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(f"\nratio of medians, {large:,} / {small:,} tickets:")
        for name in results[small]:
            ratio = statistics.median(results[large][name]) / statistics.median(
                results[small][name]
            )
            print(f"  {name:<22} {ratio:6.2f}x")


if __name__ == "__main__":
    main()
