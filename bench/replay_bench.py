"""`flashticket desk replay` over a large database: its wall time and peak memory.

Builds a database of N tickets (default 1,000,000) with bulk INSERTs (not the service
layer: that would take hours), spread over the last 120 days, of three priorities, some
with a request type, some made from messages in two intake channels, most answered and
resolved at random delays, some still open. The triggers that keep the search index and
the dashboard's tallies are dropped (SQLite) or held off (PostgreSQL) while it fills:
the replay reads none of that, and the fill takes minutes instead of an hour.

Then it runs `flashticket desk replay` in a fresh process over a two-team desk file and
reports the process's wall time and peak resident memory (`ru_maxrss` of the child).

Run:  .venv/bin/python bench/replay_bench.py [--tickets 1000000] [--days 90]
          [--database sqlite:///path.db | postgresql://postgres@127.0.0.1:5432/bench]
The SQLite file is made in a temporary folder unless --database names one; a PostgreSQL
database named by --database is emptied first (its tickets replaced).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, text

from flashticket_core.adapters.db import make_engine
from flashticket_core.domain.model import Ticket
from migrations import runner

CHUNK = 20_000
PRIORITIES = ("high", "medium", "medium", "low")
DESK_FILE = """\
teams:
  - id: it
    name: IT
    channel: C0BENCHIT1
    intake_channels: [C0HELPIT01]
    sla: "high=1h/8h,medium=8h/3d,low=2d/10d"
  - id: hr
    name: HR
    channel: C0BENCHHR1
    private: true
    intake_channels: [C0HELPHR01]
    business_hours: "mon-thu 09:00-16:00"
request_types:
  - {id: hardware, name: Hardware, team: it}
  - {id: access, name: Access, team: it}
  - {id: payroll, name: Payroll, team: hr}
"""


def rows(start: int, count: int, rng: random.Random, now: datetime) -> list[dict[str, object]]:
    made = []
    for n in range(start, start + count):
        created = now - timedelta(seconds=rng.randrange(120 * 86400))
        kind = rng.random()
        request_type = (
            "hardware"
            if kind < 0.2
            else "payroll"
            if kind < 0.3
            else "gone"
            if kind < 0.35
            else None
        )
        source = rng.random()
        channel = "C0HELPIT01" if source < 0.2 else "C0HELPHR01" if source < 0.3 else None
        first = (
            created + timedelta(minutes=rng.expovariate(1 / 240)) if rng.random() < 0.9 else None
        )
        resolved = (
            created + timedelta(hours=rng.expovariate(1 / 30)) if rng.random() < 0.8 else None
        )
        first, resolved = (
            min(first, now) if first else None,
            min(resolved, now) if resolved else None,
        )
        made.append(
            {
                "title": f"Ticket {n}",
                "description": "",
                "priority": rng.choice(PRIORITIES),
                "status": "resolved" if resolved else "in_progress" if first else "new",
                "reporter_id": f"UR{n % 5000:08d}",
                "created_at": created,
                "updated_at": resolved or first or created,
                "first_response_at": first,
                "resolved_at": resolved,
                "version": 1,
                "source_channel": channel,
                "source_ts": f"1700000000.{n:06d}" if channel else None,
                "request_type": request_type,
            }
        )
    return made


def fill(engine: Engine, size: int, seed: int) -> None:
    rng, now = random.Random(seed), datetime.now(UTC)
    table = Ticket.__table__
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            triggers = connection.scalars(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets'"
                )
            ).all()
            for name in triggers:
                connection.execute(text(f'DROP TRIGGER "{name}"'))
        else:
            connection.execute(text("TRUNCATE tickets CASCADE"))
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for offset in range(0, size, CHUNK):
            connection.execute(insert(table), rows(offset + 1, min(CHUNK, size - offset), rng, now))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE tickets")
            )


def replay(database_url: str, desk_file: Path, days: int) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, the child's peak resident set in KiB, and what it printed."""
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "desk", "replay", str(desk_file), "--days", str(days)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"replay failed ({done.returncode}): {done.stderr.strip()}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=24)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as folder:
        url = options.database or f"sqlite:///{folder}/bench.db"
        engine = make_engine(url)
        runner.upgrade(engine)
        started = time.perf_counter()
        fill(engine, options.tickets, options.seed)
        engine.dispose()
        print(f"filled {options.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
        desk_file = Path(folder) / "desk.yaml"
        desk_file.write_text(DESK_FILE, encoding="utf-8")
        wall, cpu, peak_kib, printed = replay(url, desk_file, options.days)
        print(printed, end="")
        print(
            f"desk replay --days {options.days}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
            f"peak RSS {peak_kib / 1024:.0f} MiB"
        )


if __name__ == "__main__":
    main()
