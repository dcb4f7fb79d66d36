"""The morning digest goes out once per business day, whichever replica runs its round
and however often: the day is recorded with the outbox message, on both databases."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.business_time import parse_business_hours
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.digest import (
    Digest,
    DigestJob,
    send_digest_if_due,
)
from flashticket_core.service_layer.jobs import Leases
from tests.conftest import ALICE, BOB, SUPPORT, Clock

BERLIN = ZoneInfo("Europe/Berlin")
CALENDAR = parse_business_hours("mon-fri 08:00-17:00", zone=BERLIN, holidays="2026-03-19")
NINE = time(9, 0)
# Monday 16 March 2026, 09:05 in Berlin.
MONDAY_MORNING = datetime(2026, 3, 16, 8, 5, tzinfo=UTC)


def digests(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "support_digest")
        ).all()
    return [json.loads(row.payload) for row in rows]


def test_two_rounds_and_two_replicas_on_one_day_send_one_digest(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    desk.tickets.open_ticket(ALICE, title="VPN <!channel>", priority=Priority.HIGH)
    waiting = desk.tickets.open_ticket(BOB, title="Printer").id
    desk.tickets.take(SUPPORT, waiting)
    desk.tickets.change_status(SUPPORT, waiting, Status.WAITING)

    clock.now = MONDAY_MORNING
    other = bootstrap(core.settings, clock=clock)
    try:
        assert send_digest_if_due(core.digests, CALENDAR, NINE, clock())
        assert not send_digest_if_due(core.digests, CALENDAR, NINE, clock())
        clock.advance(hours=3)  # a replica that starts at noon finds it sent
        assert not send_digest_if_due(other.digests, CALENDAR, NINE, clock())
    finally:
        other.close()
    (payload,) = digests(core.engine)
    digest = Digest.from_payload(payload)
    assert (digest.day.isoformat(), digest.open, digest.unassigned, digest.waiting) == (
        "2026-03-16",
        2,
        1,
        1,
    )
    assert [t.id for t in digest.oldest_waiting] == [waiting]
    assert [t.title for t in digest.top_open] == ["VPN <!channel>", "Printer"]
    assert digest.breached is None
    assert digest.due_today is None

    clock.advance(days=1)  # Tuesday: a new day, a new digest
    assert send_digest_if_due(core.digests, CALENDAR, NINE, clock())
    assert len(digests(core.engine)) == 2


def test_no_digest_on_a_holiday_a_weekend_or_before_its_time(core: Core, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 19, 10, tzinfo=UTC)  # Thursday, a holiday
    assert not send_digest_if_due(core.digests, CALENDAR, NINE, clock())
    clock.now = datetime(2026, 3, 21, 10, tzinfo=UTC)  # Saturday
    assert not send_digest_if_due(core.digests, CALENDAR, NINE, clock())
    clock.now = datetime(2026, 3, 20, 7, 59, tzinfo=UTC)  # Friday 08:59 in Berlin
    assert not send_digest_if_due(core.digests, CALENDAR, NINE, clock())
    assert digests(core.engine) == []


def test_the_job_takes_the_lease_and_runs_the_additions(core: Core, clock: Clock) -> None:
    clock.now = MONDAY_MORNING
    woken: list[bool] = []

    def timers(digest: Digest, _now: datetime) -> Digest:
        return replace(digest, breached=1, due_today=2)

    first = DigestJob(
        core.digests,
        Leases(core.jobs, clock=clock),
        CALENDAR,
        NINE,
        clock,
        additions=[timers],
        on_queued=lambda: woken.append(True),
    )
    second = DigestJob(core.digests, Leases(core.jobs, clock=clock), CALENDAR, NINE, clock)
    switched_off = DigestJob(core.digests, Leases(core.jobs, clock=clock), CALENDAR, None, clock)
    assert not switched_off()
    assert first()
    assert not second()  # the lease is the first replica's for now
    assert woken == [True]
    (payload,) = digests(core.engine)
    assert (payload["breached"], payload["due_today"]) == (1, 2)


def test_the_digest_counts_missed_targets_and_those_due_today(
    core: Core, desk: HelpDesk, clock: Clock
) -> None:
    # The default targets on mon-fri 08:00-17:00 UTC: high 30 min / 4 h, medium 4 h / 2 d,
    # low 1 d / 5 d.
    clock.now = datetime(2026, 3, 16, 7, tzinfo=UTC)  # Monday, before the hours begin
    missed = desk.tickets.open_ticket(ALICE, title="VPN", priority=Priority.HIGH).id
    due = desk.tickets.open_ticket(BOB, title="Printer", priority=Priority.MEDIUM).id
    later = desk.tickets.open_ticket(BOB, title="Later", priority=Priority.LOW).id
    answered = desk.tickets.open_ticket(ALICE, title="Mail", priority=Priority.HIGH).id
    desk.conversation.add_support_reply(SUPPORT, answered, "On it")

    clock.now = datetime(2026, 3, 16, 9, 5, tzinfo=UTC)  # high's 08:30 has passed
    assert core.digest_job(Leases(core.jobs, clock=clock))()
    (payload,) = digests(core.engine)
    digest = Digest.from_payload(payload)
    # Due before the day ends: medium's answer (12:00), low's (1 d = 9 h, 17:00) and the
    # answered ticket's resolution (12:00); the missed one counts as missed only.
    assert (digest.breached, digest.due_today) == (1, 3)
    assert [t.id for t in digest.breached_tickets] == [missed]
    assert {t.id for t in digest.due_today_tickets} == {due, later, answered}
