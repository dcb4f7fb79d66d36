"""Statistics against values computed by hand on known data sets, and the summaries the
database keeps (tallies, duration histograms, queue rank) against the tickets themselves."""

from __future__ import annotations

import random
import statistics as exact
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from flashticket_core.adapters.tables import (
    TicketDuration,
    TicketDurationDetail,
    TicketMonthTally,
    TicketTally,
)
from flashticket_core.domain.enums import TRANSITIONS, Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.errors import TicketError
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_statistics_on_a_known_data_set(desk: HelpDesk, clock: Clock) -> None:
    def open_at(when: str, priority: Priority = Priority.MEDIUM) -> int:
        clock.now = at(when)
        return desk.tickets.open_ticket(ALICE, title=f"opened {when}", priority=priority).id

    def resolve_at(ticket_id: int, when: str) -> None:
        clock.now = at(when)
        desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)

    def reply_at(ticket_id: int, when: str) -> None:
        clock.now = at(when)
        desk.conversation.add_support_reply(SUPPORT, ticket_id, "On it.")

    # The last second of January and the first of February fall in different months.
    jan = open_at("2026-01-31 23:59:59", Priority.HIGH)
    feb = open_at("2026-02-01 00:00:00", Priority.LOW)
    feb2 = open_at("2026-02-14 12:00:00", Priority.HIGH)
    mar = open_at("2026-03-01 08:00:00")
    open_at("2026-03-02 08:00:00", Priority.LOW)  # stays new
    old = open_at("2024-06-01 10:00:00")  # outside the 12-month window
    open_at("2026-03-10 00:00:00", Priority.HIGH)  # stays new

    reply_at(feb2, "2026-02-14 12:30:00")  # 30 min
    resolve_at(jan, "2026-02-01 00:59:59")  # 1 h
    resolve_at(feb, "2026-02-01 03:00:00")  # 3 h
    resolve_at(feb2, "2026-03-01 12:00:00")  # 15 days
    reply_at(mar, "2026-03-02 09:00:00")  # 25 h
    reply_at(mar, "2026-03-02 10:00:00")  # a second reply is not a first reply
    clock.now = at("2026-03-02 09:00:00")
    desk.tickets.take(SUPPORT, mar)
    desk.tickets.change_status(SUPPORT, mar, Status.WAITING)
    resolve_at(old, "2026-03-03 10:00:00")

    clock.now = at("2026-03-10 12:00:00")
    stats = desk.queries.statistics(SUPPORT, days=60)

    assert stats.open_by_status == {Status.NEW: 2, Status.IN_PROGRESS: 0, Status.WAITING: 1}
    assert stats.open_total == 3
    assert stats.open_by_priority == {Priority.HIGH: 1, Priority.MEDIUM: 1, Priority.LOW: 1}
    assert next(iter(stats.status_per_month)) == "2025-04"
    assert list(stats.status_per_month)[-1] == "2026-03"
    assert {k: v for k, v in stats.created_per_month.items() if v} == {
        "2026-01": 1,
        "2026-02": 2,
        "2026-03": 3,
    }
    assert stats.status_per_month["2026-02"] == {
        Status.NEW: 0,
        Status.IN_PROGRESS: 0,
        Status.WAITING: 0,
        Status.RESOLVED: 2,
        Status.CLOSED: 0,
        Status.PENDING_APPROVAL: 0,
    }
    assert stats.status_per_month["2026-03"][Status.NEW] == 2
    assert stats.status_per_month["2026-03"][Status.WAITING] == 1
    assert stats.kpis.opened_today == 1
    # Resolved within the 60 days up to today: 1 h, 3 h, 15 d and 640 d.
    assert stats.kpis.resolved_in_period == 4
    assert stats.kpis.median_seconds_to_resolve == pytest.approx((3 * 3600 + 15 * 86400) / 2)
    # First replies: 30 min and 25 h; the median of two is their mean.
    assert stats.kpis.first_replies_in_period == 2
    assert stats.kpis.median_seconds_to_first_reply == pytest.approx((1800 + 25 * 3600) / 2)

    # Ten days are 2026-03-01 to 2026-03-10: feb2 (15 d) and old; not jan, not feb.
    last_days = desk.queries.statistics(SUPPORT, days=10)
    assert last_days.kpis.resolved_in_period == 2
    old_duration = (at("2026-03-03 10:00:00") - at("2024-06-01 10:00:00")).total_seconds()
    assert last_days.kpis.median_seconds_to_resolve == pytest.approx(
        (15 * 86400 + old_duration) / 2
    )
    assert last_days.kpis.median_seconds_to_first_reply == pytest.approx(25 * 3600)


