"""Test databases: a migrated SQLite file per test, and one migrated PostgreSQL database
per test run whose tables are emptied before each test.

PostgreSQL comes from FLASHTICKET_TEST_POSTGRES_URL (default: the local server). When it
is unreachable the PostgreSQL variants are skipped with the reason, except under CI=true,
where they fail: CI never skips them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from flashticket_core.adapters.db import make_engine, normalise_url
from flashticket_core.adapters.tables import metadata
from migrations import runner

POSTGRES_URL = os.environ.get(
    "FLASHTICKET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class PostgresServer:
    """Creates a throwaway database on the server for this test run, drops it at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = normalise_url(admin_url)
        self.name = f"flashticket_test_{uuid.uuid4().hex[:12]}"
        self.url = self.admin_url.set(database=self.name)
        self.error: str | None = None
        self._admin: Engine | None = None
        self.engine: Engine | None = None

    def start(self) -> None:
        try:
            self._admin = make_engine(
                self.admin_url.render_as_string(hide_password=False),
                isolation_level="AUTOCOMMIT",
                connect_args={"connect_timeout": 3},
            )
            with self._admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        except Exception as error:  # the reason is reported by the skip or the failure
            self.error = f"PostgreSQL at {self.admin_url.render_as_string()} unreachable: {error}"
            return
        self.engine = make_engine(self.url.render_as_string(hide_password=False))
        runner.upgrade(self.engine)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self._admin is not None and self.error is None:
            with self._admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self._admin.dispose()

    def scratch_database(self) -> Iterator[str]:
        """A new, empty database (not migrated) for tests that migrate themselves."""
        assert self._admin is not None
        name = f"{self.name}_scratch"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield self.admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with self._admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def fresh_database(self) -> str:
        """Empty every table and restart the id sequences, then put back the rows the
        migrations seed (the one team, Support), as a newly migrated database has them;
        returns the URL."""
        assert self.engine is not None
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with self.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            connection.execute(
                text("INSERT INTO teams (id, name, private) VALUES ('support', 'Support', false)")
            )
        return self.url.render_as_string(hide_password=False)


def require_postgres(server: PostgresServer) -> None:
    if server.error is not None:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests: {server.error}")
        pytest.skip(server.error)


class SqliteTemplate:
    """Migrating once and copying the file keeps a fresh database per test cheap."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        engine = make_engine(f"sqlite:///{self.path}")
        runner.upgrade(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

    def fresh_database(self, directory: Path) -> str:
        target = directory / "tickets.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"
