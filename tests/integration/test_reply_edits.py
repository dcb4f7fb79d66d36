"""A reporter's reply edited or withdrawn, on each database: what is stored, what the
history keeps, and the copy under the card as the delivery worker changes it in the
strict fake Slack (faults in between included)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.fakes.slack_api import FakeSlack

SOURCE = ("DALICE0001", "1700000100.000001")


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport)


def deliver_all(worker: DeliveryWorker, clock: Clock, rounds: int = 20) -> None:
    for _ in range(rounds):
        worker.drain()
        clock.advance(seconds=301)
    worker.drain()


def copy_under_card(slack: FakeSlack) -> list[str]:
    """The messages now in the support channel that stand for the reporter's reply."""
    return [
        m.text
        for m in sorted(slack.messages_in(SUPPORT_CHANNEL), key=lambda m: m.ts)
        if (m.thread_ts and "(reporter)" in m.text) or "withdrew" in m.text
    ]


def test_edit_and_withdrawal_are_stored_once_with_their_history(desk: HelpDesk) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Printer").id
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It jams", source=SOURCE)
    conversation = desk.conversation
    assert conversation.edit_from_chat(BOB, SOURCE, "Bob's words") is None
    assert conversation.edit_from_chat(ALICE, (SOURCE[0], "1.000002"), "other") is None
    assert conversation.edit_from_chat(ALICE, SOURCE, "It smokes", request_key="ev1") == ticket_id
    assert conversation.edit_from_chat(ALICE, SOURCE, "It smokes!", request_key="ev1") is None
    detail = desk.queries.show(SUPPORT, ticket_id)
    assert [(e.text, e.withdrawn) for e in detail.conversation] == [("It smokes", False)]
    assert conversation.withdraw_from_chat(ALICE, SOURCE, request_key="ev2") == ticket_id
    assert conversation.withdraw_from_chat(ALICE, SOURCE, request_key="ev3") is None
    detail = desk.queries.show(ALICE, ticket_id)
    assert [(e.text, e.withdrawn) for e in detail.conversation] == [("It smokes", True)]
    assert [(c.field, c.actor_id, c.old, c.new) for c in detail.history][1:] == [
        ("entry_edited", ALICE, "It jams", "It smokes"),
        ("entry_withdrawn", ALICE, "It smokes", None),
    ]
    # The edited words are what search finds.
    assert [t.id for t in desk.queries.search(SUPPORT, "smokes")] == [ticket_id]


def test_an_edit_of_a_closed_tickets_reply_follows_and_nothing_reopens(desk: HelpDesk) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Printer").id
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It jams", source=SOURCE)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.CLOSED)
    assert desk.conversation.edit_from_chat(ALICE, SOURCE, "It was the toner") == ticket_id
    detail = desk.queries.show(ADMIN, ticket_id)
    assert detail.ticket.status is Status.CLOSED
    assert detail.conversation[0].text == "It was the toner"


def test_the_copy_follows_edits_in_parts_and_a_withdrawal_through_faults(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Crash log").id
    long = "\n".join(f"line {n:04d} of the log" for n in range(400))  # about 9,000 chars
    desk.conversation.add_reporter_reply(ALICE, ticket_id, long, source=SOURCE)
    deliver_all(worker, clock)
    first = copy_under_card(slack)
    assert len(first) > 2

    # Shorter: the first part is updated in place, the rest are deleted; a 5xx and a
    # rate limit on the way change nothing but the time it takes.
    slack.fail_next("chat.update", status=500)
    slack.fail_next("chat.delete", error="ratelimited", status=429, retry_after=1)
    desk.conversation.edit_from_chat(ALICE, SOURCE, "Never mind, it was the cable")
    deliver_all(worker, clock)
    [short] = copy_under_card(slack)
    assert "Never mind, it was the cable" in short

    # Longer again: the kept part is updated, new parts follow it.
    desk.conversation.edit_from_chat(ALICE, SOURCE, long.replace("log", "LOG"))
    deliver_all(worker, clock)
    again = copy_under_card(slack)
    assert len(again) == len(first)
    assert all("LOG" in part for part in again)

    desk.conversation.withdraw_from_chat(ALICE, SOURCE)
    deliver_all(worker, clock)
    [note] = copy_under_card(slack)
    assert "withdrew this reply" in note
    assert "LOG" not in note
    assert desk.admin.undelivered_messages(ADMIN) == []


def test_a_relay_retried_after_failing_says_what_the_reply_says_now(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="Printer").id
    deliver_all(worker, clock)
    slack.fail_next("chat.postMessage", error="not_in_channel")
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It jams", source=SOURCE)
    deliver_all(worker, clock)
    assert copy_under_card(slack) == []
    desk.conversation.edit_from_chat(ALICE, SOURCE, "It jams and smokes")
    deliver_all(worker, clock)  # nothing under the card to edit yet
    assert desk.admin.retry_failed_messages(ADMIN) == 1
    deliver_all(worker, clock)
    [copy] = copy_under_card(slack)
    assert "It jams and smokes" in copy

    slack.fail_next("chat.postMessage", error="not_in_channel")
    other = (SOURCE[0], "1700000100.000002")
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "Secret", source=other)
    deliver_all(worker, clock)
    desk.conversation.withdraw_from_chat(ALICE, other)
    assert desk.admin.retry_failed_messages(ADMIN) == 1
    deliver_all(worker, clock)
    texts = copy_under_card(slack)
    assert len(texts) == 2
    assert "withdrew this reply" in texts[-1]
    assert "Secret" not in texts[-1]
