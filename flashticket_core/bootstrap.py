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
from flashticket_core.adapters.sql_digest import SqlDigestStore, targets_in_digest
from flashticket_core.adapters.sql_jobs import SqlJobStore
from flashticket_core.adapters.sql_outbox_store import SqlOutboxStore
from flashticket_core.adapters.sql_reads import reads_from
from flashticket_core.adapters.sql_teams import private_teams, record_desk_members, record_teams
from flashticket_core.adapters.sql_unit_of_work import SqlAlchemyUnitOfWork
from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import desk_structure
from flashticket_core.metrics import OutboxHealth
from flashticket_core.service_layer.common import Environment, utcnow
from flashticket_core.service_layer.delivery.ports import Transport
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.digest import DigestAddition, DigestJob, DigestStore
from flashticket_core.service_layer.jobs import JobStore, Leases
from flashticket_core.service_layer.sweep import sweep
from flashticket_core.service_layer.team_clocks import clock_policy as clock_policy
from flashticket_core.service_layer.team_clocks import team_clocks
from flashticket_core.service_layer.timers import ClockPolicy, TeamClocks
from flashticket_core.service_layer.unit_of_work import commit_steps


@dataclass
class Core:
    settings: CoreSettings
    database: Database
    desk: HelpDesk
    clock: Callable[[], datetime]
    # Each team's targets and calendar (service_layer/team_clocks.py).
    clocks: TeamClocks
    # Called after every commit that wrote messages (wakes the delivery worker).
    committed_listeners: list[Callable[[], None]] = field(default_factory=list)
    # What other parts of the help desk add to the morning digest (the timers engine:
    # breached, due today).
    digest_additions: list[DigestAddition] = field(default_factory=list)

    @property
    def clock_policy(self) -> ClockPolicy:
        """The help desk's own clock (FLASHTICKET_SLA on FLASHTICKET_BUSINESS_HOURS), the
        one of every team the desk file gives no levels or calendar of its own."""
        return self.clocks.default

    @property
    def engine(self) -> Engine:
        return self.database.engine

    def notify_committed(self) -> None:
        notify(self.committed_listeners)

    @property
    def jobs(self) -> JobStore:
        """Where the periodic jobs take their leases and forget old rows."""
        return SqlJobStore(self.database)

    @property
    def digests(self) -> DigestStore:
        """Where the morning digest reads its counts and records the days it went out."""
        return SqlDigestStore(self.database)

    def digest_job(self, leases: Leases) -> DigestJob:
        """The morning digest's periodic round, on this core's calendar and clock."""
        return DigestJob(
            store=self.digests,
            leases=leases,
            calendar=self.settings.calendar(),
            digest_time=self.settings.clock_intervals().digest_time,
            clock=self.clock,
            additions=self._digest_additions(),
            on_queued=self.notify_committed,
            teams=self.desk.env.teams,
        )

    def _digest_additions(self) -> list[DigestAddition]:
        if not self.clocks.any_targets:
            return list(self.digest_additions)
        zone = self.settings.flashticket_timezone
        targets = targets_in_digest(self.database, zone)
        return [targets, *self.digest_additions]

    def delivery_worker(self, transport: Transport, **options: Any) -> DeliveryWorker:
        options.setdefault(
            "lease", timedelta(seconds=self.settings.flashticket_delivery_lease_seconds)
        )
        store = SqlOutboxStore(self.database, admins=self.settings.flashticket_admins)
        clock = options.pop("clock", self.clock)
        worker = DeliveryWorker(store, transport, clock=clock, **options)
        self.committed_listeners.append(worker.wake)
        return worker

    def outbox_health(self) -> OutboxHealth:
        """The outbox as it is now (for /metrics and `flashticket doctor`)."""
        return SqlOutboxStore(self.database).health(now=self.clock())

    def sweep_timers(self, leases: Leases) -> int:
        """Fire the timers that are due (one round of the sweep job)."""
        units = partial(
            SqlAlchemyUnitOfWork,
            self.database,
            steps=commit_steps(self.clocks, self.clock, self.settings.flashticket_admins),
            after_commit=self.notify_committed,
        )
        return sweep(units, leases, self.clocks, self.clock)

    def close(self) -> None:
        self.engine.dispose()


def notify(listeners: list[Callable[[], None]]) -> None:
    for listener in list(listeners):
        listener()


def bootstrap(
    settings: CoreSettings,
    *,
    migrate: Callable[[Engine], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
    engine: Engine | None = None,
    support_channel: str | None = None,
) -> Core:
    """The core, wired: every change writes its messages to the outbox in its transaction.
    `support_channel` is the one team's channel when there is no desk file (an opaque id
    the adapter knows)."""
    engine = engine or make_engine(settings.database_url)
    if migrate is not None:
        migrate(engine)
    database = Database(engine)
    # The desk's teams (FLASHTICKET_DESK_FILE, checked before `serve` starts): a new
    # ticket goes to its request type's team, or its intake channel's, or the first.
    teams = desk_structure(settings.flashticket_desk_file, support_channel=support_channel)
    record_teams(database, teams)
    clocks = team_clocks(settings, teams)
    record_desk_members(database, teams, now=clock())

    committed_listeners: list[Callable[[], None]] = []
    env = Environment(
        # A unit of work is made per operation; the partial keeps this module off that path.
        units=partial(
            SqlAlchemyUnitOfWork,
            database,
            steps=commit_steps(clocks, clock, settings.flashticket_admins),
            after_commit=partial(notify, committed_listeners),
        ),
        reads=reads_from(database),
        configured_admins=settings.flashticket_admins,
        clock=clock,
        language=settings.flashticket_language,
        zone=settings.flashticket_timezone,
        intake_limit=settings.intake_limit(),
        default_team=teams.default_team.id,
        structure=teams,
        stored_private_teams=private_teams(database),
        calendar_of=lambda team_id: clocks.of(team_id).calendar,
    )
    return Core(
        settings=settings,
        database=database,
        desk=HelpDesk.over(env),
        clock=clock,
        clocks=clocks,
        committed_listeners=committed_listeners,
    )
