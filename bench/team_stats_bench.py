"""`/ticket stats` of one team against the whole desk's, at 10,000 and 1,000,000 tickets
spread over 50 teams (half of them one big team's), on SQLite and, given a URL, on
PostgreSQL.

Times (the median of --repeat runs after one warm-up), through the core's reads:
  all teams (tallies)    the figures of every ticket, from the tallies
  big team               the figures of the team with half of the tickets
  small team             the figures of one of the 49 small teams
  two small teams        the figures of two small teams (a person who sees only those)
and the morning digest's round: one digest per team, for all 50 teams.

Run:  .venv/bin/python bench/team_stats_bench.py [--sizes 10000,1000000]
          [--postgres postgresql://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_bench import fill, make_desk, settings_for
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.business_time import parse_business_hours
from flashticket_core.service_layer.digest import send_digest_if_due
from migrations import runner

TEAMS = 50
BIG = "team0"


def median_ms(name: str, operation: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat + 1):  # the first run warms the caches and is not counted
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    result = statistics.median(samples[1:])
    print(f"  {name:<22} {result:10.1f} ms", flush=True)
    return result


def spread_over_teams(core: Core) -> None:
    """Every second ticket to the big team, the others over the 49 small ones."""
    with core.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE tickets SET team_id = CASE WHEN id % 2 = 0 THEN 'team0' "
                f"ELSE 'team' || CAST(1 + id % {TEAMS - 1} AS VARCHAR) END"
            )
        )
        connection.execute(text("ANALYZE"))


def run(core: Core, size: int, repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    fill(core.engine, size, random.Random(size), make_desk(random.Random(size)))
    spread_over_teams(core)
    print(f"filled {size:>9,} tickets in {time.perf_counter() - started:.1f} s", flush=True)
    now = datetime.now(UTC)
    zone = core.settings.flashticket_timezone

    def figures(teams: frozenset[str] | None) -> Callable[[], object]:
        def read() -> object:
            with core.desk.env.reads() as reads:
                return reads.statistics(now=now, days=30, zone=zone, teams=teams)

        return read

    results = {
        "all teams (tallies)": median_ms("all teams (tallies)", figures(None), repeat),
        "big team": median_ms("big team", figures(frozenset({BIG})), repeat),
        "small team": median_ms("small team", figures(frozenset({"team7"})), repeat),
        "two small teams": median_ms(
            "two small teams", figures(frozenset({"team7", "team8"})), repeat
        ),
    }
    calendar = parse_business_hours("always", zone=zone)
    teams = tuple(f"team{n}" for n in range(TEAMS))
    started = time.perf_counter()
    send_digest_if_due(core.digests, calendar, clock_time(0), now, teams=teams)
    results["digest of 50 teams"] = (time.perf_counter() - started) * 1000
    print(f"  {'digest of 50 teams':<22} {results['digest of 50 teams']:10.1f} ms", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--postgres", help="an empty PostgreSQL database to fill (dropped after)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = Path(tempfile.mkdtemp(prefix="flashticket-team-stats-"))
    try:
        for size in sizes:
            print(f"SQLite, {size:,} tickets", flush=True)
            core = bootstrap(settings_for(directory / f"stats-{size}.db"), migrate=runner.upgrade)
            try:
                run(core, size, args.repeat)
            finally:
                core.close()
            if args.postgres:
                print(f"PostgreSQL, {size:,} tickets", flush=True)
                settings = settings_for(directory / "unused.db").model_copy(
                    update={"database_url": args.postgres}
                )
                core = bootstrap(settings, migrate=runner.upgrade)
                try:
                    run(core, size, args.repeat)
                finally:
                    with core.engine.begin() as connection:
                        connection.execute(text("DROP SCHEMA public CASCADE"))
                        connection.execute(text("CREATE SCHEMA public"))
                    core.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
