"""The delivery worker: claims due messages, hands them to its transport, records the
outcome, retries with back-off; the package's docstring says what it guarantees."""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

from flashticket_core import metrics
from flashticket_core.log_context import bound
from flashticket_core.metrics import DeliveryOutcome
from flashticket_core.service_layer.delivery.leases import HeldLeases
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.pacing import (
    RATE_LIMIT_MARGIN_SECONDS,
    ChannelPacer,
    Pace,
    readiness,
)
from flashticket_core.service_layer.delivery.ports import (
    FailureNotice,
    LeaseLost,
    OutboxStore,
    PermanentFailure,
    Sent,
    TemporaryFailure,
    Transport,
)
from flashticket_core.service_layer.outbox import PLANS, ThreadSide

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
LEASE = timedelta(seconds=30)


def notice_for(message: Outgoing, failure: PermanentFailure, at: datetime) -> FailureNotice | None:
    """Who hears of a failure: nobody for a failure that loses nothing a person would
    miss, and never for a notice itself (a failed notice must not make another)."""
    plan = PLANS[message.kind]
    if not failure.tell or not plan.failure_told:
        return None
    # A notice for the card's thread waits, in the ticket's order, for a card still to
    # be posted; one that never is (it failed itself) told the admins instead.
    no_card = message.ticket_id is None or plan.begins is ThreadSide.SUPPORT
    return FailureNotice(
        failed_id=message.id,
        failed_kind=message.kind.value,
        ticket_id=message.ticket_id,
        error=failure.reason,
        to_admins=failure.card_unreachable or no_card,
        at=at,
    )


