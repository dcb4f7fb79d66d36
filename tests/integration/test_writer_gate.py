"""SQLite's writers take turns through the writer gate: a lock for threads and an flock
for processes, held from BEGIN IMMEDIATE until the connection is back in the pool."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from flashticket_core.adapters.db import WRITER_LOCK_SUFFIX, Database, make_engine
from tests.processes import ROOT


@pytest.fixture
def database(sqlite_database_url: str) -> Iterator[Database]:
    engine = make_engine(sqlite_database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE gate_probe (name TEXT)"))
    yield Database(engine)
    engine.dispose()


def lock_file(database: Database) -> Path:
    name = database.engine.url.database
    assert name is not None
    return Path(name + WRITER_LOCK_SUFFIX)


def held_by_someone(path: Path) -> bool:
    """Whether another open file holds the gate's flock (probed from a new one)."""
    probe = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False
    finally:
        os.close(probe)


def test_a_writer_holds_the_gate_until_its_commit_and_a_reader_never_takes_it(
    database: Database,
) -> None:
    with database.reading() as session:
        session.execute(text("SELECT count(*) FROM tickets"))
        assert not held_by_someone(lock_file(database))
    session = database.writer()
    session.execute(text("INSERT INTO gate_probe (name) VALUES ('UGATE0001')"))
    assert held_by_someone(lock_file(database))
    session.commit()
    session.close()
    assert not held_by_someone(lock_file(database))


def test_a_rollback_and_an_error_let_go_of_the_gate(database: Database) -> None:
    session = database.writer()
    session.rollback()
    session.close()
    assert not held_by_someone(lock_file(database))
    with pytest.raises(Exception, match="no such table"), database.writer() as failing:
        failing.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert not held_by_someone(lock_file(database))
    # And the gate still opens for the next writer.
    with database.writer() as session:
        session.execute(text("SELECT 1"))
        session.commit()


def test_a_second_thread_writes_right_after_the_first_commits(database: Database) -> None:
    order: list[str] = []
    first_began = threading.Event()
    first = database.writer()
    first_began.set()

    def second() -> None:
        first_began.wait(timeout=10)
        with database.writer() as session:
            order.append("second began")
            session.commit()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=0.5)  # it waits at the gate, however long it is given
    assert thread.is_alive()
    order.append("first commits")
    first.commit()
    first.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert order == ["first commits", "second began"]


WRITE_IN_ANOTHER_PROCESS = """
import sys
from sqlalchemy import text
from flashticket_core.adapters.db import Database, make_engine
database = Database(make_engine(sys.argv[1]))
with database.writer() as session:
    print("began", flush=True)
    session.execute(text("INSERT INTO gate_probe (name) VALUES ('UGATE0002')"))
    session.commit()
print("committed", flush=True)
"""


def test_another_process_waits_at_the_gate_and_writes_once_it_opens(
    database: Database, sqlite_database_url: str
) -> None:
    holder = database.writer()
    other = subprocess.Popen(
        [sys.executable, "-c", WRITE_IN_ANOTHER_PROCESS, sqlite_database_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            other.wait(timeout=1)  # waiting at the gate, not failing after a busy timeout
        holder.commit()
        holder.close()
        out, _ = other.communicate(timeout=30)
    finally:
        if other.poll() is None:
            other.kill()
    assert other.returncode == 0
    assert out.split() == ["began", "committed"]
    with database.reading() as session:
        users = set(session.scalars(text("SELECT name FROM gate_probe")))
    assert users == {"UGATE0002"}
