"""The outbox: a change and its messages commit together; the worker delivers them in
order per ticket, retries what may succeed later, and gives up loudly on what cannot."""

from __future__ import annotations

import threading

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine, event, func, select

from flashticket_core.adapters.tables import OutboxMessage, TicketThread
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Status
from flashticket_core.errors import NotAllowed
from flashticket_core.metrics import DeliveryOutcome, OutboxHealth
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import (
    Delivered,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)
from flashticket_core.service_layer.delivery.worker import MAX_ATTEMPTS, DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock


class RecordingTransport(Transport):
    """Delivers into a list; scripted failures are raised first."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.failures: list[Exception] = []
        self.counter = 0
        self.lock = threading.Lock()

    def deliver(self, message: Outgoing) -> Delivered:
        with self.lock:
            if self.failures:
                raise self.failures.pop(0)
            self.counter += 1
            self.sent.append(message)
            channel = "D-ALICE" if message.kind is MessageKind.REPORTER_ROOT else "C-SUPPORT"
            return Delivered(channel=channel, ts=f"{self.counter}.000")


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def worker(core: Core, transport: RecordingTransport) -> DeliveryWorker:
    return core.delivery_worker(transport)


def kinds(transport: RecordingTransport) -> list[tuple[int | None, str]]:
    return [(m.ticket_id, m.kind.value) for m in transport.sent]


def outbox_count(engine: Engine, status: str | None = None) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    with engine.connect() as connection:
        return connection.scalar(query) or 0


def test_a_change_and_its_messages_commit_together(desk: HelpDesk, engine: Engine) -> None:
    before = outbox_count(engine)
    ticket = desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    assert outbox_count(engine) == before + 2
    with pytest.raises(NotAllowed):
        desk.tickets.change_status(ALICE, ticket.id, Status.CLOSED)
    assert outbox_count(engine) == before + 2


def test_messages_go_out_in_order_and_threads_are_remembered(
    desk: HelpDesk,
    worker: DeliveryWorker,
    transport: RecordingTransport,
    engine: Engine,
) -> None:
    worker.drain()  # the role grant's DM
    transport.sent.clear()
    ticket = desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    desk.tickets.take(SUPPORT, ticket.id)
    desk.conversation.add_support_reply(SUPPORT, ticket.id, "Which floor?")
    desk.conversation.add_internal_note(SUPPORT, ticket.id, "AP 3 flaky")
    worker.drain()
    assert kinds(transport) == [
        (ticket.id, "reporter_root"),
        (ticket.id, "support_post"),
        (ticket.id, "reporter_thread"),  # status: in progress
        # the take's two card updates were superseded by the reply's, which takes the
        # first-response target (met now) off the card
        (ticket.id, "support_update"),
        (ticket.id, "reporter_thread"),  # the support reply
        (ticket.id, "support_thread"),
        (ticket.id, "support_thread"),  # the internal note, for the team only
    ]
    reply = transport.sent[4]
    assert reply.payload == {
        "event": "support_reply",
        "actor": SUPPORT,
        "text": "Which floor?",
        "entry": reply.payload["entry"],
    }
    assert reply.thread.reporter_channel == "D-ALICE"
    assert reply.ticket is not None
    assert reply.ticket.status == "in_progress"
    with engine.connect() as connection:
        refs = connection.execute(select(TicketThread)).one()
    assert (refs.reporter_channel, refs.support_channel) == ("D-ALICE", "C-SUPPORT")
    assert reply.thread.reporter_ts == refs.reporter_ts is not None
    assert desk.conversation.ticket_of_reporter_thread("D-ALICE", refs.reporter_ts) == ticket.id
    assert outbox_count(engine, "pending") == 0
    assert outbox_count(engine, "superseded") == 2


def test_rate_limit_waits_at_least_retry_after_and_keeps_ticket_order(
    desk: HelpDesk,
    worker: DeliveryWorker,
    transport: RecordingTransport,
    clock: Clock,
) -> None:
    worker.drain()
    transport.sent.clear()
    ticket = desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    transport.failures.append(TemporaryFailure("ratelimited", retry_after=30))
    assert worker.drain() == 1  # the root failed; its support post must wait behind it
    assert transport.sent == []
    clock.advance(seconds=29)
    worker.drain()
    assert transport.sent == []
    clock.advance(seconds=2)
    worker.drain()
    assert kinds(transport) == [(ticket.id, "reporter_root"), (ticket.id, "support_post")]


def test_temporary_failures_back_off_and_finally_fail(
    desk: HelpDesk,
    worker: DeliveryWorker,
    transport: RecordingTransport,
    clock: Clock,
    engine: Engine,
) -> None:
    worker.drain()
    desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    transport.failures.extend(TemporaryFailure("HTTP 500") for _ in range(MAX_ATTEMPTS))
    for _ in range(MAX_ATTEMPTS):
        worker.drain()
        clock.advance(seconds=600)
    assert outbox_count(engine, "failed") == 1
    undelivered = desk.admin.undelivered_messages(ADMIN)
    assert undelivered[0].last_error == "HTTP 500"
    assert undelivered[0].status == "failed"
    # An admin puts it back; it goes out, then the message that waited behind it.
    assert desk.admin.retry_failed_messages(ADMIN) == 1
    worker.drain()
    assert outbox_count(engine, "pending") == 0
    assert outbox_count(engine, "failed") == 0


def test_permanent_failure_is_recorded_and_does_not_block_others(
    desk: HelpDesk,
    worker: DeliveryWorker,
    transport: RecordingTransport,
    engine: Engine,
) -> None:
    worker.drain()
    transport.sent.clear()
    ticket = desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    transport.failures.append(PermanentFailure("channel_not_found"))
    worker.drain()
    assert kinds(transport) == [(ticket.id, "support_post")]
    failed = desk.admin.undelivered_messages(ADMIN)
    assert [(m.kind, m.last_error) for m in failed] == [("reporter_root", "channel_not_found")]
    with pytest.raises(NotAllowed):
        desk.admin.undelivered_messages(SUPPORT)


def test_a_crashed_workers_claim_expires_and_another_worker_delivers(
    core: Core, desk: HelpDesk, transport: RecordingTransport, clock: Clock
) -> None:
    crashed = core.delivery_worker(transport)
    crashed.drain()
    transport.sent.clear()
    desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    claimed, _ = crashed._claim()  # claimed, then the process "dies" before delivering
    assert len(claimed) == 1
    survivor = core.delivery_worker(transport)
    assert survivor.drain() == 0  # the lease still holds
    clock.advance(minutes=3)
    survivor.drain()
    assert [m.kind.value for m in transport.sent] == ["reporter_root", "support_post"]


def test_commit_wakes_the_worker(core: Core, desk: HelpDesk) -> None:
    woken = threading.Event()
    core.committed_listeners.append(woken.set)
    desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    assert woken.is_set()


def test_background_worker_delivers_soon_after_commit(
    core: Core, desk: HelpDesk, transport: RecordingTransport
) -> None:
    worker = core.delivery_worker(transport, poll_interval=60)
    worker.start()
    try:
        delivered = threading.Event()
        original = transport.deliver

        def deliver_and_signal(message: Outgoing) -> Delivered:
            result = original(message)
            if message.kind is MessageKind.SUPPORT_POST:
                delivered.set()
            return result

        transport.deliver = deliver_and_signal  # type: ignore[method-assign]
        desk.tickets.open_ticket(ALICE, title="Wi-Fi")
        # Far below the 60 s poll: only the wake-up after commit can explain it.
        assert delivered.wait(timeout=10)
    finally:
        worker.stop()


def test_idempotent_open_and_reporter_reply(desk: HelpDesk, engine: Engine) -> None:
    first = desk.tickets.open_ticket(ALICE, title="Wi-Fi", request_key="view:V1:h1")
    again = desk.tickets.open_ticket(ALICE, title="Wi-Fi", request_key="view:V1:h1")
    assert again.id == first.id
    assert desk.queries.list_tickets(ALICE).total == 1
    assert (
        desk.conversation.add_reporter_reply(ALICE, first.id, "hi", request_key="event:Ev1")
        is not None
    )
    assert (
        desk.conversation.add_reporter_reply(ALICE, first.id, "hi", request_key="event:Ev1") is None
    )
    assert len(desk.queries.show(ALICE, first.id).conversation) == 1


def test_the_outbox_health_counts_waiting_and_failed_messages(
    core: Core, desk: HelpDesk, worker: DeliveryWorker, transport: RecordingTransport, clock: Clock
) -> None:
    worker.drain()
    assert core.outbox_health() == OutboxHealth(pending=0, oldest_pending_age_seconds=0, failed=0)
    desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    clock.advance(seconds=90)
    health = core.outbox_health()
    assert health.pending == 2  # the reporter's DM and the card
    assert health.oldest_pending_age_seconds == pytest.approx(90)
    assert health.failed == 0
    transport.failures.append(PermanentFailure("channel_not_found"))
    worker.drain()
    assert core.outbox_health() == OutboxHealth(pending=0, oldest_pending_age_seconds=0, failed=1)


def test_each_delivery_attempt_is_counted_by_outcome(
    desk: HelpDesk, worker: DeliveryWorker, transport: RecordingTransport, clock: Clock
) -> None:
    worker.drain()

    def counts() -> dict[str, float]:
        return {
            o.value: REGISTRY.get_sample_value(
                "flashticket_delivery_attempts_total", {"outcome": o.value}
            )
            or 0.0
            for o in DeliveryOutcome
        }

    before = counts()
    desk.tickets.open_ticket(ALICE, title="Wi-Fi")
    transport.failures += [
        TemporaryFailure("ratelimited", retry_after=0, rate_limited=True),
        TemporaryFailure("HTTP 500: internal_error"),
        PermanentFailure("channel_not_found"),
    ]
    for _ in range(3):
        worker.drain()
        clock.advance(hours=1)  # past any back-off
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "sent": 1,
        "retry": 1,
        "rate_limited": 1,
        "failed": 1,
    }


def test_a_batch_sent_is_recorded_in_one_write_transaction(
    desk: HelpDesk, worker: DeliveryWorker, engine: Engine
) -> None:
    worker.drain()  # the role grant's DM
    tickets = [desk.tickets.open_ticket(ALICE, title=f"Printer {n}") for n in range(3)]
    recorded: list[int] = []
    store = worker._store
    record_sent = store.record_sent

    def spy(sent: list[object], *, holder: str | None = None) -> set[int]:
        recorded.append(len(sent))
        return record_sent(sent, holder=holder)  # type: ignore[arg-type]

    store.record_sent = spy  # type: ignore[method-assign]
    handled = worker.run_once()
    # One claim holds the first message of each ticket; their outcomes are one write.
    assert handled == 3
    assert recorded == [3]
    assert outbox_count(engine, "sent") >= 3
    worker.drain()
    assert outbox_count(engine, "pending") == 0
    with engine.connect() as connection:
        threads = connection.execute(select(TicketThread)).all()
    assert {row.ticket_id for row in threads} == {t.id for t in tickets}
    assert all(row.reporter_ts and row.support_ts for row in threads)


def test_a_claim_reads_its_tickets_once_for_the_batch(
    desk: HelpDesk, worker: DeliveryWorker, engine: Engine
) -> None:
    """The claim runs inside a write transaction (SQLite's one writer): its statements do
    not grow with the batch, as they would with a read of each message's ticket."""
    worker.drain()  # the role grant's DM

    def statements_to_claim(tickets: int) -> int:
        for n in range(tickets):
            desk.tickets.open_ticket(ALICE, title=f"Scanner {n}")
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            claimed, _ = worker._claim()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(claimed) == tickets
        assert all(m.ticket is not None for m in claimed)
        worker.drain()
        return len(seen)

    assert statements_to_claim(2) == statements_to_claim(8)


def test_a_card_is_handed_the_ticket_as_the_reads_show_it(
    desk: HelpDesk, worker: DeliveryWorker, transport: RecordingTransport
) -> None:
    """The outbox and the reads fill the one ticket read model alike: what a card shows
    is what `/ticket show` shows, its description and targets included."""
    ticket = desk.tickets.open_ticket(ALICE, title="Wi-Fi", description="Floor 3, since noon")
    desk.tickets.take(SUPPORT, ticket.id)
    worker.drain()
    card = [m for m in transport.sent if m.kind is MessageKind.SUPPORT_UPDATE][-1]
    shown = desk.queries.show(SUPPORT, ticket.id).ticket
    assert card.ticket == shown
    assert shown.description == "Floor 3, since noon"
    assert shown.assignee_id == SUPPORT
    assert shown.targets
