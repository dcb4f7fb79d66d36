"""No duplicate when Slack took a message but FlashTicket never learnt it, and no 429
storm when a burst of tickets reaches the support channel (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.sending.slack import METADATA_EVENT_TYPE
from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.pacing import Pace
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import Call, FakeSlack


@pytest.fixture
def slack(clock: Clock) -> Iterator[FakeSlack]:
    # Message timestamps in the test clock's time, so reading back from "when the
    # message was written" finds what Slack posted, as it does in production.
    with FakeSlack(ts_epoch=int(clock().timestamp())) as fake:
        yield fake


def transport(slack: FakeSlack) -> SlackTransport:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    return SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    return core.delivery_worker(transport(slack))


@pytest.fixture
def desk_with_support(desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack) -> HelpDesk:
    worker.drain()  # the role DM of the grant
    slack.clear()
    return desk


def posts(slack: FakeSlack) -> list[Call]:
    """Every chat.postMessage Slack carried out (an answer lost on the way back too)."""
    return [c for c in slack.calls("chat.postMessage") if c.ok]


def deliver_all(worker: DeliveryWorker, clock: Clock, rounds: int = 15) -> None:
    for _ in range(rounds):
        worker.drain()
        clock.advance(seconds=301)
    worker.drain()


def test_messages_carry_their_outbox_id_shown_only_when_asked_for(
    desk_with_support: HelpDesk, worker: DeliveryWorker, slack: FakeSlack
) -> None:
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    worker.drain()
    card = next(c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL)
    metadata = card.args["metadata"]
    assert metadata["event_type"] == METADATA_EVENT_TYPE
    assert metadata["event_payload"]["id"].isdigit()
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url)
    plain = client.conversations_history(channel=SUPPORT_CHANNEL)["messages"]
    assert plain
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel=SUPPORT_CHANNEL, include_all_metadata=True)
    assert [m["metadata"] for m in full["messages"]] == [metadata]


@pytest.mark.parametrize(
    "fault",
    [{"reset": True}, {"status": 500}, {"delay": 2.0}, {"error": "internal_error"}],
    ids=["reset", "500", "timeout", "ok-false-internal"],
)
def test_an_answer_lost_after_slack_posted_is_not_posted_again(
    desk_with_support: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    clock: Clock,
    fault: dict[str, object],
) -> None:
    # The card, the reporter's first DM and a reply in a thread each lose their answer.
    slack.fail_next("chat.postMessage", 3, accept=True, **fault)  # type: ignore[arg-type]
    ticket = desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    desk_with_support.conversation.add_support_reply(SUPPORT, ticket.id, "On my way")
    deliver_all(worker, clock)
    texts = [(c.args["channel"], c.args.get("thread_ts"), c.args["text"]) for c in posts(slack)]
    assert len(texts) == len(set(texts)) == 4, texts  # root, card, DM reply, thread reply
    assert slack.calls("conversations.history") or slack.calls("conversations.replies")
    assert desk_with_support.admin.undelivered_messages(ADMIN) == []
    # What was found is what is remembered: the thread continues under the posted root.
    desk_with_support.tickets.change_status(SUPPORT, ticket.id, Status.RESOLVED)
    deliver_all(worker, clock, rounds=1)
    roots = [c for c in posts(slack) if c.args["channel"] == ALICE and not c.args.get("thread_ts")]
    assert len(roots) == 1
    replies = [c for c in posts(slack) if c.args.get("thread_ts") == roots[0].response["ts"]]
    assert len(replies) == 2


def test_a_worker_that_dies_after_posting_leaves_no_duplicate(
    core: Core, desk_with_support: HelpDesk, slack: FakeSlack, clock: Clock
) -> None:
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    dying = core.delivery_worker(transport(slack))
    # It leases the messages and posts the first, then dies before recording it.
    claimed, _ = dying._claim()
    dying._transport.deliver(claimed[0])
    assert len(posts(slack)) == 1
    clock.advance(seconds=31)  # the lease runs out
    survivor = core.delivery_worker(transport(slack))
    deliver_all(survivor, clock, rounds=2)
    assert len(posts(slack)) == 2  # the DM root once, then the card
    assert desk_with_support.admin.undelivered_messages(ADMIN) == []


def test_a_refused_read_back_posts_rather_than_loses(
    desk_with_support: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail_next("chat.postMessage", 1, reset=True)  # lost before Slack took it
    slack.fail_next("conversations.history", 1, error="missing_scope")
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")
    deliver_all(worker, clock, rounds=2)
    assert len(posts(slack)) == 2
    assert desk_with_support.admin.undelivered_messages(ADMIN) == []


def test_a_burst_is_paced_in_order_without_a_429_storm_and_dms_do_not_wait(
    core: Core, desk_with_support: HelpDesk, slack: FakeSlack
) -> None:
    count = 30
    slack.rate_limit(burst=4, per_second=10.0)
    paced = core.delivery_worker(
        transport(slack),
        clock=lambda: datetime.now(UTC),
        pace=Pace(burst=3, per_second=10.0),
        poll_interval=0.5,
    )
    for n in range(count):
        desk_with_support.tickets.open_ticket(f"UREPORTER{n:03d}", title=f"Burst {n:03d}")
    paced.start()
    try:
        slack.wait_for(
            lambda calls: (
                len([c for c in calls if c.ok and c.args.get("channel") == SUPPORT_CHANNEL])
                >= count
            ),
            timeout=60,
        )
    finally:
        paced.stop()
    cards = [c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL]
    assert [c.args["text"].split("Burst ")[1][:3] for c in cards] == [
        f"{n:03d}" for n in range(count)
    ]
    # Paced, not all at once: the fake's own pace of 10 a second refused at most a few.
    assert slack.ratelimited <= 3
    dms = [c for c in posts(slack) if c.args["channel"].startswith("UREPORTER")]
    assert len(dms) == count


def test_dms_are_not_held_behind_the_support_channels_pace(
    core: Core, desk_with_support: HelpDesk, slack: FakeSlack
) -> None:
    """The support channel's pace never holds back a reporter's DM. On a clock that
    stands still the channel gets its burst and no more, and every DM still goes out:
    no race with a busy machine."""
    count = 8
    paced = core.delivery_worker(
        transport(slack),
        clock=lambda: datetime.now(UTC),
        pace=Pace(burst=3, per_second=10.0),
        pace_clock=lambda: 0.0,  # the pace's clock stands still: no token comes back
    )
    for n in range(count):
        desk_with_support.tickets.open_ticket(f"UREPORTER{n:03d}", title=f"Held {n:03d}")
    paced.start()
    try:
        slack.wait_for(
            lambda calls: (
                len([c for c in calls if c.ok and c.args["channel"].startswith("UREPORTER")])
                >= count
                and len([c for c in calls if c.ok and c.args["channel"] == SUPPORT_CHANNEL]) >= 3
            ),
            timeout=30,
        )
    finally:
        paced.stop()
    cards = [c for c in posts(slack) if c.args["channel"] == SUPPORT_CHANNEL]
    assert len(cards) == 3


def test_a_429_holds_only_its_channel(
    core: Core, desk_with_support: HelpDesk, slack: FakeSlack, clock: Clock
) -> None:
    """Retry-After is shown honoured on the test's clock, which only the test moves, not
    by measuring gaps a busy machine can stretch or squeeze."""
    slack.fail_next("chat.postMessage", 1, retry_after=1)
    desk_with_support.tickets.open_ticket(ALICE, title="Printer")  # root to ALICE first
    paced = core.delivery_worker(
        transport(slack),
        pace=Pace(burst=3, per_second=10.0),
        pace_clock=lambda: clock().timestamp(),
    )

    def posted(channel: str) -> list[Call]:
        return [c for c in posts(slack) if c.args["channel"] == channel]

    paced.drain()
    refused = [c for c in slack.calls("chat.postMessage") if not c.ok]
    assert [c.args["channel"] for c in refused] == [ALICE]
    clock.advance(seconds=0.9)
    paced.drain()
    assert posts(slack) == []  # held for its Retry-After (the card is behind it)
    clock.advance(seconds=0.3)
    paced.drain()
    assert len(posted(ALICE)) == 1
    assert len(posted(SUPPORT_CHANNEL)) == 1
