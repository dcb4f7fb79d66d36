"""How the ticket desk's cost grows with the size of the help desk, on SQLite.

For each size (1,000 and 100,000 tickets by default) the script builds a fresh SQLite
file, migrated with `bootstrap(settings, migrate=runner.upgrade)`, and bulk-loads that many
realistic tickets through SQLAlchemy Core: about 200 reporters, most tickets resolved
or closed and 10-20% open, 18 months of history, a 'created' history row per ticket
and a few conversation entries for some. It then times, through the real
`HelpDesk` on a freshly bootstrapped core (as after a restart):

  open ticket            open_ticket: the ticket, its history row and its outbox rows
  list my open tickets   list_tickets for a reporter with a typical number of open tickets
  statistics             statistics(days=30) for a support person

Each operation gets a few warm-up calls, then is timed call by call with
time.perf_counter_ns. The reads run before the writes, so the list and the
statistics see exactly the loaded data.

Run:  .venv/bin/python bench/core_bench.py
      [--sizes 1000,100000] [--repeat 200] [--stats-repeat 30] [--warmup 5]
      [--seed 1] [--dir DIR] [--keep]

It prints the time each fill took, a table of median and p99 milliseconds per size and
operation, and the ratio of the medians (largest size / smallest). Everything stays in
local files: a temporary directory, removed at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import string
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, insert, select

from bot.settings import Settings
from flashticket_core.adapters.tables import metadata
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import OPEN_STATUSES, EntryKind, Priority, Role, Status
from flashticket_core.domain.model import Base, ConversationEntry, HistoryEntry, Ticket
from migrations import runner

Row = dict[str, Any]
Start = tuple[datetime, Status]
T = TypeVar("T")

ADMIN = "UBENCHADM1"
REPORTER_COUNT = 200
SUPPORT_COUNT = 6
CHUNK = 5_000
HISTORY_DAYS = 548  # about 18 months
RECENT_DAYS = 45  # open tickets are young: most of them were opened recently
# A desk that keeps up: 14% open, the rest resolved or closed.
STATUS_WEIGHTS: dict[Status, int] = {
    Status.NEW: 4,
    Status.IN_PROGRESS: 7,
    Status.WAITING: 3,
    Status.RESOLVED: 18,
    Status.CLOSED: 68,
}
PRIORITY_WEIGHTS: dict[Priority, int] = {Priority.HIGH: 15, Priority.MEDIUM: 60, Priority.LOW: 25}
SUBJECTS = ("printer", "VPN", "mail", "laptop", "password", "Wi-Fi", "monitor", "licence")
PROBLEMS = ("does not work", "is very slow", "shows an error", "needs a reset", "keeps crashing")
OPEN = "open ticket"
LIST = "list my open tickets"
STATS = "statistics"
OPERATIONS = (OPEN, LIST, STATS)


def table_of(model: type[Base]) -> Table:
    return metadata.tables[model.__tablename__]


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    repeat: int
    stats_repeat: int
    warmup: int
    seed: int
    directory: Path | None
    keep: bool


@dataclass(frozen=True)
class Desk:
    """The people in the generated data."""

    reporters: list[str]
    reporter_weights: list[float]
    support: list[str]


@dataclass(frozen=True)
class SizeResult:
    size: int
    samples_ns: dict[str, list[int]]


# -- generated data ------------------------------------------------------------


def slack_user_id(rng: random.Random) -> str:
    return "U" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=9))


def make_desk(rng: random.Random) -> Desk:
    people: list[str] = []
    while len(people) < REPORTER_COUNT + SUPPORT_COUNT:
        user_id = slack_user_id(rng)
        if user_id not in people:
            people.append(user_id)
    reporters = people[:REPORTER_COUNT]
    # A few people file many tickets, most file a few (a gentle Zipf curve).
    weights = [1 / (rank + 5) for rank in range(REPORTER_COUNT)]
    return Desk(reporters=reporters, reporter_weights=weights, support=people[REPORTER_COUNT:])


def pick_weighted(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def created_at(rng: random.Random, status: Status, now: datetime) -> datetime:
    days = RECENT_DAYS if status in OPEN_STATUSES else HISTORY_DAYS
    return now - minutes(rng.uniform(10, days * 24 * 60))


def work_time(rng: random.Random, created: datetime, now: datetime) -> datetime:
    """When work on a ticket ended: minutes to weeks after it was opened, never in the future."""
    return min(created + minutes(rng.lognormvariate(math.log(8 * 60), 1.5)), now)


def first_response(rng: random.Random, created: datetime, until: datetime) -> datetime | None:
    if rng.random() < 0.1:
        return None
    return min(created + minutes(rng.expovariate(1 / 90)), until)


def ticket_starts(rng: random.Random, size: int, now: datetime) -> list[Start]:
    """Each ticket's opening time and current status, oldest first.

    Ids then follow time, as in a real table, so recent tickets share pages.
    """
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=size)
    return sorted((created_at(rng, status, now), status) for status in statuses)


def ticket_row(ticket_id: int, start: Start, rng: random.Random, desk: Desk, now: datetime) -> Row:
    created, status = start
    done = status not in OPEN_STATUSES
    finished = work_time(rng, created, now) if done else None
    responded = None if status is Status.NEW else first_response(rng, created, finished or now)
    closed = None
    if status is Status.CLOSED and finished is not None:
        closed = min(finished + timedelta(days=rng.uniform(0, 7)), now)
    return {
        "id": ticket_id,
        "title": f"The {rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)}",
        "description": "Since this morning, after the update. I already restarted it twice.",
        "priority": pick_weighted(rng, PRIORITY_WEIGHTS),
        "status": status,
        "reporter_id": rng.choices(desk.reporters, desk.reporter_weights)[0],
        "assignee_id": None if status is Status.NEW else rng.choice(desk.support),
        "created_at": created,
        "updated_at": closed or finished or responded or created,
        "resolved_at": finished,
        "closed_at": closed,
        "first_response_at": responded,
        "rating": rng.randint(3, 5) if done and rng.random() < 0.3 else None,
        "version": rng.randint(1, 5),
    }


def history_row(ticket: Row) -> Row:
    return {
        "ticket_id": ticket["id"],
        "actor_id": ticket["reporter_id"],
        "field": "created",
        "old_value": None,
        "new_value": Status.NEW.value,
        "at": ticket["created_at"],
    }


def conversation_rows(rng: random.Random, ticket: Row) -> list[Row]:
    """About a third of the tickets have a short conversation (1-3 entries)."""
    if ticket["first_response_at"] is None or rng.random() > 0.35:
        return []
    at: datetime = ticket["first_response_at"]
    entries = [(EntryKind.SUPPORT_REPLY, ticket["assignee_id"], "Could you restart and retry?")]
    if rng.random() < 0.5:
        entries.append((EntryKind.REPORTER_REPLY, ticket["reporter_id"], "Still the same."))
    if rng.random() < 0.3:
        entries.append((EntryKind.INTERNAL_NOTE, ticket["assignee_id"], "Known issue, see wiki."))
    return [
        {
            "ticket_id": ticket["id"],
            "kind": kind,
            "author_id": author,
            "text": text,
            "at": at + minutes(10 * number),
        }
        for number, (kind, author, text) in enumerate(entries)
    ]


def insert_chunk(
    connection: Connection,
    first_id: int,
    starts: Sequence[Start],
    rng: random.Random,
    desk: Desk,
    now: datetime,
) -> None:
    tickets = [
        ticket_row(first_id + offset, start, rng, desk, now) for offset, start in enumerate(starts)
    ]
    entries = [entry for ticket in tickets for entry in conversation_rows(rng, ticket)]
    connection.execute(insert(table_of(Ticket)), tickets)
    connection.execute(insert(table_of(HistoryEntry)), [history_row(t) for t in tickets])
    if entries:
        connection.execute(insert(table_of(ConversationEntry)), entries)


def fill(engine: Engine, size: int, rng: random.Random, desk: Desk) -> None:
    """Bulk-insert `size` tickets and their rows, in chunks, in one transaction."""
    now = datetime.now(UTC)
    starts = ticket_starts(rng, size, now)
    with engine.begin() as connection:
        for offset in range(0, size, CHUNK):
            insert_chunk(connection, offset + 1, starts[offset : offset + CHUNK], rng, desk, now)


# -- timing --------------------------------------------------------------------


def measure(operation: Callable[[], object], repeat: int, warmup: int) -> list[int]:
    """Nanoseconds per call, after `warmup` untimed calls."""
    for _ in range(warmup):
        operation()
    samples: list[int] = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        operation()
        samples.append(time.perf_counter_ns() - start)
    return samples


def median_ms(samples: Sequence[int]) -> float:
    return statistics.median(samples) / 1e6


def p99_ms(samples: Sequence[int]) -> float:
    """Nearest-rank 99th percentile (the maximum with fewer than 100 samples)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] / 1e6


