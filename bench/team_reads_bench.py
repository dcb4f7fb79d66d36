"""`/ticket list` with each filter word, search with a field value, and the CSV export's
memory, at 10,000 tickets of one team and at 1,000,000 over 50 teams and 200 request
types (4 a team, each with a select, a text, a second select and a long text field), on
SQLite and PostgreSQL.

Each size is a fresh database, filled by bench/core_bench.py's fill, then spread by SQL
over the teams and their request types (at the first size every ticket is of one team),
with the field values of four in five tickets; ANALYZE (SQLite) or VACUUM ANALYZE
(PostgreSQL) as autovacuum would leave it. Each read runs as the listener runs it (the
words read by `bot.list_words`, the core's `Queries`, the Block Kit) for a support person
and for a member of one team (`t7`, the desk file's `members`), each the reporter of 100
tickets; the median of --repeat runs after one untimed. The ratios are to the first size:
`x base` to the unfiltered list (a search: the word search) of support there, `x same` to
the same read there.

The export runs in a fresh process, as the command does, writing to a sink that counts
what it is given: once for its time and peak resident memory (`ru_maxrss`), once under
tracemalloc for the peak of Python's own allocations. Both should stay flat with size.

Of the largest size, each read's SQL (caught by a `before_cursor_execute` event, as sent)
is printed with its plan: EXPLAIN QUERY PLAN (SQLite), EXPLAIN (PostgreSQL); a plan that
reads a whole ticket table without an index is marked `<-- no index`.

Run:  .venv/bin/python bench/team_reads_bench.py [--sizes 10000,1000000]
          [--kinds sqlite,postgresql] [--repeat 7]
          [--postgres postgresql://postgres@127.0.0.1:5432/test]
The PostgreSQL run makes (and drops) a database of its own on that server.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_bench import ADMIN, fill, make_desk
from bench.home_queue_bench import database
from bot import blocks
from bot.list_words import ListRequest, read_list_words
from bot.listeners.commands import LIST_PAGE
from bot.settings import Settings
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import Role
from flashticket_core.i18n import Language
from migrations import runner

TEAMS = 50
TYPES_PER_TEAM = 4
ONE_TEAM = "t7"
SUPPORT = "UREADSSUP1"
MEMBER = "UREADSMEM1"
# Each actor reports this many tickets, whatever the size.
OWN_TICKETS = 100
LIST_READS = {
    "unfiltered": "",
    "team:": f"team:{ONE_TEAM}",
    "status:new": "status:new",
    "status:closed": "status:closed",
    "priority:high": "priority:high",
    "mine": "mine",
    "unassigned": "unassigned",
    "combined": f"team:{ONE_TEAM} status:in-progress priority:high",
}
# {asset} is the asset tag of one ticket of ONE_TEAM.
SEARCH_READS = {
    "word": "printer",
    "field common": "field:floor=EG",
    "field one ticket": "field:asset_tag={asset}",
    "two fields": "field:floor=EG field:system=s3",
    "word + field": "printer field:floor=EG",
}
FIELDS = """\
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}
      - {id: asset_tag, label: Asset tag, type: text}
      - {id: system, label: System, type: select, options: [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9]}
      - {id: details, label: Details, type: long_text}
