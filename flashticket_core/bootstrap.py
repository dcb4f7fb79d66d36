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
from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.service_levels import parse_sla
from flashticket_core.service_layer.common import Environment, utcnow
from flashticket_core.service_layer.delivery import DeliveryWorker, Transport
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.jobs import JobStore, Leases
from flashticket_core.service_layer.outbox import Outbox
from flashticket_core.service_layer.sweep import sweep
from flashticket_core.service_layer.timers import ClockPolicy, TimerWriter, parse_interval


@dataclass
class Core:
    settings: Settings
    database: Database
    desk: HelpDesk
    clock: Callable[[], datetime]
    clock_policy: ClockPolicy
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
        worker = DeliveryWorker(store, transport, clock=self.clock, **options)
        self.committed_listeners.append(worker.wake)
        return worker

    def sweep_timers(self, leases: Leases) -> int:
        """Fire the timers that are due (one round of the sweep job)."""
        units = partial(
            SqlAlchemyUnitOfWork,
            self.database,
            outbox=Outbox(self.clock, self.settings.flashticket_admins),
            timers=TimerWriter(self.clock_policy, self.clock),
            after_commit=self.notify_committed,
        )
        return sweep(units, leases, self.clock_policy, self.clock)

    def close(self) -> None:
        self.engine.dispose()


def notify(listeners: list[Callable[[], None]]) -> None:
    for listener in list(listeners):
        listener()


def clock_policy(settings: Settings) -> ClockPolicy:
    """The targets and timers the settings ask for; a ValueError names the setting."""
    calendar = BusinessCalendar.always(settings.flashticket_timezone)
    try:
        service_levels = parse_sla(
            settings.flashticket_sla,
            business_day=calendar.business_day,
            warning_share=settings.flashticket_sla_warning_percent / 100,
        )
    except ValueError as error:
        raise ValueError(f"FLASHTICKET_SLA: {error}") from None
    return ClockPolicy(
        service_levels=service_levels,
        calendar=calendar,
        waiting_nudge=_interval("FLASHTICKET_WAITING_NUDGE", settings.flashticket_waiting_nudge),
        waiting_resolve=_interval(
            "FLASHTICKET_WAITING_RESOLVE", settings.flashticket_waiting_resolve
        ),
        auto_close=_interval("FLASHTICKET_AUTO_CLOSE", settings.flashticket_auto_close),
    )


def _interval(name: str, text: str) -> timedelta | None:
    try:
        return parse_interval(text)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


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
    policy = clock_policy(settings)

    committed_listeners: list[Callable[[], None]] = []
    env = Environment(
        # A unit of work is made per operation; the partial keeps this module off that path.
        units=partial(
            SqlAlchemyUnitOfWork,
            database,
            outbox=outbox,
            timers=TimerWriter(policy, clock),
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
        clock_policy=policy,
        committed_listeners=committed_listeners,
    )
