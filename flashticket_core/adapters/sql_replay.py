"""The past tickets a desk replay reads, from a database opened for reading only: a
SQLite file opened read-only (never created), a PostgreSQL session whose transactions
are read-only. The rows are streamed in batches, so memory stays flat however many
tickets there are."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import URL

from flashticket_core.adapters.db import SQLITE_BUSY_TIMEOUT_MS, normalise_url
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.replay import PastTicket

BATCH = 5000


def read_only_engine(database_url: str) -> Engine:
    """An engine that cannot change the database nor create one; a missing SQLite file
    is an error on the first connection."""
    url = normalise_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _read_only_sqlite(url)
    return create_engine(
        url,
        hide_parameters=True,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )


def _read_only_sqlite(url: URL) -> Engine:
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValueError(f"{database or 'an in-memory database'} is not a database file to read")
    path = quote(str(Path(database).resolve()))
    engine = create_engine(
        f"sqlite:///file:{path}?mode=ro&uri=true",
        hide_parameters=True,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    return engine


class SqlPastTickets:
    """The live tickets opened since a moment, a batch at a time."""

    def __init__(self, engine: Engine, *, batch: int = BATCH) -> None:
        self.engine = engine
        self.batch = batch

    def opened_since(self, since: datetime) -> Iterator[PastTicket]:
        query = (
            select(
                Ticket.priority,
                Ticket.created_at,
                Ticket.request_type,
                Ticket.source_channel,
                Ticket.first_response_at,
                Ticket.resolved_at,
            )
            .where(Ticket.deleted_at.is_(None), Ticket.created_at >= since)
            .execution_options(stream_results=True, yield_per=self.batch)
        )
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield PastTicket(*row)
