"""The delivery worker against a misbehaving Slack: every expected message arrives once,
in order per ticket, whatever the Web API does in between."""

from __future__ import annotations

from collections import Counter

import pytest
from slack_sdk import WebClient

from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Role, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import Call, FakeSlack


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport)


def delivered(slack: FakeSlack) -> list[Call]:
    return [c for c in slack.calls() if c.method in ("chat.postMessage", "chat.update") and c.ok]


def story(desk: HelpDesk) -> int:
    """One ticket's life: 8 messages (root, card, 2 status DMs, reply DM + thread, 2 card updates)."""
    ticket = desk.tickets.open_ticket(ALICE, title="Laptop fan loud")
    desk.tickets.change_status(SUPPORT, ticket.id, Status.IN_PROGRESS)
    desk.conversation.add_support_reply(SUPPORT, ticket.id, "Try the BIOS update")
    desk.tickets.change_status(SUPPORT, ticket.id, Status.RESOLVED)
    return ticket.id


def deliver_all(worker: DeliveryWorker, clock: Clock, rounds: int = 40) -> None:
    """Run the worker, moving the clock past every back-off, until nothing is pending."""
    for _ in range(rounds):
        worker.drain()
        clock.advance(seconds=301)
    worker.drain()


def assert_story_arrived_once_in_order(slack: FakeSlack) -> None:
    calls = delivered(slack)
    roots = [c for c in calls if c.args["channel"] == ALICE and not c.args.get("thread_ts")]
    assert len(roots) == 1, [(c.method, c.args.get("text"), c.response) for c in roots]
    root_ts = roots[0].response["ts"]
    dm_thread = [c.args["text"] for c in calls if c.args.get("thread_ts") == root_ts]
    assert len(dm_thread) == 3
    assert "In progress" in dm_thread[0]
    assert "Try the BIOS update" in dm_thread[1]
    assert "Resolved" in dm_thread[2]
    cards = [
        c
        for c in calls
        if c.method == "chat.postMessage"
        and c.args["channel"] == SUPPORT_CHANNEL
        and not c.args.get("thread_ts")
    ]
    assert len(cards) == 1
    texts = Counter(
        str(c.args.get("text")) + str(c.args.get("thread_ts"))
        for c in calls
        if c.method == "chat.postMessage"
    )
    assert max(texts.values()) == 1, texts  # nothing posted twice
    # The card's last update shows the final state.
    updates = [c for c in calls if c.method == "chat.update"]
    assert "Resolved" in str(updates[-1].args["blocks"])
    # The root went out before any reply in its thread.
    assert calls.index(roots[0]) < min(
        calls.index(c) for c in calls if c.args.get("thread_ts") == root_ts
    )


@pytest.fixture
def desk_with_support(desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack) -> HelpDesk:
    worker.drain()  # the role DM of the grant
    slack.clear()
    return desk


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "count": 3},
        {"status": 503, "count": 2, "error": "service_unavailable"},
        {"error": "internal_error", "count": 2},
        {"status": 429, "retry_after": 30, "count": 2},
        {"reset": True, "count": 2},
        {"delay": 2.0, "count": 1},  # past the client's 1 s timeout
    ],
    ids=["500", "503", "ok-false-internal", "429", "reset", "hang"],
)
def test_transient_faults_delay_but_never_lose_or_duplicate(
    desk_with_support: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    clock: Clock,
    fault: dict[str, object],
) -> None:
    options = dict(fault)
    count = int(options.pop("count"))  # type: ignore[call-overload]
    slack.fail_next("chat.postMessage", count, **options)  # type: ignore[arg-type]
    slack.fail_next("chat.update", count, **options)  # type: ignore[arg-type]
    story(desk_with_support)
    deliver_all(worker, clock)
    assert_story_arrived_once_in_order(slack)
    assert desk_with_support.admin.undelivered_messages(ADMIN) == []


def test_retry_after_is_honoured(
    desk_with_support: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail_next("chat.postMessage", 1, status=429, retry_after=120)
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    worker.drain()
    assert delivered(slack) == []
    clock.advance(seconds=119)
    worker.drain()
    assert delivered(slack) == []
    clock.advance(seconds=2)
    worker.drain()
    assert len(delivered(slack)) == 2


def test_connection_refused_is_retried(
    core: Core, desk_with_support: HelpDesk, clock: Clock, slack: FakeSlack
) -> None:
    nowhere = WebClient(token=BOT_TOKEN, base_url="http://127.0.0.1:1/api/", timeout=1)
    refused = core.delivery_worker(
        SlackTransport(nowhere, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    )
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    refused.drain()
    pending = desk_with_support.admin.undelivered_messages(ADMIN)
    assert pending
    assert all(m.status == "pending" and "network" in (m.last_error or "") for m in pending)
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    healthy = core.delivery_worker(
        SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    )
    deliver_all(healthy, clock, rounds=2)
    assert len(delivered(slack)) == 2


def test_permanent_errors_are_failed_listed_and_retryable(
    desk_with_support: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail_next("chat.postMessage", 1, error="not_in_channel")
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    worker.drain()
    failed = desk_with_support.admin.undelivered_messages(ADMIN)
    assert [(m.status, m.last_error) for m in failed] == [("failed", "not_in_channel")]
    assert desk_with_support.admin.retry_failed_messages(ADMIN) == 1
    deliver_all(worker, clock, rounds=2)
    assert desk_with_support.admin.undelivered_messages(ADMIN) == []
    # The card, the failure told once in its thread, and the reporter's DM once retried.
    calls = delivered(slack)
    assert len(calls) == 3
    told = [c for c in calls if c.args.get("thread_ts")]
    assert len(told) == 1
    assert "`not_in_channel`" in told[0].args["text"]


def test_revoked_token_fails_for_good(
    core: Core, desk_with_support: HelpDesk, clock: Clock, slack: FakeSlack
) -> None:
    revoked = WebClient(token="xoxb-revoked", base_url=slack.base_url, timeout=1)
    worker = core.delivery_worker(
        SlackTransport(revoked, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    )
    desk_with_support.roles.grant(ADMIN, "UNEWSUPPORT", Role.SUPPORT)
    worker.drain()
    assert [m.last_error for m in desk_with_support.admin.undelivered_messages(ADMIN)] == [
        "invalid_auth"
    ]
