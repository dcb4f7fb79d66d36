"""Engines: the same SQLAlchemy URL handling and connection setup for every entry point."""

from __future__ import annotations

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
    url = normalise_url(database_url)
    ensure_sqlite_directory(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
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
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


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
