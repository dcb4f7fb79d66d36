"""Wiring: build the database, the units of work and the help desk from settings, on
request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine

from flashticket_core.adapters.db import Database, make_engine
from flashticket_core.adapters.sql_jobs import SqlJobStore
from flashticket_core.adapters.sql_outbox import SqlOutboxStore
from flashticket_core.adapters.sql_reads import reads_from
from flashticket_core.adapters.sql_unit_of_work import SqlAlchemyUnitOfWork
from flashticket_core.config import Settings
from flashticket_core.service_layer.common import Environment, utcnow
from flashticket_core.service_layer.delivery import DeliveryWorker, Transport
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.jobs import JobStore
from flashticket_core.service_layer.outbox import Outbox


@dataclass
class Core:
    settings: Settings
    database: Database
    desk: HelpDesk
    clock: Callable[[], datetime]
    # Called after every commit that wrote messages (wakes the delivery worker).
    committed_listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.database.engine

    def notify_committed(self) -> None:
        notify(self.committed_listeners)

    @property
    def jobs(self) -> JobStore:
        """Where the periodic jobs take their leases and forget old rows."""
        return SqlJobStore(self.database)

    def delivery_worker(self, transport: Transport, **options: Any) -> DeliveryWorker:
        options.setdefault(
            "lease", timedelta(seconds=self.settings.flashticket_delivery_lease_seconds)
        )
        store = SqlOutboxStore(self.database)
        clock = options.pop("clock", self.clock)
        worker = DeliveryWorker(store, transport, clock=clock, **options)
        self.committed_listeners.append(worker.wake)
        return worker

    def close(self) -> None:
        self.engine.dispose()


def notify(listeners: list[Callable[[], None]]) -> None:
    for listener in list(listeners):
        listener()


def bootstrap(
    settings: Settings,
    *,
    migrate: Callable[[Engine], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
    engine: Engine | None = None,
) -> Core:
    """The core, wired: every change writes its messages to the outbox in its transaction."""
    engine = engine or make_engine(settings.database_url)
    if migrate is not None:
        migrate(engine)
    database = Database(engine)
    outbox = Outbox(clock, settings.flashticket_admins)

    committed_listeners: list[Callable[[], None]] = []
    env = Environment(
        # A unit of work is made per operation; the partial keeps this module off that path.
        units=partial(
            SqlAlchemyUnitOfWork,
            database,
            outbox=outbox,
            after_commit=partial(notify, committed_listeners),
        ),
        reads=reads_from(database),
        configured_admins=settings.flashticket_admins,
        clock=clock,
        language=settings.flashticket_language,
        zone=settings.flashticket_timezone,
    )
    return Core(
        settings=settings,
        database=database,
        desk=HelpDesk.over(env),
        clock=clock,
        committed_listeners=committed_listeners,
    )
