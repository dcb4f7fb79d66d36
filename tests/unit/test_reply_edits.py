"""A reporter's reply edited or withdrawn where it was written: the aggregate's rules,
the service against in-memory fakes, and the messages it causes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind, Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.errors import InvalidInput, NotAllowed
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.outbox_writer import write_outbox
from tests.fakes_core import FakeMessageQueue, FakeUnitOfWork, fake_desk

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
ADMIN, SUPPORT, ALICE, BOB = "UADMIN", "USUPPORT", "UALICE", "UBOB"
SOURCE = ("DALICE", "1700000100.000001")


def ticket_with_reply() -> tuple[Ticket, object]:
    ticket = Ticket.open(
        title="Printer", description="", priority=Priority.MEDIUM, reporter_id=ALICE, now=NOW
    )
    ticket.id = 7
    entry = ticket.add_entry(
        EntryKind.REPORTER_REPLY, author_id=ALICE, text="It jams", now=NOW, source=SOURCE
    )
    entry.id, entry.ticket_id = 3, 7
    ticket.collect_events()
    return ticket, entry


def test_an_edit_changes_the_words_and_keeps_the_old_ones_in_the_history() -> None:
    ticket, entry = ticket_with_reply()
    version = ticket.version
    assert ticket.edit_entry(entry, "  It jams and smokes ", actor_id=ALICE, now=LATER)
    assert (entry.text, entry.edited_at) == ("It jams and smokes", LATER)
    assert ticket.version == version  # like a reply: the card's buttons stay current
    assert ticket.collect_events() == [
        events.EntryEdited(
            actor_id=ALICE,
            ticket_id=7,
            kind=EntryKind.REPORTER_REPLY,
            entry_id=3,
            text="It jams and smokes",
        )
    ]
    # The same words again (Slack also sends an edit when a preview appears): nothing.
    assert not ticket.edit_entry(entry, "It jams and smokes", actor_id=ALICE, now=LATER)
    assert ticket.collect_events() == []


def test_a_withdrawal_marks_the_entry_once_and_keeps_its_words() -> None:
    ticket, entry = ticket_with_reply()
    assert ticket.withdraw_entry(entry, actor_id=ALICE, now=LATER)
    assert (entry.text, entry.withdrawn_at) == ("It jams", LATER)
    assert not ticket.withdraw_entry(entry, actor_id=ALICE, now=LATER)
    assert ticket.collect_events() == [
        events.EntryWithdrawn(
            actor_id=ALICE, ticket_id=7, kind=EntryKind.REPORTER_REPLY, entry_id=3
        )
    ]
    with pytest.raises(InvalidInput):
        ticket.edit_entry(entry, "back", actor_id=ALICE, now=LATER)


def test_only_the_author_edits_or_withdraws_and_never_to_nothing() -> None:
    ticket, entry = ticket_with_reply()
    with pytest.raises(NotAllowed):
        ticket.edit_entry(entry, "mine now", actor_id=BOB, now=LATER)
    with pytest.raises(NotAllowed):
        ticket.withdraw_entry(entry, actor_id=SUPPORT, now=LATER)
    with pytest.raises(InvalidInput):
        ticket.edit_entry(entry, "   ", actor_id=ALICE, now=LATER)
    assert entry.text == "It jams"
    assert entry.withdrawn_at is None
    assert ticket.collect_events() == []


def test_an_edit_and_a_withdrawal_each_change_the_copy_under_the_card() -> None:
    messages = FakeMessageQueue()
    edited = events.EntryEdited(
        actor_id=ALICE, ticket_id=7, kind=EntryKind.REPORTER_REPLY, entry_id=3, text="new"
    )
    withdrawn = events.EntryWithdrawn(
        actor_id=ALICE, ticket_id=7, kind=EntryKind.REPORTER_REPLY, entry_id=3
    )
    write_outbox(messages, [edited, withdrawn], NOW)
    assert [(m.kind, m.ticket_id, m.entry_id) for m in messages.added] == [
        (MessageKind.SUPPORT_THREAD_EDIT, 7, 3),
        (MessageKind.SUPPORT_THREAD_WITHDRAW, 7, 3),
    ]
    assert json.loads(messages.added[0].payload) == {
        "event": "reporter_reply",
        "actor": ALICE,
        "text": "new",
        "entry": 3,
    }


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def desk(uow: FakeUnitOfWork) -> HelpDesk:
    return fake_desk(uow, admin=ADMIN, support=SUPPORT, now=NOW)


def test_the_service_edits_and_withdraws_only_the_authors_reply_once(
    desk: HelpDesk, uow: FakeUnitOfWork
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Printer").id
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It jams", source=SOURCE)
    conversation = desk.conversation
    assert conversation.edit_from_chat(BOB, SOURCE, "Bob's words") is None
    assert conversation.edit_from_chat(ALICE, ("DALICE", "1.2"), "not a reply") is None
    assert conversation.edit_from_chat(ALICE, SOURCE, "It smokes", request_key="e1") == ticket_id
    assert conversation.edit_from_chat(ALICE, SOURCE, "Again?", request_key="e1") is None
    assert conversation.withdraw_from_chat(SUPPORT, SOURCE) is None
    assert conversation.withdraw_from_chat(ALICE, SOURCE, request_key="d1") == ticket_id
    assert conversation.withdraw_from_chat(ALICE, SOURCE, request_key="d2") is None
    assert conversation.edit_from_chat(ALICE, SOURCE, "stale client") is None
    changes = [
        e for e in uow.published if isinstance(e, events.EntryEdited | events.EntryWithdrawn)
    ]
    assert [type(e).__name__ for e in changes] == ["EntryEdited", "EntryWithdrawn"]
    assert desk.queries.show(ADMIN, ticket_id).ticket.status is Status.NEW


def test_an_edit_after_closing_follows_it_and_does_not_reopen(desk: HelpDesk) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Printer").id
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It jams", source=SOURCE)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.CLOSED)
    assert desk.conversation.edit_from_chat(ALICE, SOURCE, "It was the toner") == ticket_id
    assert desk.queries.show(ADMIN, ticket_id).ticket.status is Status.CLOSED
