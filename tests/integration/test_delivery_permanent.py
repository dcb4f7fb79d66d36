"""Slack errors that retrying cannot fix: the message fails at once, is told once where a
person sees it, and never holds back the ticket's other messages."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.console.workspace.objects import dm_channel
from bot.slack_sender import SlackTransport
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import MessageSource
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import MAX_ATTEMPTS, DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.fakes.slack_api import Call, FakeSlack


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport)


@pytest.fixture
def ticket_id(desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack) -> int:
    """A ticket whose card and reporter's DM are out."""
    ticket = desk.tickets.open_ticket(ALICE, title="VPN drops")
    worker.drain()
    slack.clear()
    return ticket.id


def posts(slack: FakeSlack, channel: str) -> list[Call]:
    """Posts to a channel, or to a person's DM (by their ID or the DM's)."""
    names = {channel, dm_channel(channel)}
    return [c for c in slack.calls("chat.postMessage") if c.args.get("channel") in names]


def notices(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == MessageKind.DELIVERY_NOTICE.value
            )
        )
        return [json.loads(payload) for payload in rows]


def test_a_reply_reaches_the_reporter_while_the_cards_thread_is_archived(
    desk: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    clock: Clock,
    engine: Engine,
    ticket_id: int,
) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_archived=True)
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "Still dropping every hour")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Please update the client")
    worker.drain()
    # The reporter has the answer in the first round, though the thread refused before it.
    to_alice = [c for c in posts(slack, ALICE) if c.ok]
    assert any("Please update the client" in str(c.args.get("text")) for c in to_alice)
    # Each message the archived thread refused was tried once and failed with its reason.
    refused = [c for c in posts(slack, SUPPORT_CHANNEL) if c.args.get("thread_ts")]
    assert len(refused) == 2
    assert {c.response.get("error") for c in refused} == {"is_archived"}
    # (A card update the reply causes is refused by the archived channel alike.)
    failed = [m for m in desk.admin.undelivered_messages(ADMIN) if m.status == "failed"]
    assert {(m.attempts, m.last_error) for m in failed} == {(1, "is_archived")}
    assert [m.kind for m in failed].count("support_thread") == 2
    # The card cannot say so: the admins hear it by DM, once for the reason.
    to_admin = [c for c in posts(slack, ADMIN) if c.ok]
    assert len(to_admin) == 1
    assert "`is_archived`" in to_admin[0].args["text"]
    assert "#1" in to_admin[0].args["text"]
    # Nothing is tried again later, and no notice tells of another.
    slack.clear()
    clock.advance(hours=1)
    worker.drain()
    assert slack.calls("chat.postMessage") == []
    assert len(notices(engine)) == 1


def test_a_message_the_reporter_cannot_get_is_told_once_under_the_card(
    desk: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    engine: Engine,
    ticket_id: int,
) -> None:
    # The reporter turned off the app's Messages tab: their DM refuses the bot.
    slack.fail_next("chat.postMessage", 1, error="messages_tab_disabled")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Please reboot")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "And then try again")
    worker.drain()
    to_alice = posts(slack, ALICE)
    assert [c.ok for c in to_alice] == [False, True]
    assert "And then try again" in to_alice[1].args["text"]
    in_thread = [c for c in posts(slack, SUPPORT_CHANNEL) if c.ok]
    told = [c for c in in_thread if "messages_tab_disabled" in str(c.args["text"])]
    assert len(told) == 1
    assert told[0].args["thread_ts"] == in_thread[0].args["thread_ts"]
    assert "A message to the reporter of #1" in told[0].args["text"]
    assert [(n["kind"], n["error"]) for n in notices(engine)] == [
        ("reporter_thread", "messages_tab_disabled")
    ]


def test_a_notice_that_fails_tells_nobody_else(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, engine: Engine, ticket_id: int
) -> None:
    (card,) = slack.messages_in(SUPPORT_CHANNEL)
    slack.lock_thread(SUPPORT_CHANNEL, card.ts)
    slack.turn_off_messages_tab(ALICE)
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Please reboot")
    worker.drain()
    # The reporter's copy failed (told under the card), the card's copy failed (the
    # thread is locked: told to the admin); the notice under the card failed too, and
    # told nobody else.
    failed = desk.admin.undelivered_messages(ADMIN)
    assert sorted((m.kind, m.last_error) for m in failed) == [
        ("delivery_notice", "restricted_action_thread_locked"),
        ("reporter_thread", "messages_tab_disabled"),
        ("support_thread", "restricted_action_thread_locked"),
    ]
    assert len(notices(engine)) == 2
    assert len([c for c in posts(slack, ADMIN) if c.ok]) == 1


def test_a_lost_update_or_deletion_fails_at_once_and_tells_nobody(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, engine: Engine, ticket_id: int
) -> None:
    slack.fail_next("chat.update", 1, error="cant_update_message")
    desk.tickets.set_priority(SUPPORT, ticket_id, Priority.HIGH)
    worker.drain()
    assert [(m.kind, m.last_error) for m in desk.admin.undelivered_messages(ADMIN)] == [
        ("support_update", "cant_update_message")
    ]
    assert notices(engine) == []


@pytest.mark.parametrize("member", [False, True], ids=["not-in-channel", "in-channel"])
def test_a_ticket_from_a_channel_the_bot_is_not_in_is_confirmed_to_who_made_it(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, member: bool
) -> None:
    source = MessageSource("C0GENERAL1", "1700000000.000200", "1700000000.000100")
    slack.set_channel(source.channel, is_private=False, is_member=member)
    ticket = desk.tickets.open_ticket(BOB, title="VPN", reporter_id=ALICE, source=source)
    worker.drain()
    in_source = [c for c in posts(slack, source.channel) if c.ok]
    to_bob = [c for c in posts(slack, BOB) if c.ok]
    if member:
        assert len(in_source) == 1
        assert to_bob == []
        return
    assert in_source == []
    assert len(to_bob) == 1
    text = to_bob[0].args["text"]
    assert f"#{ticket.id}" in text
    assert "/invite @FlashTicket" in text
    assert f"<#{source.channel}>" in text
    # Told, not failed: nothing for the admins to retry.
    assert desk.admin.undelivered_messages(ADMIN) == []


def test_a_message_given_up_after_its_last_attempt_is_told_once(
    desk: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    clock: Clock,
    engine: Engine,
    ticket_id: int,
) -> None:
    slack.fail_next("chat.postMessage", MAX_ATTEMPTS, status=500)
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Please reboot")
    for _ in range(MAX_ATTEMPTS):
        worker.drain()
        clock.advance(seconds=301)
    worker.drain()
    failed = desk.admin.undelivered_messages(ADMIN)
    assert [(m.kind, m.attempts) for m in failed] == [("reporter_thread", MAX_ATTEMPTS)]
    told = [c for c in posts(slack, SUPPORT_CHANNEL) if c.ok and "HTTP 500" in c.args["text"]]
    assert len(told) == 1
    assert "A message to the reporter of #1" in told[0].args["text"]
    assert len(notices(engine)) == 1
