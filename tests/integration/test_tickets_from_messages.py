"""Tickets made from chat messages, on both databases: the author reports, the history
names who opened it, and one message makes one ticket, the database's unique index
included."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.errors import IntakeLimited, InvalidInput, NotFound
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock

BOB = "UBOB000001"
SOURCE = MessageSource("C0GENERAL1", "1700000000.000200", "1700000000.000100")


def test_the_author_reports_and_the_history_names_who_opened_it(desk: HelpDesk) -> None:
    ticket = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=SOURCE)
    detail = desk.queries.show(ADMIN, ticket.id)
    assert detail.ticket.reporter_id == ALICE
    assert [(h.actor_id, h.field, h.new) for h in detail.history] == [
        (BOB, "created", "new"),
        (BOB, "reporter", ALICE),
    ]
    assert [t.id for t in desk.queries.list_tickets(ALICE, queue=False).items] == [ticket.id]


def test_one_message_makes_one_ticket(desk: HelpDesk, engine: Engine) -> None:
    first = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=SOURCE)
    again = desk.tickets.open_ticket(ADMIN, title="VPN", reporter_id=ALICE, source=SOURCE)
    assert again.id == first.id
    assert desk.tickets.ticket_of_message(SOURCE) == first.id
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    assert count == 1
    # The database itself refuses a second ticket of the same message.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tickets (title, description, priority, status, reporter_id,"
                " created_at, updated_at, version, source_channel, source_ts) VALUES"
                " ('x', '', 'medium', 'new', :r, :t, :t, 1, :c, :ts)"
            ),
            {"r": ALICE, "t": "2026-01-01 00:00:00", "c": SOURCE.channel, "ts": SOURCE.ts},
        )


def _source(n: int) -> MessageSource:
    ts = f"1700000100.{n:06d}"
    return MessageSource("C0GENERAL1", ts, ts)


def test_the_rate_of_tickets_in_other_peoples_names_holds_for_requests_at_once(
    desk: HelpDesk,
) -> None:
    """Replicas and workers share the count: eight at once, five opened, on both databases."""
    limit = desk.env.intake_limit
    assert limit is not None
    assert limit.count == 5
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def open_one(n: int) -> None:
        start.wait()
        try:
            desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(n))
            outcomes.append("opened")
        except IntakeLimited:
            outcomes.append("refused")

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["opened"] * 5 + ["refused"] * 3


def test_the_rate_renews_with_its_window_and_a_refusal_is_told_once_per_window(
    desk: HelpDesk, clock: Clock
) -> None:
    for n in range(5):
        desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(n))
    with pytest.raises(IntakeLimited) as refused:
        desk.intake.check_allowance(BOB)
    assert "5 tickets from other people's messages in the last 10 minutes" in str(refused.value)
    assert [desk.intake.first_notice_of_limit(BOB) for _ in range(3)] == [True, False, False]
    # A refused try uses none of the count, and one's own tickets never count.
    desk.tickets.open_ticket(BOB, title="Mine", source=_source(99))
    clock.advance(minutes=9)
    with pytest.raises(IntakeLimited):
        desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(5))
    clock.advance(minutes=1)
    desk.intake.check_allowance(BOB)
    desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(5))
    for n in range(6, 10):
        desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(n))
    with pytest.raises(IntakeLimited):
        desk.tickets.open_ticket(BOB, title="Wifi", reporter_id=ALICE, source=_source(10))
    # A new window: told again.
    assert desk.intake.first_notice_of_limit(BOB) is True
    # Support works the channels: not held to it.
    for n in range(20, 27):
        desk.tickets.open_ticket(SUPPORT, title="Wifi", reporter_id=ALICE, source=_source(n))


def test_withdrawing_closes_and_tells_support_and_only_for_tickets_opened_for_one(
    desk: HelpDesk,
) -> None:
    for_alice = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=SOURCE)
    own = desk.tickets.open_ticket(ALICE, title="Mine")
    with pytest.raises(InvalidInput, match="opened by you"):
        desk.tickets.withdraw(ALICE, own.id)
    with pytest.raises(NotFound):
        desk.tickets.withdraw(BOB, for_alice.id)
    withdrawn = desk.tickets.withdraw(ALICE, for_alice.id)
    assert withdrawn.status is Status.CLOSED
    history = desk.queries.show(ADMIN, for_alice.id).history
    assert [(h.actor_id, h.field) for h in history][-2:] == [
        (ALICE, "withdrawn"),
        (ALICE, "status"),
    ]
    with pytest.raises(InvalidInput, match="closed already"):
        desk.tickets.withdraw(ALICE, for_alice.id)
