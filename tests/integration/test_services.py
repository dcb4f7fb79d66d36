"""The desk on both databases: every operation, the role matrix, and its denials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from flashticket_core.domain.enums import EntryKind, Priority, Role, Status
from flashticket_core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    TicketError,
)
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.snapshots import snapshot


def open_ticket(desk: HelpDesk, reporter: str = ALICE, **fields: Any) -> int:
    fields.setdefault("title", "Printer on floor 3 jams")
    return desk.tickets.open_ticket(reporter, **fields).id


def test_ids_are_sequential_and_the_ticket_starts_new(desk: HelpDesk, clock: Clock) -> None:
    first = desk.tickets.open_ticket(ALICE, title=" Printer   jams ", description=" paper ")
    second = desk.tickets.open_ticket(BOB, title="VPN", priority=Priority.HIGH)
    assert (first.id, second.id) == (1, 2)
    assert first.title == "Printer jams"
    assert first.status is Status.NEW
    assert first.priority is Priority.MEDIUM
    assert first.version == 1
    detail = desk.queries.show(ALICE, first.id)
    assert detail.ticket.description == "paper"
    assert detail.ticket.created_at == clock.now
    assert [(c.field, c.new, c.actor_id) for c in detail.history] == [("created", "new", ALICE)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": " " * 10}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": "ok", "description": "x" * 3001}, "description"),
    ],
)
def test_invalid_new_ticket_is_refused_and_nothing_is_stored(
    desk: HelpDesk, engine: Engine, fields: dict[str, str], field: str
) -> None:
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as raised:
        desk.tickets.open_ticket(ALICE, **fields)
    assert raised.value.field == field
    assert snapshot(engine) == before


def test_support_works_a_ticket_and_history_records_each_change(
    desk: HelpDesk, clock: Clock
) -> None:
    ticket_id = open_ticket(desk)
    clock.advance(minutes=5)
    taken = desk.tickets.take(SUPPORT, ticket_id)
    assert (taken.status, taken.assignee_id, taken.version) == (Status.IN_PROGRESS, SUPPORT, 3)
    desk.tickets.set_priority(SUPPORT, ticket_id, Priority.HIGH)
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Please restart it.")
    desk.conversation.add_internal_note(SUPPORT, ticket_id, "Third time this week.")
    desk.tickets.change_status(SUPPORT, ticket_id, Status.WAITING)
    clock.advance(minutes=5)
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "Restarted, still jams.")
    detail = desk.queries.show(SUPPORT, ticket_id)
    assert detail.ticket.status is Status.IN_PROGRESS  # the reporter's answer ends the wait
    assert [(c.field, c.old, c.new, c.actor_id) for c in detail.history] == [
        ("created", None, "new", ALICE),
        ("assignee", None, SUPPORT, SUPPORT),
        ("status", "new", "in_progress", SUPPORT),
        ("priority", "medium", "high", SUPPORT),
        ("status", "in_progress", "waiting", SUPPORT),
        ("status", "waiting", "in_progress", ALICE),
    ]
    assert [(e.kind, e.author_id) for e in detail.conversation] == [
        (EntryKind.SUPPORT_REPLY, SUPPORT),
        (EntryKind.INTERNAL_NOTE, SUPPORT),
        (EntryKind.REPORTER_REPLY, ALICE),
    ]
    assert detail.first_response_at is not None


def test_reporter_never_sees_internal_notes(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    desk.conversation.add_internal_note(SUPPORT, ticket_id, "secret: user is on probation")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "On it")
    texts = [e.text for e in desk.queries.show(ALICE, ticket_id).conversation]
    assert texts == ["On it"]


def test_reporter_may_reopen_a_resolved_ticket_but_not_a_closed_one(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    assert desk.tickets.reopen(ALICE, ticket_id).status is Status.IN_PROGRESS
    desk.tickets.change_status(SUPPORT, ticket_id, Status.CLOSED)
    with pytest.raises(NotAllowed) as raised:
        desk.tickets.reopen(ALICE, ticket_id)
    assert raised.value.action == "reopen_closed"
    assert desk.tickets.reopen(SUPPORT, ticket_id).status is Status.IN_PROGRESS


def test_invalid_transition_through_the_service_writes_nothing(
    desk: HelpDesk, engine: Engine
) -> None:
    ticket_id = open_ticket(desk)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    before = snapshot(engine)
    with pytest.raises(InvalidTransition):
        desk.tickets.change_status(SUPPORT, ticket_id, Status.WAITING)
    assert snapshot(engine) == before


def test_stale_version_is_refused_with_the_current_state(desk: HelpDesk, engine: Engine) -> None:
    ticket_id = open_ticket(desk)
    desk.tickets.take(SUPPORT, ticket_id)
    before = snapshot(engine)
    with pytest.raises(Conflict) as raised:
        desk.tickets.change_status(ADMIN, ticket_id, Status.CLOSED, expected_version=1)
    assert raised.value.current.status is Status.IN_PROGRESS
    assert raised.value.current.version == 3
    assert "In Bearbeitung" in raised.value.message("de")
    assert snapshot(engine) == before


def test_replies_do_not_make_buttons_stale(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "more detail")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "thanks")
    assert (
        desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED, expected_version=1).version
        == 2
    )


def test_assign_only_to_support_people(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    with pytest.raises(InvalidInput) as raised:
        desk.tickets.assign(SUPPORT, ticket_id, BOB)
    assert raised.value.field == "assignee"
    assert desk.tickets.assign(SUPPORT, ticket_id, ADMIN).assignee_id == ADMIN
    assert desk.tickets.assign(ADMIN, ticket_id, None).assignee_id is None


def test_deleted_ticket_is_gone_for_everyone(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    desk.tickets.delete(ADMIN, ticket_id)
    for actor in (ALICE, SUPPORT, ADMIN):
        with pytest.raises(NotFound):
            desk.queries.show(actor, ticket_id)
    with pytest.raises(NotFound) as raised:
        desk.tickets.take(SUPPORT, ticket_id)
    assert f"#{ticket_id}" in raised.value.message("en")
    assert desk.queries.list_tickets(ALICE).total == 0
    assert desk.queries.search(SUPPORT, "printer") == []


def test_rating_by_the_reporter_once_finished(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk)
    with pytest.raises(InvalidInput):
        desk.tickets.rate(ALICE, ticket_id, 5)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    with pytest.raises(InvalidInput):
        desk.tickets.rate(ALICE, ticket_id, 6)
    with pytest.raises(NotFound):  # someone else's ticket reads like a missing one
        desk.tickets.rate(BOB, ticket_id, 4)
    desk.tickets.rate(ALICE, ticket_id, 4)
    assert desk.queries.show(ALICE, ticket_id).rating == 4


def test_lists_own_tickets_and_the_queue_in_queue_order(desk: HelpDesk) -> None:
    low = open_ticket(desk, ALICE, title="Mouse", priority=Priority.LOW)
    high = open_ticket(desk, BOB, title="Server down", priority=Priority.HIGH)
    taken = open_ticket(desk, BOB, title="Monitor", priority=Priority.HIGH)
    done = open_ticket(desk, ALICE, title="Done already")
    desk.tickets.take(SUPPORT, taken)
    desk.tickets.change_status(SUPPORT, done, Status.RESOLVED)

    assert [t.id for t in desk.queries.list_tickets(ALICE).items] == [low]
    assert {t.id for t in desk.queries.list_tickets(ALICE, include_closed=True).items} == {
        low,
        done,
    }
    queue = desk.queries.list_tickets(SUPPORT, queue=True)
    assert [t.id for t in queue.items] == [high, low, taken]
    assert queue.total == 3
    assert [
        t.id for t in desk.queries.list_tickets(SUPPORT, queue=True, assignee_id=SUPPORT).items
    ] == [taken]
    assert [
        t.id for t in desk.queries.list_tickets(SUPPORT, queue=True, priority=Priority.LOW).items
    ] == [low]
    assert [
        t.id for t in desk.queries.list_tickets(SUPPORT, queue=True, status=Status.RESOLVED).items
    ] == [done]
    page = desk.queries.list_tickets(SUPPORT, queue=True, limit=1, offset=1)
    assert ([t.id for t in page.items], page.total) == ([low], 3)
    # Totals of everyone's tickets come from the tallies, filters included.
    past_low = desk.queries.list_tickets(SUPPORT, queue=True, priority=Priority.LOW, offset=1)
    assert (past_low.items, past_low.total) == ([], 1)
    assert desk.queries.list_tickets(SUPPORT, queue=True, include_closed=True, limit=1).total == 4


def test_search_finds_title_description_and_conversation_ranked(
    desk: HelpDesk, clock: Clock
) -> None:
    older = open_ticket(desk, ALICE, title="Drucker defekt")
    clock.advance(hours=1)
    in_description = open_ticket(desk, BOB, title="Office", description="Der DRUCKER piept")
    clock.advance(hours=1)
    newer = open_ticket(desk, BOB, title="Drucker im 2. Stock")
    clock.advance(hours=1)
    in_reply = open_ticket(desk, ALICE, title="Scanner")
    desk.conversation.add_support_reply(SUPPORT, in_reply, "Ist der Drucker an?")
    noted = open_ticket(desk, ALICE, title="Laptop")
    desk.conversation.add_internal_note(SUPPORT, noted, "Drucker-Treiber fehlt")

    ranked = [t.id for t in desk.queries.search(SUPPORT, "drucker")]
    assert ranked[:2] == [newer, older]  # title hits first, newest first on ties
    assert set(ranked[2:]) == {in_description, in_reply, noted}
    # Alice finds only her own tickets, and never through an internal note.
    assert {t.id for t in desk.queries.search(ALICE, "drucker")} == {older, in_reply}
    assert [t.id for t in desk.queries.search(SUPPORT, "drucker stock")] == [newer]
    assert desk.queries.search(SUPPORT, "100%_") == []
    with pytest.raises(InvalidInput):
        desk.queries.search(ALICE, "   ")


def test_roles_are_granted_revoked_listed_and_audited(desk: HelpDesk) -> None:
    assert desk.roles.role_of(BOB) is Role.USER
    desk.roles.grant(ADMIN, BOB, Role.ADMIN)
    assert desk.roles.role_of(BOB) is Role.ADMIN
    assert desk.roles.grant(BOB, BOB, Role.ADMIN) is None  # no change, no audit row
    desk.roles.revoke(BOB, SUPPORT)
    assert desk.roles.role_of(SUPPORT) is Role.USER
    roles = desk.roles.list_roles(BOB)
    assert (ADMIN, Role.ADMIN, True) in roles
    assert (BOB, Role.ADMIN, False) in roles
    assert SUPPORT not in [user for user, _, _ in roles]
    trail = [(c.field, c.old, c.new, c.actor_id) for c in desk.roles.role_history(ADMIN)]
    assert trail == [
        (SUPPORT, Role.USER, Role.SUPPORT, ADMIN),
        (BOB, Role.USER, Role.ADMIN, ADMIN),
        (SUPPORT, Role.SUPPORT, Role.USER, BOB),
    ]


def test_configured_admins_cannot_be_demoted_and_admins_not_self_demote(
    desk: HelpDesk, engine: Engine
) -> None:
    desk.roles.grant(ADMIN, BOB, Role.ADMIN)
    before = snapshot(engine)
    with pytest.raises(NotAllowed) as raised:
        desk.roles.revoke(BOB, ADMIN)
    assert "FLASHTICKET_ADMINS" in raised.value.message("de")
    with pytest.raises(NotAllowed):
        desk.roles.grant(ADMIN, ADMIN, Role.SUPPORT)
    with pytest.raises(NotAllowed):
        desk.roles.revoke(BOB, BOB)
    assert snapshot(engine) == before
    assert desk.roles.role_of(ADMIN) is Role.ADMIN


# The core knows people by an opaque id: present, one word, not absurdly long. That
# "bob", "<@U123>" or "C0123456" is no Slack user is the chat adapter's to say
# (tests/unit/test_slack_ids.py).
@pytest.mark.parametrize("bad", ["", " ", "U1 U2", "U\n1", "U" + "1" * 40])
def test_grant_refuses_what_is_not_a_user_id(desk: HelpDesk, bad: str) -> None:
    with pytest.raises(InvalidInput):
        desk.roles.grant(ADMIN, bad, Role.SUPPORT)


# -- refusals write nothing ---------------------------------------------------------

Operation = Callable[[HelpDesk, int], object]

# Who may do what is walked from the permission table in test_permissions.py; these are
# the refusals around it: the order of checks, missing tickets, bad input, stale views.
DENIALS: list[tuple[str, str, Operation, type[TicketError]]] = [
    (
        "user changes status on the card",
        ALICE,
        lambda s, t: s.tickets.change_status(ALICE, t, Status.IN_PROGRESS, support_only=True),
        NotAllowed,
    ),
    (
        "user's stale click on another's ticket",
        BOB,
        lambda s, t: s.tickets.change_status(BOB, t, Status.IN_PROGRESS, expected_version=99),
        NotFound,
    ),
    (
        "user's stale card click",
        BOB,
        lambda s, t: s.tickets.change_status(
            BOB, t, Status.RESOLVED, expected_version=99, support_only=True
        ),
        NotAllowed,
    ),
    (
        "user grants self admin",
        ALICE,
        lambda s, t: s.roles.grant(ALICE, ALICE, Role.ADMIN),
        NotAllowed,
    ),
    ("support revokes", SUPPORT, lambda s, t: s.roles.revoke(SUPPORT, SUPPORT), NotAllowed),
    ("missing ticket", SUPPORT, lambda s, t: s.tickets.take(SUPPORT, 999), NotFound),
    ("missing ticket shown", ADMIN, lambda s, t: s.queries.show(ADMIN, 999), NotFound),
    (
        "empty reply",
        SUPPORT,
        lambda s, t: s.conversation.add_support_reply(SUPPORT, t, "  "),
        InvalidInput,
    ),
    (
        "huge reply",
        SUPPORT,
        lambda s, t: s.conversation.add_support_reply(SUPPORT, t, "x" * 40_001),
        InvalidInput,
    ),
    (
        "empty note",
        SUPPORT,
        lambda s, t: s.conversation.add_internal_note(SUPPORT, t, ""),
        InvalidInput,
    ),
    (
        "empty reporter reply",
        ALICE,
        lambda s, t: s.conversation.add_reporter_reply(ALICE, t, "\n"),
        InvalidInput,
    ),
    (
        "stale version",
        SUPPORT,
        lambda s, t: s.tickets.set_priority(SUPPORT, t, Priority.HIGH, expected_version=7),
        Conflict,
    ),
]


@pytest.mark.parametrize(
    ("actor", "operation", "error"),
    [case[1:] for case in DENIALS],
    ids=[case[0] for case in DENIALS],
)
def test_denials_explain_themselves_and_write_nothing(
    desk: HelpDesk,
    engine: Engine,
    actor: str,
    operation: Operation,
    error: type[TicketError],
) -> None:
    ticket_id = open_ticket(desk, ALICE)
    before = snapshot(engine)
    with pytest.raises(error) as raised:
        operation(desk, ticket_id)
    assert snapshot(engine) == before
    english, german = raised.value.message("en"), raised.value.message("de")
    assert english
    assert english != german
    assert "{" not in english + german


ALLOWED: list[tuple[str, Operation]] = [
    ("reporter sees own", lambda s, t: s.queries.show(ALICE, t)),
    ("support sees any", lambda s, t: s.queries.show(SUPPORT, t)),
    ("support lists queue", lambda s, t: s.queries.list_tickets(SUPPORT, queue=True)),
    ("support takes", lambda s, t: s.tickets.take(SUPPORT, t)),
    ("admin takes", lambda s, t: s.tickets.take(ADMIN, t)),
    ("support sets priority", lambda s, t: s.tickets.set_priority(SUPPORT, t, Priority.LOW)),
    ("support closes", lambda s, t: s.tickets.change_status(SUPPORT, t, Status.CLOSED)),
    ("support replies", lambda s, t: s.conversation.add_support_reply(SUPPORT, t, "hi")),
    ("support notes", lambda s, t: s.conversation.add_internal_note(SUPPORT, t, "hi")),
    ("reporter replies", lambda s, t: s.conversation.add_reporter_reply(ALICE, t, "hi")),
    ("admin deletes", lambda s, t: s.tickets.delete(ADMIN, t)),
    ("admin grants", lambda s, t: s.roles.grant(ADMIN, BOB, Role.SUPPORT)),
    ("support sees statistics", lambda s, t: s.queries.statistics(SUPPORT)),
]


@pytest.mark.parametrize("operation", [c[1] for c in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_what_the_roles_may_do_changes_something(
    desk: HelpDesk, engine: Engine, operation: Operation
) -> None:
    ticket_id = open_ticket(desk, ALICE)
    operation(desk, ticket_id)  # no exception is the assertion


HIDDEN: list[tuple[str, Operation]] = [
    ("show", lambda s, t: s.queries.show(BOB, t)),
    ("reopen", lambda s, t: s.tickets.reopen(BOB, t)),
    (
        "stale status click",
        lambda s, t: s.tickets.change_status(BOB, t, Status.CLOSED, expected_version=1),
    ),
    ("rate", lambda s, t: s.tickets.rate(BOB, t, 4)),
]


@pytest.mark.parametrize("operation", [c[1] for c in HIDDEN], ids=[c[0] for c in HIDDEN])
def test_someone_elses_ticket_reads_exactly_like_a_missing_one(
    desk: HelpDesk, operation: Operation
) -> None:
    """Asking about a ticket one may not see tells nothing: not that it exists, not its
    status, not its version (a stale click used to answer with both)."""
    ticket_id = open_ticket(desk, ALICE)
    desk.tickets.take(SUPPORT, ticket_id)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    missing = ticket_id + 1000
    with pytest.raises(TicketError) as seen:
        operation(desk, ticket_id)
    with pytest.raises(TicketError) as absent:
        operation(desk, missing)
    for language in ("en", "de"):
        told = seen.value.message(language)
        assert told == absent.value.message(language).replace(str(missing), str(ticket_id))
        assert "Resolved" not in told
        assert "Gelöst" not in told


def test_a_stale_card_click_by_a_plain_user_is_refused_plainly(desk: HelpDesk) -> None:
    ticket_id = open_ticket(desk, ALICE)
    desk.tickets.take(SUPPORT, ticket_id)
    with pytest.raises(NotAllowed) as raised:
        desk.tickets.change_status(
            BOB, ticket_id, Status.CLOSED, expected_version=1, support_only=True
        )
    assert "In progress" not in raised.value.message("en")
