"""What a ticket's followers are told, planned against an in-memory outbox: their first
DM, every status change and support reply once each in their own thread (never an
internal note, never their own change), the reporter told of a follower someone else
added, and the opener of a ticket for someone else told by DM."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.following import follower_texts
from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.outbox_writer import write_outbox
from tests.fakes_core import FakeMessageQueue

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
SUPPORT, ALICE, BOB, CAROL = "USUPPORT", "UALICE", "UBOB", "UCAROL"


def planned(messages: FakeMessageQueue) -> list[tuple[MessageKind, str | None, dict[str, object]]]:
    return [(m.kind, m.recipient, json.loads(m.payload)) for m in messages.added]


def test_a_follower_named_in_the_form_gets_a_first_dm_the_new_card_shows_them() -> None:
    messages = FakeMessageQueue()
    added = events.FollowerAdded(actor_id=ALICE, ticket_id=7, user_id=BOB, reporter_id=ALICE)
    write_outbox(messages, [events.TicketOpened(actor_id=ALICE, ticket_id=7), added], NOW)
    assert [(kind, to) for kind, to, _ in planned(messages)] == [
        (MessageKind.REPORTER_ROOT, None),
        (MessageKind.SUPPORT_POST, None),
        (MessageKind.FOLLOWER_ROOT, BOB),
    ]


def test_the_reporter_hears_of_a_follower_someone_else_added() -> None:
    messages = FakeMessageQueue()
    added = events.FollowerAdded(actor_id=SUPPORT, ticket_id=7, user_id=SUPPORT, reporter_id=ALICE)
    write_outbox(messages, [added], NOW)
    assert planned(messages)[1][0] is MessageKind.SUPPORT_UPDATE  # the card shows them
    assert planned(messages)[-1] == (
        MessageKind.REPORTER_THREAD,
        None,
        {"event": "follower_added", "actor": SUPPORT, "user": SUPPORT},
    )


def test_status_changes_and_support_replies_reach_each_follower_once_but_not_notes() -> None:
    messages = FakeMessageQueue()
    messages.followers = {7: [BOB, SUPPORT], 8: [CAROL]}
    changed = events.StatusChanged(
        actor_id=SUPPORT, ticket_id=7, old=Status.NEW, new=Status.IN_PROGRESS, reporter_id=ALICE
    )
    reply = events.EntryAdded(
        actor_id=SUPPORT, ticket_id=7, kind=EntryKind.SUPPORT_REPLY, entry_id=1, text="Restart"
    )
    note = events.EntryAdded(
        actor_id=SUPPORT, ticket_id=7, kind=EntryKind.INTERNAL_NOTE, entry_id=2, text="Flaky"
    )
    write_outbox(messages, [changed, reply, note], NOW)
    told = [(to, p) for kind, to, p in planned(messages) if kind is MessageKind.FOLLOWER_THREAD]
    # The support follower made both changes: only Bob is told, once each.
    assert told == [
        (
            BOB,
            {"event": "status", "actor": SUPPORT, "old": "new", "new": "in_progress", "user": BOB},
        ),
        (BOB, {"event": "support_reply", "actor": SUPPORT, "text": "Restart", "user": BOB}),
    ]
    assert "Flaky" not in json.dumps([p for _, _, p in planned(messages) if "user" in p])


def test_a_ticket_opened_for_someone_tells_its_opener_by_dm() -> None:
    messages = FakeMessageQueue()
    opened = events.TicketOpened(actor_id=SUPPORT, ticket_id=7, reporter_id=ALICE)
    write_outbox(messages, [opened], NOW)
    assert planned(messages)[-1] == (
        MessageKind.PERSON,
        SUPPORT,
        {"event": "opened_on_behalf", "actor": SUPPORT, "user": SUPPORT},
    )
    # From someone's message the message's thread says it instead.
    messages = FakeMessageQueue()
    from_message = events.TicketOpened(
        actor_id=SUPPORT, ticket_id=8, reporter_id=ALICE, source_channel="C1", source_ts="1.2"
    )
    write_outbox(messages, [from_message], NOW)
    assert MessageKind.PERSON not in [kind for kind, _, _ in planned(messages)]


def test_followers_hear_an_approval_as_the_decision_with_its_reason_not_as_a_reopening() -> None:
    # Waiting for approval is no open status: the move to New is the approver's
    # decision, not a reopening, and a rejection's reason is what followers need.
    messages = FakeMessageQueue()
    messages.followers = {7: [BOB]}
    entered = events.StatusChanged(
        actor_id=CAROL,
        ticket_id=7,
        old=Status.PENDING_APPROVAL,
        new=Status.CLOSED,
        reporter_id=ALICE,
        reason="rejected",
    )
    decided = events.ApprovalDecided(
        actor_id=CAROL,
        ticket_id=7,
        approved=False,
        reason="Not for interns",
        approvers=(CAROL,),
        reporter_id=ALICE,
    )
    write_outbox(messages, [entered, decided], NOW)
    told = [(p["event"], p.get("reason")) for k, to, p in planned(messages) if to == BOB]
    assert told == [("rejected", "Not for interns")]


def test_a_follower_reads_the_decision_in_the_reporters_words() -> None:
    payload = {"event": "approved", "actor": CAROL, "reason": None}
    [text] = follower_texts(Language.DE, 7, payload)
    assert "freigegeben" in text
    assert "wieder geöffnet" not in text