def backoff_seconds(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential back-off with full jitter between half and the whole step."""
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return float(step * (0.5 + rng() / 2))


class DeliveryWorker:
    def __init__(
        self,
        store: OutboxStore,
        transport: Transport,
        *,
        clock: Callable[[], datetime],
        batch_size: int = 20,
        poll_interval: float = 2.0,
        worker_id: str | None = None,
        lease: timedelta = LEASE,
        pace: Pace | None = None,
        pace_clock: Callable[[], float] = time.monotonic,
        renew_every: float | None = None,
    ) -> None:
        self._store = store
        self._lease = lease
        self.worker_id = worker_id or uuid.uuid4().hex[:16]
        self._leases = HeldLeases(
            store,
            worker_id=self.worker_id,
            clock=clock,
            lease=lease,
            # Renewed well before it runs out (seconds of real time, as the poll).
            renew_every=lease.total_seconds() / 3 if renew_every is None else renew_every,
        )
        self._pacer = ChannelPacer(pace, pace_clock) if pace is not None else None
        self._transport = transport
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Files go one at a time on their own thread; `_on_the_side` are the ones there.
        self._side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-files")
        self._side_lock = threading.Lock()
        self._on_the_side: dict[int, Future[None]] = {}

    # -- running in the background ----------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Called after a commit that wrote messages: deliver now, not at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the message in hand, then stop; unsent messages stay pending."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._side.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._next_wait())
            self._wake.clear()
            try:
                while not self._stopping.is_set() and self.run_once():
                    pass
            except Exception:
                # A database hiccup must not kill the worker; the next round retries.
                log.exception("outbox delivery round failed")

    # -- one round ----------------------------------------------------------

    def _next_wait(self) -> float:
        """Until the next poll, or sooner when a paced conversation can post again."""
        ready_in = self._pacer.next_ready_in() if self._pacer is not None else None
        return self._poll_interval if ready_in is None else min(self._poll_interval, ready_in)

    def run_once(self) -> int:
        """Claim and deliver one batch; returns how many messages were handled (a
        message left for its conversation's pace is not)."""
        claimed, superseded = self._claim()
        if not claimed:
            return superseded
        # A batch's files go on being delivered on the side thread, which lets go of
        # each when it is through.
        with self._leases.keeping([m.id for m in claimed], kept_after=self._side_ids):
            return superseded + self._deliver_batch(claimed)

    def _deliver_batch(self, claimed: list[Outgoing]) -> int:
        handled = 0
        started = time.monotonic()
        held: set[str] = set()  # conversations that must wait: the rest of theirs too
        # The batch's sent messages are recorded together once it is through: one write
        # transaction, not one per message (on SQLite every write takes its turn at the
        # one writer, between the requests' own). A claim holds one message per ticket,
        # so none of them waits on another's record; one sent but not recorded (a
        # crash) stays leased, and comes back `maybe_sent` to be looked for first.
        sent: list[Sent] = []
        try:
            for message in claimed:
                if PLANS[message.kind].on_the_side:
                    handled += self._to_the_side(message)
                    continue
                channel = self._channel_of(message)
                if self._stopping.is_set() or (
                    channel is not None and not self._may_post(channel, held)
                ):
                    self._leases.forget(message.id)
                    self._store.release(message.id, self.worker_id, maybe_sent=message.maybe_sent)
                    continue
                if not self._leases.holds(message.id):
                    # Its lease ran out and another worker took it: that one sends it.
                    log.warning("outbox message %s: lease lost before sending; left", message.id)
                    handled += 1
                    continue
                if channel is not None and self._pacer is not None:
                    self._pacer.take(channel, message.ticket_id)
                self._deliver(message, channel, sent)
                handled += 1
                if sent and time.monotonic() - started > self._leases.renew_every:
                    # A batch that runs long records what it sent at once, so nothing
                    # sent waits on the messages behind it for its record.
                    self._record_sent(sent)
                    sent = []
        finally:
            if sent:
                self._record_sent(sent)
        return handled

    def _record_sent(self, sent: list[Sent]) -> None:
        recorded = self._store.record_sent(sent, holder=self.worker_id)
        for done in sent:
            self._leases.forget(done.message.id)
            if done.message.id not in recorded:
                # Sent after another worker took it over: that one looks first (it
                # comes `maybe_sent`) and records what it finds.
                log.warning(
                    "outbox message %s: sent, but its lease had passed to another worker",
                    done.message.id,
                )
        metrics.count_delivery(DeliveryOutcome.SENT, len(recorded))

    # -- files on the side thread ---------------------------------------------

    def _side_ids(self) -> set[int]:
        with self._side_lock:
            return set(self._on_the_side)

    def _to_the_side(self, message: Outgoing) -> int:
        """Hand a file to the side thread; 0 if it is there already (its lease ran out
        while it downloads, and this claim renewed it) or the worker is stopping."""
        with self._side_lock:
            if message.id in self._on_the_side:
                return 0
            if self._stopping.is_set():
                self._store.release(message.id, self.worker_id, maybe_sent=message.maybe_sent)
                return 0
            future = self._side.submit(self._deliver_on_the_side, message)
            self._on_the_side[message.id] = future
            return 1

    def _deliver_on_the_side(self, message: Outgoing) -> None:
        sent: list[Sent] = []
        try:
            with self._leases.keeping([message.id]):
                if self._leases.holds(message.id):
                    self._deliver(message, None, sent)
                else:
                    log.warning("outbox message %s: lease lost before sending; left", message.id)
                if sent:
                    self._record_sent(sent)
        except Exception:
            log.exception("outbox message %s: recording its delivery failed", message.id)
        finally:
            with self._side_lock:
                self._on_the_side.pop(message.id, None)
            self._wake.set()  # what waited behind the file may go now

    def _settle(self) -> None:
        """Wait until the files on the side thread are through (drain)."""
        while True:
            with self._side_lock:
                futures = list(self._on_the_side.values())
            if not futures:
                return
            for future in futures:
                future.exception()

    def _channel_of(self, message: Outgoing) -> str | None:
        if self._pacer is None:
            return None
        try:
            return self._transport.channel_of(message)
        except Exception:
            log.exception("outbox message %s: no conversation to pace it by", message.id)
            return None

    def _may_post(self, channel: str, held: set[str]) -> bool:
        assert self._pacer is not None
        if channel in held or not self._pacer.ready(channel):
            held.add(channel)
            return False
        return True

    def drain(self, rounds: int = 1000) -> int:
        """Deliver everything that is due now (tests and the console)."""
        handled = 0
        for _ in range(rounds):
            count = self.run_once()
            self._settle()  # a file shared may let the file after it go
            if not count:
                break
            handled += count
        return handled

    def _claim(self) -> tuple[list[Outgoing], int]:
        """Lease the next due message of each ticket; returns them and how many were skipped."""
        now = self._clock()
        claimed, superseded = self._store.claim(
            now=now,
            lease=self._lease,
            worker_id=self.worker_id,
            batch_size=self._batch_size,
            ready=readiness(self._pacer, self._channel_of) if self._pacer is not None else None,
        )
        self._leases.hold([message.id for message in claimed], now + self._lease)
        # Each part is recorded as it goes out: a crash after part n repeats at most n + 1.
        outgoing = [
            replace(
                message,
                part_delivered=functools.partial(
                    self._store.record_part, message.id, holder=self.worker_id
                ),
                ensure_held=functools.partial(self._leases.ensure_held, message.id),
            )
            for message in claimed
        ]
        return outgoing, superseded

    def _deliver(self, message: Outgoing, channel: str | None, sent: list[Sent]) -> None:
        with bound(ticket_id=message.ticket_id, outbox_message=message.id):
            self._deliver_bound(message, channel, sent)

    def _deliver_bound(self, message: Outgoing, channel: str | None, sent: list[Sent]) -> None:
        try:
            delivered = self._transport.deliver(message)
        except LeaseLost:
            log.warning("outbox message %s: lease lost while sending; left", message.id)
            self._leases.forget(message.id)
        except TemporaryFailure as failure:
            if channel is not None and self._pacer is not None and failure.retry_after is not None:
                self._pacer.hold(channel, failure.retry_after + RATE_LIMIT_MARGIN_SECONDS)
            self._retry_later(message, failure)
        except PermanentFailure as failure:
            log.error(
                "outbox message %s (%s, ticket %s) failed for good: %s",
                message.id,
                message.kind,
                message.ticket_id,
                failure.reason,
                extra=dict(failure.log_fields),
            )
            metrics.count_delivery(DeliveryOutcome.FAILED)
            self._leases.forget(message.id)
            self._store.mark_failed(
                message.id,
                error=failure.reason,
                notice=notice_for(message, failure, self._clock()),
                holder=self.worker_id,
            )
        except Exception as error:
            # A bug in rendering is not a reason to lose the message: retry, and log it.
            log.exception("outbox message %s raised unexpectedly", message.id)
            self._retry_later(message, TemporaryFailure(f"unexpected: {type(error).__name__}"))
        else:
            if channel is not None and self._pacer is not None and delivered.posts > 1:
                # The other parts of a long text count against the pace too.
                self._pacer.take(channel, message.ticket_id, posts=delivered.posts - 1)
            begins = PLANS[message.kind].begins if message.ticket_id is not None else None
            sent.append(Sent(message, delivered, at=self._clock(), begins=begins))

    def _retry_later(self, message: Outgoing, failure: TemporaryFailure) -> None:
        def next_attempt(attempts: int) -> datetime | None:
            if attempts >= MAX_ATTEMPTS:
                log.error(
                    "outbox message %s gave up after %s attempts: %s",
                    message.id,
                    attempts,
                    failure.reason,
                    extra=dict(failure.log_fields),
                )
                metrics.count_delivery(DeliveryOutcome.FAILED)
                return None
            delay = backoff_seconds(attempts)
            if failure.retry_after is not None:
                # Paced, the conversation waits for Retry-After and this message goes
                # first when it ends; unpaced, back-off may wait longer.
                paced = self._pacer is not None
                delay = failure.retry_after if paced else max(delay, failure.retry_after)
            log.warning(
                "outbox message %s: %s; retry %s in %.1fs",
                message.id,
                failure.reason,
                attempts,
                delay,
                extra=dict(failure.log_fields),
            )
            metrics.count_delivery(
                DeliveryOutcome.RATE_LIMITED if failure.rate_limited else DeliveryOutcome.RETRY
            )
            return self._clock() + timedelta(seconds=delay)

        self._leases.forget(message.id)
        # Given up after the last attempt, the message is told like one that cannot go.
        given_up = PermanentFailure(failure.reason, tell=True)
        self._store.retry_later(
            message.id,
            error=failure.reason,
            next_attempt=next_attempt,
            # Once an attempt may have been delivered, every later one looks first.
            maybe_sent=failure.maybe_sent or message.maybe_sent,
            holder=self.worker_id,
            notice=notice_for(message, given_up, self._clock()),
        )
