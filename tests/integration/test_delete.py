"""Deleting a ticket leaves nothing that still acts: the card becomes a short note without
buttons, and the ticket's messages that have not gone out never will."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.slack_sender import SlackTransport
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind, MessageStatus
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import Call, FakeSlack

TITLE = "Gehalt von Herrn X ist zu hoch"


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport)


def deliver_all(worker: DeliveryWorker, clock: Clock) -> None:
    for _ in range(15):
        worker.drain()
        clock.advance(seconds=301)  # past every back-off
    worker.drain()


def posts(slack: FakeSlack) -> list[Call]:
    return [c for c in slack.calls("chat.postMessage") if c.ok]


def statuses(engine: Engine, ticket_id: int) -> dict[str, list[str]]:
    with Session(engine) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.ticket_id == ticket_id)
            .order_by(OutboxMessage.id)
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.kind, []).append(row.status)
        return found


def test_the_card_becomes_a_note_without_buttons_or_title(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title=TITLE).id
    worker.drain()
    card = next(c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL)
    assert any(b["type"] == "actions" for b in card.args["blocks"])

    desk.tickets.delete(ADMIN, ticket_id)
    worker.drain()

    update = slack.calls("chat.update")[-1]
    assert update.args["ts"] == card.response["ts"]
    assert [b["type"] for b in update.args["blocks"]] == ["section"]
    assert update.args["blocks"][0]["text"]["text"] == (
        f"Ticket #{ticket_id} was deleted by <@{ADMIN}>."
    )
    assert TITLE not in str(update.args)  # neither in the blocks nor the notification text
    assert update.args["text"] == f"Ticket #{ticket_id} was deleted by <@{ADMIN}>."


def test_messages_still_waiting_are_cancelled(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock, engine: Engine
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title=TITLE).id
    worker.drain()
    slack.clear()
    # Slack is down while support answers and resolves: the messages wait for a retry...
    slack.fail_next("chat.postMessage", 3, status=503)
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Details in the attached spreadsheet")
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    worker.drain()
    assert statuses(engine, ticket_id)[MessageKind.REPORTER_THREAD.value] == [
        MessageStatus.PENDING.value,
        MessageStatus.PENDING.value,
    ]
    # ...and the ticket is deleted before Slack is back.
    desk.tickets.delete(ADMIN, ticket_id)
    deliver_all(worker, clock)

    # The reporter hears only that it was deleted, nothing of what was waiting.
    (told,) = [c.args["text"] for c in posts(slack) if c.args["channel"] != SUPPORT_CHANNEL]
    assert f"#{ticket_id}* was deleted by the help desk (<@{ADMIN}>)" in told
    assert "spreadsheet" not in str([c.args for c in slack.calls() if c.ok])
    after = statuses(engine, ticket_id)
    assert after[MessageKind.REPORTER_THREAD.value] == [
        MessageStatus.CANCELLED.value,
        MessageStatus.CANCELLED.value,
        MessageStatus.SENT.value,
    ]
    # The delete's own messages do go out: the card's note and the line in its thread.
    assert after[MessageKind.SUPPORT_UPDATE.value][-1] == MessageStatus.SENT.value
    support_posts = [c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL]
    assert "deleted this ticket" in support_posts[-1].args["text"]
    assert desk.admin.undelivered_messages(ADMIN) == []


def test_a_failed_message_of_a_deleted_ticket_is_never_retried(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, engine: Engine
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title=TITLE).id
    worker.drain()
    slack.fail_next("chat.postMessage", error="channel_not_found")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Details in the attached spreadsheet")
    worker.drain()
    assert [m.ticket_id for m in desk.admin.undelivered_messages(ADMIN)] == [ticket_id]
    sent_before = len(mentions(slack, "spreadsheet"))  # the team's copy went out

    desk.tickets.delete(ADMIN, ticket_id)
    assert desk.admin.retry_failed_messages(ADMIN) == 0
    worker.drain()
    assert len(mentions(slack, "spreadsheet")) == sent_before
    assert desk.admin.undelivered_messages(ADMIN) == []


def mentions(slack: FakeSlack, word: str) -> list[Call]:
    return [c for c in slack.calls() if c.ok and word in str(c.args)]


def test_a_ticket_deleted_before_its_card_went_out_leaves_nothing(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title=TITLE).id
    desk.tickets.delete(ADMIN, ticket_id)
    deliver_all(worker, clock)
    assert TITLE not in str(slack.calls())
    assert not [c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL]
