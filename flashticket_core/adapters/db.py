"""Engines: the same SQLAlchemy URL handling and connection setup for every entry point."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE_TRANSACTION = "flashticket_write"


def normalise_url(database_url: str) -> URL:
    """Prefer psycopg 3 for a bare `postgresql://` URL (SQLAlchemy would pick psycopg2)."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def ensure_sqlite_directory(url: URL) -> None:
    database = url.database
    if (
        url.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
    ):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    # A failed statement's error names its SQL, never its values: a ticket's title and
    # description, a reply, are what people typed and do not belong in a log line.
    kwargs.setdefault("hide_parameters", True)
    url = normalise_url(database_url)
    ensure_sqlite_directory(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        database = url.database
        gate = (
            WriterGate(Path(database + WRITER_LOCK_SUFFIX))
            if database and database != ":memory:" and not database.startswith("file:")
            else None
        )
        _configure_sqlite(engine, gate)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


WRITER_LOCK_SUFFIX = "-writer"
_HOLDS_GATE = "flashticket_holds_writer_gate"


class WriterGate:
    """SQLite's writers take turns here before `BEGIN IMMEDIATE`: a lock for the threads
    of this process, then an exclusive `flock` on a file beside the database for the
    processes (the kernel lets go of it when a process dies).

    Without it, a writer that finds the database locked sleeps in SQLite's busy handler
    (1, 2, 5 … 100 ms at a time) and wakes on its own schedule, not when the lock is
    free: a burst of writers from several threads and processes then waits hundreds of
    milliseconds at the tail. Waiting on these locks ends the moment the writer before
    is done. Readers never take it (WAL lets them read beside a writer).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._lock = threading.Lock()
        self._file: int | None = None

    def _for_this_process(self) -> None:
        # A forked worker gets its own lock and its own open file (an flock belongs to
        # the open file, which a fork would share).
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._file = None

    def acquire(self) -> None:
        self._for_this_process()
        self._lock.acquire()
        try:
            if self._file is None:
                self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._lock.release()


def _configure_sqlite(engine: Engine, gate: WriterGate | None) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with
        # SQLITE_BUSY if another writer committed meanwhile (the busy timeout
        # does not help). Writers therefore take the lock when they begin and
        # queue behind each other; readers stay deferred and never block.
        if connection.get_execution_options().get(WRITE_TRANSACTION):
            if gate is not None and _HOLDS_GATE not in connection.info:
                gate.acquire()
                connection.info[_HOLDS_GATE] = gate
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    def let_go(info: dict[Any, Any]) -> None:
        held = info.pop(_HOLDS_GATE, None)
        if held is not None:
            held.release()

    # The gate opens once the connection is back in the pool: after its COMMIT or
    # ROLLBACK has run (the engine's commit event comes before it), which a session does
    # as its transaction ends. A connection the pool drops lets go too.
    event.listen(engine.pool, "checkin", lambda _dbapi, record: let_go(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, *_: let_go(record.info))
    event.listen(engine.pool, "close", lambda _dbapi, record: let_go(record.info))


class Database:
    """One engine and its one sessionmaker: every read and every write transaction of the
    process begins here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def writer(self) -> Session:
        """A session whose transaction takes the write lock as it begins (SQLite's `BEGIN
        IMMEDIATE`). The caller commits; closing it without commit rolls back."""
        session = self.sessions()
        session.connection(execution_options={WRITE_TRANSACTION: True})
        return session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read transaction; it never blocks a writer and writes nothing."""
        with self.sessions() as session, session.begin():
            yield session
