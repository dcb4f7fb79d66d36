"""Round robin across replicas: 300 tickets opened through two processes (each its own
core, as two replicas) sharing one PostgreSQL database, over a team of three, one of
whom is away for the middle third.

Each process opens its half of each third at the same time as the other; between the
thirds both wait (a barrier) while the member's availability changes. Printed: the
tickets per member in each third and in all, the turns the team's counter gave, and
whether each third was shared exactly (those available differ by at most one ticket;
in the middle third the two available members get 50 each).

Run:  .venv/bin/python bench/assignment_bench.py
          [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--tickets 300]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Collection
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.settings import Settings
from flashticket_core.adapters.tables import AssignmentTurn, Ticket
from flashticket_core.bootstrap import bootstrap
from flashticket_core.service_layer.availability import Availability
from migrations import runner

ANNA, BEN, CARA = "UANNA00001", "UBEN000001", "UCARA00001"
MEMBERS = (ANNA, BEN, CARA)
REPORTER = "UREPORTER1"
DESK = f"""\
teams:
  - {{id: it, name: IT, channel: C0IT000001, members: [{ANNA}, {BEN}, {CARA}],
      assignment: round_robin}}
"""


class SharedAway(Availability):
    """Ben is away while the parent process says so (a flag both replicas read)."""

    def __init__(self, ben_away: Synchronized[int]) -> None:
        self.ben_away = ben_away

    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        return frozenset({BEN}) & frozenset(user_ids) if self.ben_away.value else frozenset()


def replica(
    url: str, desk_file: str, per_third: int, barrier: Barrier, ben_away: Synchronized[int]
) -> None:
    settings = Settings(_env_file=None, database_url=url, flashticket_desk_file=desk_file)  # type: ignore[call-arg]
    core = bootstrap(settings)
    core.desk.env.availability.use(SharedAway(ben_away))
    try:
        for third in range(3):
            barrier.wait()
            for n in range(per_third):
                core.desk.tickets.open_ticket(REPORTER, title=f"Third {third} ticket {n}")
            barrier.wait()
    finally:
        core.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tickets", type=int, default=300)
    args = parser.parse_args()
    per_third = args.tickets // 3 // 2  # each replica's share of a third
    admin_url = make_url(args.postgres).set(drivername="postgresql+psycopg")
    name = f"flashticket_assign_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        engine = create_engine(url)
        runner.upgrade(engine)
        with tempfile.TemporaryDirectory() as directory:
            desk_file = Path(directory) / "desk.yaml"
            desk_file.write_text(DESK)
            run(url, str(desk_file), per_third, engine)
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, desk_file: str, per_third: int, engine: object) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    ben_away: Synchronized[int] = context.Value("i", 0)  # type: ignore[assignment]
    processes = [
        context.Process(target=replica, args=(url, desk_file, per_third, barrier, ben_away))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    seen = 0
    print(f"2 replicas, {per_third * 2 * 3} tickets, members {', '.join(MEMBERS)}")
    started = time.perf_counter()
    totals: Counter[str] = Counter()
    exact = True
    for third, away in enumerate((False, True, False)):
        ben_away.value = int(away)
        barrier.wait()  # both replicas open their half of this third at once
        barrier.wait()  # … and are done
        with engine.connect() as connection:  # type: ignore[attr-defined]
            rows = connection.execute(
                select(Ticket.id, Ticket.assignee_id).where(Ticket.id > seen).order_by(Ticket.id)
            ).all()
        seen = max(row.id for row in rows)
        counts = Counter(str(row.assignee_id) for row in rows)
        totals.update(counts)
        available = [m for m in MEMBERS if not (away and m == BEN)]
        shares = [counts.get(m, 0) for m in available]
        shared_exactly = max(shares) - min(shares) <= 1 and sum(shares) == len(rows)
        exact = exact and shared_exactly and (not away or counts.get(BEN, 0) == 0)
        label = "Ben away" if away else "all in"
        line = ", ".join(f"{m} {counts.get(m, 0)}" for m in MEMBERS)
        print(
            f"  third {third + 1} ({label}): {len(rows)} tickets: {line}; exact: {shared_exactly}"
        )
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join(timeout=60)
    with engine.connect() as connection:  # type: ignore[attr-defined]
        turns = connection.scalar(select(AssignmentTurn.turns))
        unassigned = connection.scalar(
            select(text("count(*)")).select_from(Ticket).where(Ticket.assignee_id.is_(None))
        )
    print(
        f"  all: {', '.join(f'{m} {totals.get(m, 0)}' for m in MEMBERS)}; unassigned {unassigned}"
    )
    print(f"  turns the counter gave: {turns} (a turn on Ben while away is used up)")
    print(f"  every third shared exactly: {exact}; {elapsed:.1f} s")


if __name__ == "__main__":
    main()
