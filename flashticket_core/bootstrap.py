"""Wiring: build the engine, the units of work and the service from settings, on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from flashticket_core.adapters import schema
from flashticket_core.adapters.db import make_engine
from flashticket_core.config import Settings
from flashticket_core.service_layer.services import TicketService, utcnow
from flashticket_core.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    EventSink,
    SqlAlchemyUnitOfWork,
    session_factory,
)


@dataclass
class Core:
    settings: Settings
    engine: Engine
    service: TicketService

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    migrate: bool = True,
    event_sink: EventSink | None = None,
    clock: Callable[[], datetime] = utcnow,
    engine: Engine | None = None,
) -> Core:
    engine = engine or make_engine(settings.database_url)
    if migrate:
        schema.upgrade(engine)
    sessions = session_factory(engine)

    def unit_of_work(write: bool = True) -> AbstractUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, write=write, event_sink=event_sink)

    service = TicketService(
        unit_of_work,
        sessions,
        configured_admins=settings.flashticket_admins,
        clock=clock,
    )
    return Core(settings=settings, engine=engine, service=service)
