"""Tickets made from chat messages, on both databases: the author reports, the history
names who opened it, and one message makes one ticket, the database's unique index
included."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from flashticket_core.domain.model import MessageSource
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE

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
