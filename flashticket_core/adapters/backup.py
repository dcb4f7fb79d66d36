"""A consistent copy of a live SQLite database, with SQLite's online backup API.

The copy is what the database held at one moment: writers keep writing while it runs
(the API restarts a step a writer changed), and the copy is checked before it is given
its name, so a half-written or damaged file never takes the backup's place. PostgreSQL
has its own tool for this (`pg_dump`); `postgres_advice` says how to use it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from flashticket_core.adapters.db import normalise_url

# Pages copied per step; between steps writers may go on.
PAGES_PER_STEP = 1024


class BackupError(Exception):
    """What went wrong, in words an operator can act on."""


@dataclass(frozen=True)
class Backup:
    path: Path
    bytes: int
    tickets: int


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    url = normalise_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_sqlite(
    source: Path,
    target: Path,
    *,
    pages_per_step: int = PAGES_PER_STEP,
    after_step: Callable[[int, int, int], object] | None = None,
) -> Backup:
    """Copy the SQLite database at `source` to `target`, which must not exist yet.

    `after_step(status, remaining, total)` is called between steps (SQLite's progress
    callback), while other connections may write."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with _connect(source) as reading, _connect(partial) as writing:
            reading.backup(writing, pages=pages_per_step, progress=after_step)
            _check(writing)
            tickets = writing.execute("SELECT count(*) FROM tickets").fetchone()[0]
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed: {error}") from None
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    return Backup(path=target, bytes=target.stat().st_size, tickets=int(tickets))


def postgres_advice(url: URL) -> str:
    """How to back up (and restore) a PostgreSQL database: its own tools, no password."""
    host = url.host or "localhost"
    port = url.port or 5432
    user = f" -U {url.username}" if url.username else ""
    name = url.database or "postgres"
    return (
        "PostgreSQL is backed up with its own tool, while FlashTicket runs:\n"
        f"  pg_dump -h {host} -p {port}{user} -Fc -f flashticket.dump {name}\n"
        "and restored into an empty database with:\n"
        f"  pg_restore -h {host} -p {port}{user} -d {name} flashticket.dump"
    )


def _connect(path: Path) -> closing[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA busy_timeout=5000")
    return closing(connection)


def _check(connection: sqlite3.Connection) -> None:
    verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"the copy is damaged: {verdict}")