def test_months_and_today_follow_the_time_zone(desk: HelpDesk, clock: Clock) -> None:
    """Berlin is UTC+1 in winter and UTC+2 from 29 March 2026: a ticket near midnight
    belongs to another month (and another day) in Berlin than in UTC."""
    opened = {
        "a": "2026-01-31 23:30:00",  # Berlin: 1 Feb 00:30
        "b": "2026-02-28 23:59:00",  # Berlin: 1 Mar 00:59
        "c": "2026-03-01 00:00:00",  # Berlin: 1 Mar 01:00
        "d": "2026-03-31 21:59:00",  # Berlin: 31 Mar 23:59 (summer time)
        "e": "2026-03-31 22:30:00",  # Berlin: 1 Apr 00:30
        "f": "2026-04-01 21:00:00",  # Berlin: 1 Apr 23:00
        "g": "2025-05-01 00:30:00",  # Berlin: 1 May 2025 02:30
        "h": "2025-04-30 22:30:00",  # Berlin: 1 May 2025 00:30; UTC: outside the 12 months
    }
    ids = {}
    for name, when in opened.items():
        clock.now = at(when)
        ids[name] = desk.tickets.open_ticket(BOB, title=name).id
    clock.now = at("2026-04-01 21:10:00")
    desk.tickets.change_status(SUPPORT, ids["c"], Status.RESOLVED)
    clock.now = at("2026-04-01 21:30:00")  # Berlin: 1 Apr 23:30

    in_utc = desk.queries.statistics(SUPPORT)
    assert next(iter(in_utc.status_per_month)) == "2025-05"
    assert {k: v for k, v in in_utc.created_per_month.items() if v} == {
        "2025-05": 1,
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 3,
        "2026-04": 1,
    }
    assert in_utc.kpis.opened_today == 1

    desk = HelpDesk.over(replace(desk.env, zone=BERLIN))
    in_berlin = desk.queries.statistics(SUPPORT)
    assert next(iter(in_berlin.status_per_month)) == "2025-05"
    assert {k: v for k, v in in_berlin.created_per_month.items() if v} == {
        "2025-05": 2,
        "2026-02": 1,
        "2026-03": 3,
        "2026-04": 2,
    }
    assert in_berlin.status_per_month["2026-03"][Status.RESOLVED] == 1
    assert in_berlin.status_per_month["2026-03"][Status.NEW] == 2
    assert in_berlin.kpis.opened_today == 2
    assert desk.queries.home(SUPPORT).kpis is not None
    assert desk.queries.home(SUPPORT).kpis.opened_today == 2  # type: ignore[union-attr]

    # Just after midnight in Berlin it is still the previous day in UTC.
    clock.now = at("2026-04-01 22:05:00")  # Berlin: 2 Apr 00:05
    assert desk.queries.statistics(SUPPORT).kpis.opened_today == 0
    assert list(desk.queries.statistics(SUPPORT).status_per_month)[-1] == "2026-04"


def test_statistics_of_an_empty_desk(desk: HelpDesk) -> None:
    stats = desk.queries.statistics(SUPPORT)
    assert stats.open_total == 0
    assert stats.kpis.median_seconds_to_resolve is None
    assert stats.kpis.median_seconds_to_first_reply is None
    assert stats.kpis.opened_today == 0
    assert set(stats.created_per_month.values()) == {0}
    assert len(stats.created_per_month) == 12


def test_deleted_tickets_do_not_count(desk: HelpDesk, clock: Clock) -> None:
    kept = desk.tickets.open_ticket(ALICE, title="kept").id
    gone = desk.tickets.open_ticket(BOB, title="gone").id
    desk.conversation.add_support_reply(SUPPORT, gone, "Looking.")
    desk.tickets.change_status(SUPPORT, gone, Status.RESOLVED)
    desk.tickets.delete(ADMIN, gone)
    stats = desk.queries.statistics(SUPPORT)
    assert stats.open_total == 1
    assert sum(stats.created_per_month.values()) == 1
    assert stats.kpis.resolved_in_period == 0
    assert stats.kpis.first_replies_in_period == 0
    assert desk.queries.show(SUPPORT, kept).ticket.status is Status.NEW


def test_a_median_is_within_its_bucket_when_many_share_it(desk: HelpDesk, clock: Clock) -> None:
    """Durations kept to two significant digits: a median from a shared bucket is that
    bucket's mean, never more than 10% from the exact median."""
    rng = random.Random(7)
    durations = [rng.randint(3000, 3999) for _ in range(25)]  # ten buckets of 100 s
    start = at("2026-03-13 08:00:00")
    for number, seconds in enumerate(durations):
        clock.now = start + timedelta(minutes=number)
        ticket = desk.tickets.open_ticket(ALICE, title=f"t{number}").id
        clock.now = start + timedelta(minutes=number, seconds=seconds)
        desk.tickets.change_status(SUPPORT, ticket, Status.RESOLVED)
    clock.now = at("2026-03-14 09:00:00")
    kpis = desk.queries.statistics(SUPPORT, days=7).kpis
    assert kpis.resolved_in_period == 25
    median = exact.median(durations)
    assert kpis.median_seconds_to_resolve is not None
    assert kpis.median_seconds_to_resolve == pytest.approx(median, rel=0.1)
    bucket = median // 100 * 100
    assert bucket <= kpis.median_seconds_to_resolve < bucket + 100


