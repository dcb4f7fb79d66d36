"""Which messages a change causes, planned against an in-memory outbox: the order a
ticket's messages go out, whose App Home is refreshed, and a deleted ticket's silence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role, Status
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.outbox_writer import HOME_DEBOUNCE, outbox_rows, write_outbox
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
        MessageKind.REPORTER_THREAD,  # the reporter is told too
    ]


def planned(*happened: events.Event) -> list[tuple[MessageKind, str | None, str | None]]:
    """What the events cause: each message's kind, the person it is for, and its event."""
    messages = FakeMessageQueue()
    write_outbox(messages, list(happened), NOW)
    return [(m.kind, m.recipient, json.loads(m.payload).get("event")) for m in messages.added]


def status_change(actor: str, old: Status, new: Status, reason: str | None = None) -> events.Event:
    return events.StatusChanged(
        actor_id=actor,
        ticket_id=7,
        old=old,
        new=new,
        reason=reason,
        reporter_id=ALICE,
        assignee_id=SUPPORT,
    )


def test_support_and_the_assignee_hear_of_a_reporters_reopen_and_of_the_clock() -> None:
    told = [
        (MessageKind.REPORTER_THREAD, None, "status"),
        (MessageKind.SUPPORT_UPDATE, None, None),
        (MessageKind.SUPPORT_THREAD, None, "status"),
        (MessageKind.PERSON, SUPPORT, "status"),
    ]
    assert planned(status_change(ALICE, Status.RESOLVED, Status.IN_PROGRESS)) == told
    assert planned(status_change(ALICE, Status.CLOSED, Status.IN_PROGRESS)) == told
    for reason, old, new in (
        ("waiting_resolve", Status.WAITING, Status.RESOLVED),
        ("auto_close", Status.RESOLVED, Status.CLOSED),
    ):
        assert planned(status_change("system", old, new, reason)) == told
    # Support's own changes show on the card; the reporter's answer ending a wait is
    # relayed as the answer itself.
    quiet = told[:2]
    assert planned(status_change(SUPPORT, Status.NEW, Status.RESOLVED)) == quiet
    assert planned(status_change(BOB, Status.RESOLVED, Status.IN_PROGRESS)) == quiet
    assert planned(status_change(ALICE, Status.WAITING, Status.IN_PROGRESS)) == quiet


def test_the_assignee_is_not_told_of_their_own_change() -> None:
    reopen = events.StatusChanged(
        actor_id=SUPPORT,
        ticket_id=7,
        old=Status.RESOLVED,
        new=Status.IN_PROGRESS,
        reporter_id=SUPPORT,
        assignee_id=SUPPORT,
    )
    assert MessageKind.PERSON not in [kind for kind, _, _ in planned(reopen)]


def test_an_answer_on_a_finished_ticket_is_told_to_both_sides() -> None:
    late = events.AnsweredWhenFinished(
        actor_id=ALICE, ticket_id=7, status=Status.CLOSED, assignee_id=SUPPORT, may_reopen=True
    )
    messages = FakeMessageQueue()
    write_outbox(messages, [late], NOW)
    assert [(m.kind, m.recipient) for m in messages.added] == [
        (MessageKind.REPORTER_THREAD, None),
        (MessageKind.SUPPORT_THREAD, None),
        (MessageKind.PERSON, SUPPORT),
    ]
    assert json.loads(messages.added[0].payload) == {
        "event": "late_answer",
        "actor": ALICE,
        "status": "closed",
        "reopen": True,
    }
    unassigned = events.AnsweredWhenFinished(
        actor_id=ALICE, ticket_id=7, status=Status.RESOLVED, assignee_id=None, may_reopen=True
    )
    assert [kind for kind, _, _ in planned(unassigned)] == [
        MessageKind.REPORTER_THREAD,
        MessageKind.SUPPORT_THREAD,
    ]


def test_whoever_loses_or_gets_a_ticket_by_someone_elses_hand_is_told() -> None:
    def assigned(actor: str, old: str | None, new: str | None) -> events.Event:
        return events.AssigneeChanged(actor_id=actor, ticket_id=7, old=old, new=new)

    card = (MessageKind.SUPPORT_UPDATE, None, None)
    assert planned(assigned(SUPPORT, None, SUPPORT)) == [card]  # a plain take
    assert planned(assigned(SUPPORT, SUPPORT, None)) == [card]  # letting go of one's own
    assert planned(assigned(BOB, SUPPORT, BOB)) == [
        card,
        (MessageKind.SUPPORT_THREAD, None, "took_over"),
        (MessageKind.PERSON, SUPPORT, "took_over"),
    ]
    assert planned(assigned(ADMIN, SUPPORT, None)) == [
        card,
        (MessageKind.SUPPORT_THREAD, None, "unassigned"),
        (MessageKind.PERSON, SUPPORT, "unassigned"),
    ]
    assert planned(assigned(ADMIN, SUPPORT, BOB)) == [
        card,
        (MessageKind.SUPPORT_THREAD, None, "reassigned"),
        (MessageKind.PERSON, SUPPORT, "reassigned"),
        (MessageKind.PERSON, BOB, "assigned"),
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


def test_every_message_kind_has_a_plan() -> None:
    from flashticket_core.service_layer.outbox import PLANS

    assert set(MessageKind) - set(PLANS) == set(), "a message kind the outbox has no plan for"


def test_a_team_grant_is_told_to_the_person_naming_the_team() -> None:
    granted = events.RoleChanged(ADMIN, CAROL, Role.USER, Role.SUPPORT, team_id="it")
    [told] = outbox_rows([granted], NOW)
    assert told.kind is MessageKind.DIRECT
    assert json.loads(told.payload) == {
        "event": "role",
        "actor": ADMIN,
        "user": CAROL,
        "role": "support",
        "team": "it",
    }
    [global_grant] = outbox_rows([replace(granted, team_id=None)], NOW)
    assert "team" not in json.loads(global_grant.payload)
