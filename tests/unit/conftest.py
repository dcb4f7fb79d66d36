"""Unit tests need no database, no network and no other process. One that opens a socket,
creates a SQLAlchemy engine, opens an SQLite file or starts a process fails here: it
belongs in tests/integration (a database) or tests/e2e (a server, Slack, a process)."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine


@pytest.fixture(autouse=True)
def no_database_network_or_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    test_thread = threading.current_thread()
    from_other_threads: list[str] = []

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*_args: Any, **_kwargs: Any) -> Any:
            message = (
                f"a unit test {what}: a test that needs a database belongs in "
                "tests/integration, one that needs a server, Slack or a process in tests/e2e"
            )
            if threading.current_thread() is not test_thread:
                from_other_threads.append(message)
            # Failed is no Exception: the code under test cannot swallow it.
            pytest.fail(message)

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("connected a socket"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connected a socket"))
    monkeypatch.setattr(socket.socket, "bind", refuse("bound a socket"))
    # Every create_engine() builds an Engine, however the function was imported.
    monkeypatch.setattr(Engine, "__init__", refuse("created a SQLAlchemy engine"))
    monkeypatch.setattr(sqlite3, "connect", refuse("opened an SQLite database"))
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("started a process"))
    yield
    if from_other_threads:
        pytest.fail(from_other_threads[0])
