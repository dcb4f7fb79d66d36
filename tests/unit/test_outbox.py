"""Which messages a change causes, planned against an in-memory outbox: the order a
ticket's messages go out, whose App Home is refreshed, and a deleted ticket's silence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role, Status
from flashticket_core.service_layer.outbox import HOME_DEBOUNCE, MessageKind, write_outbox
from tests.fakes_core import FakeMessageQueue

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADMIN, SUPPORT, ALICE, BOB, CAROL = "UADMIN", "USUPPORT", "UALICE", "UBOB", "UCAROL"


def test_a_new_ticket_greets_the_reporter_before_the_card_is_posted() -> None:
    messages = FakeMessageQueue()
    written = write_outbox(messages, [events.TicketOpened(actor_id=ALICE, ticket_id=7)], NOW)
    assert written == 2
    assert [(m.kind, m.ticket_id) for m in messages.added] == [
        (MessageKind.REPORTER_ROOT, 7),
        (MessageKind.SUPPORT_POST, 7),
    ]
    assert {m.next_attempt_at for m in messages.added} == {NOW}


def test_app_homes_are_refreshed_for_recent_viewers_the_change_concerns() -> None:
    messages = FakeMessageQueue()
    messages.people = {7: {ALICE}}
    messages.support = {SUPPORT}
    messages.homes_opened = {
        ALICE: NOW - timedelta(minutes=5),  # the reporter
        SUPPORT: NOW - timedelta(minutes=5),  # support sees the queue
        ADMIN: NOW,  # an admin named in the settings
        BOB: NOW,  # not on the ticket
        CAROL: NOW - timedelta(hours=2),  # her role changed, but she looked long ago
    }
    change = events.StatusChanged(
        actor_id=SUPPORT, ticket_id=7, old=Status.NEW, new=Status.IN_PROGRESS
    )
    role = events.RoleChanged(actor_id=ADMIN, user_id=CAROL, old=Role.USER, new=Role.SUPPORT)
    write_outbox(messages, [change, role], NOW, configured_admins=frozenset({ADMIN}))
    homes = [m for m in messages.added if m.kind is MessageKind.HOME]
    assert [m.recipient for m in homes] == [ADMIN, ALICE, SUPPORT]
    assert {json.loads(m.payload)["user"] for m in homes} == {ADMIN, ALICE, SUPPORT}
    assert {m.next_attempt_at for m in homes} == {NOW + HOME_DEBOUNCE}
    # A burst of changes: those whose refresh is waiting already get no second one.
    write_outbox(messages, [change], NOW, configured_admins=frozenset({ADMIN}))
    assert len([m for m in messages.added if m.kind is MessageKind.HOME]) == 3


def test_a_deleted_tickets_unsent_messages_are_cancelled() -> None:
    messages = FakeMessageQueue()
    write_outbox(messages, [events.TicketDeleted(actor_id=ADMIN, ticket_id=7)], NOW)
    assert messages.cancelled == {7}
    assert [m.kind for m in messages.added] == [
        MessageKind.SUPPORT_UPDATE,
        MessageKind.SUPPORT_THREAD,
    ]


def test_a_ticket_from_a_message_tells_its_roots_reader_which_message_it_was() -> None:
    messages = FakeMessageQueue()
    opened = events.TicketOpened(
        actor_id=BOB,
        ticket_id=7,
        source_channel="C0GENERAL1",
        source_thread_ts="1700000000.000100",
        source_ts="1700000000.000200",
    )
    write_outbox(messages, [opened], NOW)
    root = next(m for m in messages.added if m.kind is MessageKind.REPORTER_ROOT)
    assert json.loads(root.payload) == {
        "actor": BOB,
        "source": {
            "channel": "C0GENERAL1",
            "ts": "1700000000.000200",
            "thread_ts": "1700000000.000100",
        },
    }


def test_a_withdrawal_is_told_in_the_cards_thread_as_well() -> None:
    messages = FakeMessageQueue()
    withdrawn = events.StatusChanged(
        actor_id=ALICE, ticket_id=7, old=Status.NEW, new=Status.CLOSED, reason="withdrawn"
    )
    write_outbox(messages, [withdrawn], NOW)
    assert [(m.kind, json.loads(m.payload).get("event")) for m in messages.added] == [
        (MessageKind.REPORTER_THREAD, "status"),
        (MessageKind.SUPPORT_UPDATE, None),
        (MessageKind.SUPPORT_THREAD, "ticket_withdrawn"),
    ]
