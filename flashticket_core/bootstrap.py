"""Wiring: build the engine, the units of work and the service from settings, on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flashticket_core.adapters.db import make_engine
from flashticket_core.config import Settings
from flashticket_core.domain.events import Event
from flashticket_core.service_layer.delivery import DeliveryWorker, Transport
from flashticket_core.service_layer.outbox import write_outbox
from flashticket_core.service_layer.services import TicketService, utcnow
from flashticket_core.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    SqlAlchemyUnitOfWork,
    session_factory,
)


@dataclass
class Core:
    settings: Settings
    engine: Engine
    service: TicketService
    clock: Callable[[], datetime]
    # Called after every commit that wrote messages (wakes the delivery worker).
    committed_listeners: list[Callable[[], None]] = field(default_factory=list)

    def notify_committed(self) -> None:
        for listener in list(self.committed_listeners):
            listener()

    def delivery_worker(self, transport: Transport, **options: Any) -> DeliveryWorker:
        options.setdefault(
            "lease", timedelta(seconds=self.settings.flashticket_delivery_lease_seconds)
        )
        worker = DeliveryWorker(self.engine, transport, clock=self.clock, **options)
        self.committed_listeners.append(worker.wake)
        return worker

    def close(self) -> None:
        self.engine.dispose()


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
    sessions = session_factory(engine)

    def to_outbox(session: Session, event_list: list[Event]) -> None:
        write_outbox(session, event_list, clock(), configured_admins=settings.flashticket_admins)

    def unit_of_work(write: bool = True) -> AbstractUnitOfWork:
        return SqlAlchemyUnitOfWork(
            sessions, write=write, event_sink=to_outbox, after_commit=core.notify_committed
        )

    service = TicketService(
        unit_of_work,
        sessions,
        configured_admins=settings.flashticket_admins,
        clock=clock,
        language=settings.flashticket_language,
        zone=settings.flashticket_timezone,
    )
    core = Core(settings=settings, engine=engine, service=service, clock=clock)
    return core
