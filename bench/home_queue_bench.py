"""The App Home's queue table at 10,000 and 1,000,000 tickets over 50 teams, on SQLite
and PostgreSQL: support's Home (the core's read and the Block Kit) with each filter and
each order remembered, against the unfiltered one.

Run:  .venv/bin/python bench/home_queue_bench.py [--sizes 10000,1000000]
          [--postgres postgresql://postgres@127.0.0.1:5432/test] [--repeat 9]
The PostgreSQL run makes (and drops) a database of its own on that server.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_bench import ADMIN, fill, make_desk
from bot import blocks
from bot.settings import Settings
from flashticket_core.adapters.db import normalise_url
from flashticket_core.bootstrap import bootstrap
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.queue_view import AssigneeFilter, QueueSort, QueueView
from migrations import runner

SUPPORT = "UQUEUESUP1"
TEAMS = 50
VIEWS = {
    "unfiltered": QueueView(),
    "team": QueueView(team="t7"),
    "status new": QueueView(status=Status.NEW),
    "status closed": QueueView(status=Status.CLOSED),
    "priority high": QueueView(priority=Priority.HIGH),
    "assignee me": QueueView(assignee=AssigneeFilter.ME),
    "unassigned": QueueView(assignee=AssigneeFilter.UNASSIGNED),
    "oldest": QueueView(sort=QueueSort.OLDEST),
    "due first": QueueView(sort=QueueSort.DUE),
    "team, due first": QueueView(team="t7", sort=QueueSort.DUE),
    "page 40": QueueView(page=40),
}
DUE_IN = {
    "sqlite": "datetime(created_at, '+4 hours')",
    "postgresql": "created_at + interval '4 hours'",
}


def desk_file(directory: Path) -> Path:
    teams = "\n".join(
        f"  - {{id: t{n}, name: Team {n}, channel: C0TEAM{n:04d}}}" for n in range(TEAMS)
    )
    path = directory / "desk.yaml"
    path.write_text(f"teams:\n{teams}\n")
    return path


@contextmanager
def database(kind: str, directory: Path, size: int, postgres: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'queue-{size}.db'}"
        return
    admin = normalise_url(postgres)
    name = f"flashticket_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        engine.dispose()


def run(kind: str, size: int, directory: Path, postgres: str, repeat: int) -> dict[str, float]:
    with database(kind, directory, size, postgres) as url:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            flashticket_admins=frozenset({ADMIN}),
            flashticket_desk_file=str(desk_file(directory)),
        )
        core = bootstrap(settings, migrate=runner.upgrade)
        try:
            started = time.perf_counter()
            fill(core.engine, size, random.Random(size), make_desk(random.Random(size)))
            with core.engine.begin() as connection:
                connection.execute(text(f"UPDATE tickets SET team_id = 't' || (id % {TEAMS})"))
                # Two of three open tickets with a target running, due 4 h after opening.
                connection.execute(
                    text(
                        f"UPDATE tickets SET next_due_at = {DUE_IN[kind]}"
                        " WHERE queue_rank IS NOT NULL AND id % 3 <> 0"
                    )
                )
                if kind == "sqlite":
                    connection.execute(text("ANALYZE"))
            if kind == "postgresql":
                # As autovacuum leaves a table: statistics and the visibility map (which
                # lets a count read an index alone).
                with core.engine.connect() as connection:
                    connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                        text("VACUUM ANALYZE")
                    )
            took = time.perf_counter() - started
            print(f"{kind}: filled {size:>9,} tickets in {took:.1f} s", flush=True)
            desk = core.desk
            desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
            figures = {}
            for name, view in VIEWS.items():
                desk.people.choose_queue_view(SUPPORT, view)
                samples = []
                for _ in range(repeat + 1):
                    started = time.perf_counter()
                    blocks.home(Language.EN, desk.queries.home(SUPPORT))
                    samples.append((time.perf_counter() - started) * 1000)
                figures[name] = statistics.median(samples[1:])
                print(f"  {name:<18} {figures[name]:8.1f} ms", flush=True)
            return figures
        finally:
            core.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--kinds", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = Path(tempfile.mkdtemp(prefix="flashticket-queue-"))
    try:
        for kind in args.kinds.split(","):
            results = {
                size: run(kind, size, directory, args.postgres, args.repeat) for size in sizes
            }
            base = results[sizes[0]]["unfiltered"]
            print(
                f"\n{kind}: {'view':<18}"
                + "".join(f"{s:>12,}" for s in sizes)
                + "   vs unfiltered at the first size"
            )
            for name in VIEWS:
                values = [results[size][name] for size in sizes]
                print(
                    f"{kind}: {name:<18}"
                    + "".join(f"{v:>9.1f} ms" for v in values)
                    + f"{values[-1] / base:>10.2f}x"
                )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