"""
# The field values of four in five tickets, in the form's order (value as SQL of `id`).
FIELD_ROWS = (
    (
        "floor",
        "Floor",
        "select",
        "CASE id % 3 WHEN 0 THEN 'EG' WHEN 1 THEN '1. OG' ELSE '2. OG' END",
    ),
    ("asset_tag", "Asset tag", "text", "'A-' || id"),
    ("system", "System", "select", "'s' || ((id / 7) % 10)"),
    ("details", "Details", "long_text", "'Bought in 2023, the second of its kind on the floor.'"),
)
WITH_FIELDS = "id % 5 <> 0"


def desk_file(directory: Path) -> Path:
    lines = ["teams:"]
    for n in range(TEAMS):
        members = f", members: [{MEMBER}]" if f"t{n}" == ONE_TEAM else ""
        lines.append(f"  - {{id: t{n}, name: Team {n}, channel: C0TEAM{n:04d}{members}}}")
    lines.append("request_types:")
    for n in range(TEAMS):
        for k in range(TYPES_PER_TEAM):
            lines += [f"  - id: t{n}-{k}", f"    name: Request {k} of team {n}"]
            lines += [f"    team: t{n}", "    fields:", FIELDS.rstrip("\n")]
    path = directory / "desk.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def settings_for(url: str, desk: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        flashticket_admins=frozenset({ADMIN}),
        flashticket_desk_file=str(desk),
    )


def spread(engine: Engine, size: int) -> None:
    """Teams, request types, own tickets and field values, in SQL."""
    one_team = size <= 10_000
    team = f"'{ONE_TEAM}'" if one_team else f"'t' || (id % {TEAMS})"
    kind = f"'{ONE_TEAM}-'" if one_team else f"'t' || (id % {TEAMS}) || '-'"
    step = max(1, size // OWN_TICKETS)
    with engine.begin() as connection:
        connection.execute(
            text(
                f"UPDATE tickets SET team_id = {team}, request_type = CASE WHEN {WITH_FIELDS}"
                f" THEN {kind} || ((id / {TEAMS}) % {TYPES_PER_TEAM}) END"
            )
        )
        for actor, rest in ((SUPPORT, 1), (MEMBER, 2)):
            connection.execute(
                text(f"UPDATE tickets SET reporter_id = :actor WHERE id % {step} = {rest}"),
                {"actor": actor},
            )
        for position, (field_id, label, kind_, value) in enumerate(FIELD_ROWS):
            connection.execute(
                text(
                    "INSERT INTO ticket_fields (ticket_id, field_id, label, type, value, position)"
                    f" SELECT id, '{field_id}', '{label}', '{kind_}', {value}, {position}"
                    f" FROM tickets WHERE {WITH_FIELDS}"
                )
            )
        if engine.dialect.name == "sqlite":
            connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )


# -- the reads, as the listeners make them ------------------------------------------------


def list_read(core: Core, actor: str, words: str) -> Callable[[], object]:
    desk = core.desk

    def read() -> object:
        request = read_list_words(words.split(), desk.env.teams)
        assert isinstance(request, ListRequest), words
        # Both actors may see others' tickets (`turn.may(Action.FILTER_OTHERS)`).
        page = desk.queries.list_tickets(
            actor,
            queue=not request.mine,
            team=request.team,
            status=request.status,
            priority=request.priority,
            unassigned=request.unassigned,
            limit=LIST_PAGE,
            offset=(request.page - 1) * LIST_PAGE,
        )
        return blocks.ticket_page(Language.EN, "list", page.items, f"{page.total}")

    return read


def search_read(core: Core, actor: str, words: str) -> Callable[[], object]:
    def read() -> object:
        found = core.desk.queries.search(actor, words)
        return blocks.ticket_list(Language.EN, "search", found)

    return read


class Statements:
    """The SQL a read sends, as sent: each statement once, with its first parameters."""

    def __init__(self, engine: Engine) -> None:
        self.caught: dict[str, Any] | None = None
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(
        self, _conn: object, _cursor: object, statement: str, parameters: Any, *_: Any
    ) -> None:
        if self.caught is not None:
            self.caught.setdefault(statement, parameters)

    @contextmanager
    def catching(self) -> Iterator[dict[str, Any]]:
        self.caught = {}
        try:
            yield self.caught
        finally:
            self.caught = None


def timed(read: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


TICKET_TABLES = ("tickets", "ticket_fields", "ticket_search")


def plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            found = [(int(row[1]), int(row[0]), str(row[3])) for row in rows]
            depth: dict[int, int] = {0: 0}
            lines = []
            for parent, own, detail in found:
                depth[own] = depth.get(parent, 0) + 1
                lines.append("  " * depth[own] + detail)
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            lines = ["  " + str(row[0]) for row in rows]
    return [line + ("   <-- no index" if _whole_table(line, sqlite) else "") for line in lines]


def _whole_table(line: str, sqlite: bool) -> bool:
    words = line.split()
    if sqlite:
        # `SCAN tickets` without USING: every row; an FTS5 table's own scan uses its index.
        return (
            line.strip().startswith("SCAN ")
            and "USING" not in line
            and words[1]
            in (
                "tickets",
                "ticket_fields",
            )
        )
    return "Seq Scan on" in line and any(f" on {t} " in line + " " for t in TICKET_TABLES)


# As printed, never as run: the ticket's columns and a long list of placeholders shortened.
_COLUMNS = re.compile(r"SELECT (?:tickets\.\w+, ){5,}tickets\.\w+ FROM")
_PLACEHOLDERS = re.compile(r"(?:(?:\?|%\(\w+\)s), ){3,}(?:\?|%\(\w+\)s)")


def shown(statement: str) -> str:
    statement = _COLUMNS.sub("SELECT tickets.<every column> FROM", " ".join(statement.split()))
    return _PLACEHOLDERS.sub(lambda m: f"<{m.group(0).count(',') + 1} values>", statement)[:900]


def show_plans(engine: Engine, caught: dict[str, Any]) -> None:
    for statement, parameters in caught.items():
        if not any(t in statement for t in TICKET_TABLES):
            continue
        print("    SQL: " + shown(statement))
        print(f"    parameters: {str(parameters)[:160]}")
        for line in plan(engine, statement, parameters):
            print("    " + line)


# -- the export, in a process of its own ---------------------------------------------------


class Sink(io.StringIO):
    """Counts what it is given and keeps none of it."""

    def __init__(self) -> None:
        super().__init__()
        self.characters = 0

    def write(self, s: str) -> int:
        self.characters += len(s)
        return len(s)


def export_child(url: str, desk: str, traced: bool) -> None:
    core = bootstrap(settings_for(url, Path(desk)), migrate=None)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if traced:
            tracemalloc.start()
        statements = Statements(core.engine)
        started = time.perf_counter()
        sink = Sink()
        with statements.catching() as caught:
            count = core.desk.admin.export_csv(ADMIN, sink)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        figures = {"rows": count, "seconds": seconds, "characters": sink.characters}
        memory = {"rss_before_kib": before, "maxrss_kib": maxrss, "peak": peak}
        sql = [[statement, parameters] for statement, parameters in caught.items()]
        print(json.dumps({**figures, **memory, "sql": [] if traced else sql}))
    finally:
        core.close()


def export(url: str, desk: Path, traced: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--export-child", url, str(desk)]
    done = subprocess.run(
        command + (["--traced"] if traced else []), capture_output=True, text=True, check=True
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# -- one database of one size --------------------------------------------------------------


def run(
    kind: str, size: int, directory: Path, args: argparse.Namespace, last: bool
) -> dict[str, float]:
    desk_path = desk_file(directory)
    with database(kind, directory, size, args.postgres) as url:
        core = bootstrap(settings_for(url, desk_path), migrate=runner.upgrade)
        try:
            started = time.perf_counter()
            fill(core.engine, size, random.Random(size), make_desk(random.Random(size)))
            spread(core.engine, size)
            took = time.perf_counter() - started
            print(f"{kind}: filled {size:>9,} tickets in {took:.1f} s", flush=True)
            core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
            asset = f"A-{50 * (size // 100) + 7}"
            reads: dict[str, Callable[[Core, str, str], Callable[[], object]]] = {}
            words: dict[str, str] = {}
            for name, said in LIST_READS.items():
                reads[f"list {name}"], words[f"list {name}"] = list_read, said
            for name, said in SEARCH_READS.items():
                reads[f"search {name}"] = search_read
                words[f"search {name}"] = said.format(asset=asset)
            statements = Statements(core.engine)
            figures: dict[str, float] = {}
            for name, make in reads.items():
                for who, actor in (("support", SUPPORT), ("member", MEMBER)):
                    read = make(core, actor, words[name])
                    with statements.catching() as caught:
                        read()
                    figures[f"{name} / {who}"] = timed(read, args.repeat)
                    print(f"  {name:<28}{who:<8} {figures[f'{name} / {who}']:8.1f} ms", flush=True)
                    if last:
                        show_plans(core.engine, caught)
            for traced in (False, True)[: 1 + args.traced_export]:
                done = export(url, desk_path, traced)
                key = "traced" if traced else "plain"
                figures[f"export {key} s"] = done["seconds"]
                figures[f"export {key} peak MiB"] = (
                    done["peak"] / 2**20 if traced else done["maxrss_kib"] / 1024
                )
                figures[f"export {key} rss before MiB"] = done["rss_before_kib"] / 1024
                sql = done.pop("sql")
                print(f"  export ({key}): {done}", flush=True)
                if last and not traced:
                    sent = {q: tuple(p) if isinstance(p, list) else p for q, p in sql}
                    show_plans(core.engine, sent)
            return figures
        finally:
            core.close()


def report(kind: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    first, rest = results[sizes[0]], sizes[1:]
    print(f"\n{kind}: {'read / actor':<40}" + "".join(f"{s:>12,}" for s in sizes), end="")
    print("".join(f"{'x base':>8}{'x same':>8}" for _ in rest))
    for name in first:
        if name.startswith("export"):
            continue
        base = first[
            "list unfiltered / support" if name.startswith("list") else "search word / support"
        ]
        values = [results[size][name] for size in sizes]
        line = f"{kind}: {name:<40}" + "".join(f"{v:>9.1f} ms" for v in values)
        line += "".join(f"{v / base:>7.2f}x{v / values[0]:>7.2f}x" for v in values[1:])
        print(line)
    for size in sizes:
        r = results[size]
        before, peak = r["export plain rss before MiB"], r["export plain peak MiB"]
        traced = r.get("export traced peak MiB")
        print(
            f"{kind}: export {size:>9,}: {r['export plain s']:.1f} s"
            f" ({r['export plain s'] / size * 1e6:.0f} µs a ticket), peak RSS {peak:.0f} MiB"
            f" ({peak - before:+.0f} MiB over the {before:.0f} MiB before it)"
            + ("" if traced is None else f", tracemalloc peak {traced:.1f} MiB")
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--export-child":
        export_child(sys.argv[2], sys.argv[3], "--traced" in sys.argv)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--kinds", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--no-traced-export",
        dest="traced_export",
        action="store_false",
        help="leave out the export under tracemalloc (at 1,000,000 tickets it takes minutes)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = Path(tempfile.mkdtemp(prefix="flashticket-reads-"))
    try:
        for kind in args.kinds.split(","):
            results = {size: run(kind, size, directory, args, size == sizes[-1]) for size in sizes}
            report(kind, sizes, results)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
