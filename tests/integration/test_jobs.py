"""Periodic jobs: one replica at a time holds a job's lease; housekeeping forgets only
what nobody needs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from flashticket_core.adapters.tables import OutboxMessage, ProcessedRequest
from flashticket_core.bootstrap import Core
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