# -- the summaries against the tickets ------------------------------------------------------


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def significant(seconds: int, digits: int) -> int:
    if seconds < 10**digits:
        return seconds
    unit = 10 ** (len(str(seconds)) - digits)
    return seconds // unit * unit


Tallies = Counter[tuple[date, str, str]]
Durations = Counter[tuple[str, date, int]]
Details = Counter[tuple[str, int, date, int]]


def recomputed(engine: Engine) -> tuple[Tallies, Tallies, Durations, Details]:
    tallies: Tallies = Counter()
    months: Tallies = Counter()
    durations: Durations = Counter()
    details: Details = Counter()
    with engine.connect() as connection:
        for ticket in connection.execute(select(Ticket).where(Ticket.deleted_at.is_(None))):
            created = ticket.created_at
            tallies[(created.date(), ticket.status.value, ticket.priority.value)] += 1
            month = created.date().replace(day=1)
            months[(month, ticket.status.value, ticket.priority.value)] += 1
            for measure, moment in (
                ("first_reply", ticket.first_response_at),
                ("resolution", ticket.resolved_at),
            ):
                if moment is not None:
                    seconds = seconds_between(created, moment)
                    coarse = significant(seconds, 1)
                    durations[(measure, moment.date(), coarse)] += 1
                    details[(measure, coarse, moment.date(), significant(seconds, 2))] += 1
    return tallies, months, durations, details


def stored(engine: Engine) -> tuple[Tallies, Tallies, Durations, Details]:
    with engine.connect() as connection:
        tallies = Counter(
            {
                (row.day, row.status, row.priority): row.tickets
                for row in connection.execute(select(TicketTally))
                if row.tickets
            }
        )
        months = Counter(
            {
                (row.month, row.status, row.priority): row.tickets
                for row in connection.execute(select(TicketMonthTally))
                if row.tickets
            }
        )
        durations = Counter(
            {
                (row.measure, row.day, row.bucket): row.tickets
                for row in connection.execute(select(TicketDuration))
                if row.tickets
            }
        )
        details = Counter(
            {
                (row.measure, row.bucket, row.day, row.fine): row.tickets
                for row in connection.execute(select(TicketDurationDetail))
                if row.tickets
            }
        )
    return tallies, months, durations, details


def test_summaries_stay_in_step_with_every_kind_of_change(
    desk: HelpDesk, clock: Clock, engine: Engine
) -> None:
    """Random opens, status changes (with reopens), priorities, assignments, replies and
    deletions: the tallies, the histograms and the queue always agree with the tickets."""
    rng = random.Random(2026)
    tickets: list[int] = []
    clock.now = at("2026-01-01 06:00:00")
    for _ in range(160):
        clock.advance(minutes=rng.randint(1, 600))
        action = rng.random()
        try:
            if action < 0.3 or not tickets:
                tickets.append(
                    desk.tickets.open_ticket(
                        rng.choice([ALICE, BOB]),
                        title="step",
                        priority=rng.choice(list(Priority)),
                    ).id
                )
                continue
            ticket = rng.choice(tickets)
            current = desk.queries.show(SUPPORT, ticket).ticket
            if action < 0.55:
                desk.tickets.change_status(
                    SUPPORT, ticket, rng.choice(sorted(TRANSITIONS[current.status]))
                )
            elif action < 0.65:
                desk.tickets.set_priority(SUPPORT, ticket, rng.choice(list(Priority)))
            elif action < 0.75:
                desk.tickets.assign(SUPPORT, ticket, rng.choice([SUPPORT, None]))
            elif action < 0.9:
                desk.conversation.add_support_reply(SUPPORT, ticket, "step reply")
            else:
                desk.tickets.delete(ADMIN, ticket)
                tickets.remove(ticket)
        except TicketError:
            pass  # e.g. a change a status does not allow: nothing changed
    assert stored(engine) == recomputed(engine)

    page = desk.queries.list_tickets(SUPPORT, queue=True, limit=100)
    queue = page.items
    rank = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
    expected = sorted(
        queue,
        key=lambda t: (
            t.assignee_id is not None,
            t.status is not Status.NEW,
            rank[t.priority],
            t.created_at,
            t.id,
        ),
    )
    assert [t.id for t in queue] == [t.id for t in expected]
    with engine.connect() as connection:
        open_live = connection.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(
                Ticket.deleted_at.is_(None), Ticket.status.in_(["new", "in_progress", "waiting"])
            )
        )
    assert 0 < len(queue) == open_live == page.total
    assert desk.queries.statistics(SUPPORT).open_total == open_live
