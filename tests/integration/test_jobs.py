"""Periodic jobs: one replica at a time holds a job's lease; housekeeping forgets only
what nobody needs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from bot.serve import start_scheduler
from flashticket_core.adapters.tables import OutboxMessage, ProcessedRequest
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import Settings
from flashticket_core.service_layer.common import utcnow
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered, Transport
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.jobs import Leases, housekeeping
from tests.conftest import ALICE, Clock


def test_one_holder_at_a_time_until_the_lease_runs_out(core: Core, clock: Clock) -> None:
    first = Leases(core.jobs, clock=clock, holder="replica-1")
    second = Leases(core.jobs, clock=clock, holder="replica-2")
    assert first.acquire("housekeeping", timedelta(minutes=10))
    assert not second.acquire("housekeeping", timedelta(minutes=10))
    assert first.acquire("housekeeping", timedelta(minutes=10))  # the holder renews
    assert second.acquire("another-job", timedelta(minutes=10))  # leases are per job
    clock.advance(minutes=11)
    assert second.acquire("housekeeping", timedelta(minutes=10))
    assert not first.acquire("housekeeping", timedelta(minutes=10))


def test_housekeeping_forgets_old_keys_and_sent_messages_only(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    desk.tickets.open_ticket(ALICE, title="old", request_key="view:old")
    with core.engine.begin() as connection:
        connection.execute(OutboxMessage.__table__.update().values(status="sent"))
    clock.advance(days=31)
    desk.tickets.open_ticket(ALICE, title="new", request_key="view:new")  # pending, recent
    leases = Leases(core.jobs, clock=clock, holder="me")
    assert housekeeping(core.jobs, leases, clock)
    with core.engine.connect() as connection:
        keys = list(connection.scalars(select(ProcessedRequest.key)))
        statuses = list(connection.scalars(select(OutboxMessage.status)))
        total = connection.scalar(select(func.count()).select_from(OutboxMessage))
    assert keys == ["view:new"]
    assert statuses == ["pending", "pending"]
    assert total == 2
    other = Leases(core.jobs, clock=clock, holder="other replica")
    assert not housekeeping(core.jobs, other, clock)


def test_the_scheduler_starts_every_job_now_however_far_behind_the_core_clock_is(
    sqlite_database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The core's clock stands months in the past (a test's, or a console's), the
    # scheduler keeps real time. A job whose first run lies in the scheduler's past makes
    # it step through every interval since then before it runs anything, and stopping
    # it waits for those steps; a job starting now has one run due.
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=sqlite_database_url,
        flashticket_digest_time="09:00",
    )
    core = bootstrap(settings, clock=clock)
    assert core.clock_policy.active  # the timers' sweep is among the jobs
    start = BackgroundScheduler.start
    # Paused: the jobs stay as added, not yet run by the scheduler's thread.
    monkeypatch.setattr(BackgroundScheduler, "start", lambda s: start(s, paused=True))
    worker = core.delivery_worker(NoTransport(), poll_interval=30)  # never started
    scheduler = start_scheduler(core, worker, Leases(core.jobs, clock=clock))
    try:
        now = utcnow()
        due = {job.id: len(runs_due(job, now, at_most=10)) for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
        core.close()
    assert due == {"outbox-poll": 0, "housekeeping": 1, "digest": 1, "timers": 1}


def runs_due(job: Job, now: datetime, *, at_most: int) -> list[datetime]:
    """The run times the scheduler steps through before it runs the job (it runs the
    last of them, `coalesce`), counted up to one more than `at_most`."""
    runs: list[datetime] = []
    at: datetime | None = job.next_run_time
    while at is not None and at <= now and len(runs) <= at_most:
        runs.append(at)
        at = job.trigger.get_next_fire_time(at, now)
    return runs


class NoTransport(Transport):
    def deliver(self, message: Outgoing) -> Delivered:
        raise AssertionError("the worker is not started")
