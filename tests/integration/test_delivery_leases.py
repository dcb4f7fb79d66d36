"""Exactly once across replicas, whatever a batch takes (SQLite and PostgreSQL): a worker
keeps its leases while it delivers, never sends a message whose lease it no longer holds,
records outcomes only as the holder, and a file relay is never shared twice."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.slack_sender import SlackTransport
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core
from flashticket_core.i18n import Language
from flashticket_core.service_layer.conversation import AttachedFile
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered, Transport
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, Clock
from tests.fakes.slack_api import FakeSlack

LEASE = timedelta(seconds=1)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def leases_of(engine: Engine, worker: DeliveryWorker) -> list[object]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(OutboxMessage.claimed_until).where(
                    OutboxMessage.claimed_by == worker.worker_id,
                    OutboxMessage.status == "pending",
                    OutboxMessage.claimed_until.is_not(None),
                )
            )
        )


def outlast_the_lease(
    engine: Engine, clock: Clock, holder: DeliveryWorker, other: DeliveryWorker
) -> None:
    """Move the clock three leases on, a part at a time, while `holder` is mid-delivery;
    after each part, once `holder` renewed, the other replica looks for work."""
    for _ in range(6):
        clock.advance(seconds=LEASE.total_seconds() / 2)

        def renewed() -> bool:
            leases = leases_of(engine, holder)
            now = clock().replace(tzinfo=None)
            return bool(leases) and all(
                until is not None and until.replace(tzinfo=None) > now  # type: ignore[attr-defined]
                for until in leases
            )

        wait_until(renewed)
        assert other.run_once() == 0  # nothing it may take: the holder still holds it all


class Gate:
    """What two replicas' transports share: what each delivered, and a gate the first
    message of `slow_kind` waits at."""

    def __init__(self, slow_kind: MessageKind) -> None:
        self.slow_kind = slow_kind
        self.sent: list[tuple[str, int]] = []
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.lock = threading.Lock()


class GatedTransport(Transport):
    def __init__(self, gate: Gate, name: str) -> None:
        self.gate = gate
        self.name = name

    def deliver(self, message: Outgoing) -> Delivered:
        gate = self.gate
        if message.kind is gate.slow_kind and not gate.entered.is_set():
            gate.entered.set()
            assert gate.opened.wait(timeout=30)
        with gate.lock:
            gate.sent.append((self.name, message.id))
            return Delivered(channel="C-SUPPORT", ts=f"{len(gate.sent)}.000")


def test_two_replicas_and_a_delivery_that_outlasts_the_lease_send_each_message_once(
    core: Core, desk: HelpDesk, engine: Engine, clock: Clock
) -> None:
    shared = Gate(MessageKind.SUPPORT_POST)
    first = core.delivery_worker(GatedTransport(shared, "first"), lease=LEASE, renew_every=0.01)
    second = core.delivery_worker(GatedTransport(shared, "second"), lease=LEASE, renew_every=0.01)
    first.drain()  # the role grant's DM
    shared.sent.clear()
    for n in range(3):
        desk.tickets.open_ticket(ALICE, title=f"Printer {n}")
    # The first replica takes the batch: the three DM roots, then (next round) the cards,
    # the first of which answers slowly, three leases long.
    assert first.run_once() == 3
    slow = threading.Thread(target=first.run_once)
    slow.start()
    try:
        assert shared.entered.wait(timeout=10)
        outlast_the_lease(engine, clock, first, second)
    finally:
        shared.opened.set()
        slow.join(timeout=10)
    first.drain()
    second.drain()
    with engine.connect() as connection:
        statuses = Counter(connection.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": 1 + 6}
    ids = [message_id for _, message_id in shared.sent]
    assert len(ids) == len(set(ids)) == 6
    assert {name for name, _ in shared.sent} == {"first"}


def test_a_worker_that_lost_its_lease_neither_sends_nor_records_it(
    core: Core, desk: HelpDesk, engine: Engine, clock: Clock
) -> None:
    """Its renewals did not reach the database (here: it renews far too seldom), the
    lease ran out and the other replica took the messages: the first one sends none of
    them after that, and its outcome of the one in hand is not recorded over the other's
    claim."""
    shared = Gate(MessageKind.REPORTER_ROOT)
    stalled = core.delivery_worker(GatedTransport(shared, "stalled"), lease=LEASE, renew_every=3600)
    other = core.delivery_worker(GatedTransport(shared, "other"), lease=LEASE, renew_every=3600)
    stalled.drain()  # the role grant's DM
    shared.sent.clear()
    desk.tickets.open_ticket(ALICE, title="Printer")
    desk.tickets.open_ticket(ALICE, title="Scanner")
    slow = threading.Thread(target=stalled.run_once)
    slow.start()
    try:
        assert shared.entered.wait(timeout=10)
        clock.advance(seconds=5)
        taken, _ = other._claim()  # the other replica takes both, then is slow itself
        assert len(taken) == 2
    finally:
        shared.opened.set()
        slow.join(timeout=10)
    # The one in hand went out (it was under way); the second was never sent by it.
    assert [name for name, _ in shared.sent] == ["stalled"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.status, OutboxMessage.claimed_by).where(
                OutboxMessage.id.in_([m.id for m in taken])
            )
        ).all()
    assert rows == [("pending", other.worker_id)] * 2


# -- files ------------------------------------------------------------------------


@pytest.fixture
def slack(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack(ts_epoch=int(clock().timestamp())) as fake:
        yield fake


def slack_worker(core: Core, slack: FakeSlack, **options: object) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=5)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport, lease=LEASE, **options)


def ticket_with_a_file(desk: HelpDesk, slack: FakeSlack, workers: list[DeliveryWorker]) -> int:
    ticket = desk.tickets.open_ticket(ALICE, title="Printer")
    for worker in workers:
        worker.drain()  # the role DM, the DM root and the card
    file = slack.host_file(ALICE, "error.png", PNG, "image/png")
    attached = AttachedFile(chat_file_id=file["id"], name="error.png", mimetype="image/png")
    desk.conversation.add_reporter_reply(ALICE, ticket.id, "Here it is", files=[attached])
    slack.clear()
    return ticket.id


def shares(slack: FakeSlack) -> list[object]:
    """Every files.completeUploadExternal Slack carried out (its answer lost too)."""
    return [c for c in slack.calls("files.completeUploadExternal") if c.ok]


def test_two_replicas_and_a_file_relay_that_outlasts_the_lease_share_it_once(
    core: Core, desk: HelpDesk, engine: Engine, slack: FakeSlack, clock: Clock
) -> None:
    first = slack_worker(core, slack, renew_every=0.01)
    second = slack_worker(core, slack, renew_every=0.01)
    ticket_with_a_file(desk, slack, [first])
    # Slack shares the file but answers slowly, and then with an error: the relay holds
    # its lease all the while, and its retry finds the file shared.
    slack.fail_next("files.completeUploadExternal", delay=1.0, accept=True)
    slow = threading.Thread(target=first.drain)
    slow.start()
    try:
        slack.wait_for("files.completeUploadExternal")
        outlast_the_lease(engine, clock, first, second)
    finally:
        slow.join(timeout=30)
    clock.advance(seconds=301)
    first.drain()
    second.drain()
    assert len(shares(slack)) == 1
    assert len(slack.calls("files.getUploadURLExternal")) == 1
    assert desk.admin.undelivered_messages(ADMIN) == []


def test_a_file_shared_whose_answer_was_lost_is_not_shared_again(
    core: Core, desk: HelpDesk, slack: FakeSlack, clock: Clock
) -> None:
    worker = slack_worker(core, slack)
    ticket_with_a_file(desk, slack, [worker])
    slack.fail_next("files.completeUploadExternal", reset=True, accept=True)
    worker.drain()
    assert len(shares(slack)) == 1  # Slack shared it; the answer never came back
    clock.advance(seconds=301)
    worker.drain()  # the retry looks at what it uploaded and finds it shared
    assert len(shares(slack)) == 1
    assert len(slack.calls("files.getUploadURLExternal")) == 1
    assert slack.calls("files.info")
    assert desk.admin.undelivered_messages(ADMIN) == []