def typical_reporter(core: Core) -> tuple[str, int]:
    """A reporter with open tickets: the median one by number of open tickets."""
    query = select(Ticket.reporter_id).where(
        Ticket.status.in_(sorted(OPEN_STATUSES)), Ticket.deleted_at.is_(None)
    )
    with core.engine.connect() as connection:
        counts = Counter(connection.scalars(query))
    if not counts:
        raise SystemExit("no open tickets were generated; use a larger size")
    ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]))
    return ranked[len(ranked) // 2]


def time_operations(
    core: Core, desk: Desk, options: Options, rng: random.Random
) -> dict[str, list[int]]:
    desk = core.desk
    support = desk.support[0]
    desk.roles.grant(ADMIN, support, Role.SUPPORT)
    reporter, open_count = typical_reporter(core)
    print(f"  list my open tickets: {reporter}, who has {open_count} open")
    opened = iter(range(1, 10**9))

    def open_ticket() -> object:
        n = next(opened)
        return desk.tickets.open_ticket(
            desk.reporters[n % len(desk.reporters)],
            title=f"Benchmark ticket {n}: the {rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)}",
            description="Opened by bench/core_bench.py.",
            priority=pick_weighted(rng, PRIORITY_WEIGHTS),
        )

    # Reads first: the tickets opened below would otherwise change what they see.
    results = {
        LIST: measure(lambda: desk.queries.list_tickets(reporter), options.repeat, options.warmup),
        STATS: measure(
            lambda: desk.queries.statistics(support, days=30), options.stats_repeat, options.warmup
        ),
        OPEN: measure(open_ticket, options.repeat, options.warmup),
    }
    return {name: results[name] for name in OPERATIONS}


# -- one size ------------------------------------------------------------------


def settings_for(database: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{database}",
        flashticket_admins=frozenset({ADMIN}),
    )


def database_files(database: Path) -> list[Path]:
    return [database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm")]


def remove_database(database: Path) -> None:
    for path in database_files(database):
        path.unlink(missing_ok=True)


@contextmanager
def opened_core(settings: Settings, *, migrate: bool) -> Iterator[Core]:
    core = bootstrap(settings, migrate=runner.upgrade if migrate else None)
    try:
        yield core
    finally:
        core.close()


def run_size(size: int, directory: Path, options: Options) -> SizeResult:
    database = directory / f"core-bench-{size}.db"
    remove_database(database)
    settings = settings_for(database)
    rng = random.Random(options.seed)
    desk = make_desk(rng)
    with opened_core(settings, migrate=True) as core:
        started = time.perf_counter_ns()
        fill(core.engine, size, rng, desk)
        fill_seconds = (time.perf_counter_ns() - started) / 1e9
    megabytes = sum(p.stat().st_size for p in database_files(database) if p.exists()) / 1e6
    print(f"filled {size:>9,} tickets in {fill_seconds:6.2f} s ({megabytes:.1f} MB)")
    with opened_core(settings, migrate=False) as core:
        samples = time_operations(core, desk, options, rng)
    return SizeResult(size=size, samples_ns=samples)


# -- report --------------------------------------------------------------------


def print_table(results: list[SizeResult]) -> None:
    print(f"\n{'tickets':>9}  {'operation':<22} {'runs':>5} {'median ms':>10} {'p99 ms':>9}")
    for result in results:
        for name, samples in result.samples_ns.items():
            print(
                f"{result.size:>9,}  {name:<22} {len(samples):>5} "
                f"{median_ms(samples):>10.3f} {p99_ms(samples):>9.3f}"
            )


def print_ratios(results: list[SizeResult]) -> None:
    if len(results) < 2:
        return
    small, large = results[0], results[-1]
    print(f"\nratio of medians, {large.size:,} / {small.size:,} tickets:")
    for name in OPERATIONS:
        ratio = median_ms(large.samples_ns[name]) / median_ms(small.samples_ns[name])
        print(f"  {name:<22} {ratio:6.2f}x")


# -- command line --------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 1000,100000")
    return sizes


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_options(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=parse_sizes, default=[1_000, 100_000])
    parser.add_argument("--repeat", type=positive, default=200, help="timed open/list calls")
    parser.add_argument("--stats-repeat", type=positive, default=30, help="timed statistics calls")
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls first")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    parser.add_argument("--dir", type=Path, default=None, help="directory for the database files")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    args = parser.parse_args(argv)
    return Options(
        sizes=args.sizes,
        repeat=args.repeat,
        stats_repeat=args.stats_repeat,
        warmup=max(0, args.warmup),
        seed=args.seed,
        directory=args.dir,
        keep=args.keep,
    )


@contextmanager
def work_directory(options: Options) -> Iterator[Path]:
    """The given --dir (only our files are removed) or a temporary one (removed whole)."""
    if options.directory is None:
        directory = Path(tempfile.mkdtemp(prefix="flashticket-core-bench-"))
    else:
        directory = options.directory
        directory.mkdir(parents=True, exist_ok=True)
    try:
        yield directory
    finally:
        if options.keep:
            print(f"\ndatabases kept in {directory}")
        elif options.directory is None:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for size in options.sizes:
                remove_database(directory / f"core-bench-{size}.db")


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_options(argv)
    with work_directory(options) as directory:
        results = [run_size(size, directory, options) for size in options.sizes]
        print_table(results)
        print_ratios(results)


if __name__ == "__main__":
    main()
