"""Delivering the outbox: claim due messages, hand them to a transport, record the outcome.

Guarantees:
- Messages of one ticket go out in the order they were written; a message waits while
  an earlier one of its ticket is still pending (in back-off or claimed elsewhere).
- A temporary failure (rate limit, 5xx, timeout, network) is retried with exponential
  back-off and jitter, never sooner than the server's Retry-After; after MAX_ATTEMPTS the
  message is marked failed and can be retried by an admin. A permanent failure is marked
  failed at once with the reason, and a failed message never holds back the later ones
  of its ticket. Where a person would miss what it said, the failure is told once
  (`FailureNotice`): under the ticket's card, or to the admins by DM when the card
  itself cannot be reached; a notice that fails is not told again.
- Several workers (replicas) may run: a claim is a lease written in its own transaction
  (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time). A worker that
  dies mid-delivery leaves its lease to expire and another worker sends the message.
  The worker reaches the stored messages through `OutboxStore`, every call its own
  committed transaction (SQL in `adapters/sql_outbox.py`).
- A worker sends only what it holds: its lease is renewed while it works (a slow
  file relay or a slow answer never lets it lapse), checked before each message is
  handed to the transport (and by the transport before a step that cannot be undone,
  such as sharing a file), and outcomes are recorded only where the worker is still
  the holder. A worker that lost a lease (its renewals failed) leaves the message to
  the worker that took it; a batch that runs long records what it sent at once.
- An attempt that may have reached the receiver (its answer was lost, or its worker died
  holding the lease) is marked `maybe_sent` on the next try, so a transport that can
  look first (Slack: the outbox id in the message's metadata) records the message it
  finds instead of sending it again.
- Pacing (optional, `Pace`): each conversation a transport names (`channel_of`) has a
  token bucket, a burst then a steady rate; a message for a conversation that is not
  ready is left for later and the worker goes on with the others, so a busy channel
  never holds up a DM. A rate limit (429) holds that conversation only, for Retry-After.
  Every part of a long text counts against the pace, and in a busy conversation the
  ticket that had the last turn lets another ticket that waited go first.
- Files (`ON_THE_SIDE`) are fetched and shared on a thread of their own, one at a time:
  a slow download never holds up another ticket's message; the file's own ticket waits
  for its first attempt only, not for its retries.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flashticket_core import metrics
from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.log_context import bound
from flashticket_core.metrics import DeliveryOutcome, OutboxHealth
from flashticket_core.service_layer.outbox import MessageKind

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
LEASE = timedelta(seconds=30)
# Messages that may take long (a file downloaded, then uploaded): delivered on the
# worker's side thread.
ON_THE_SIDE = frozenset({MessageKind.RELAY_FILE})
# Admins hear of the same reason (the support channel archived, say) once in this long,
# not once per message that fails for it.
ADMIN_NOTICE_QUIET = timedelta(hours=12)


class TemporaryFailure(Exception):
    """Try again later; `retry_after` is the server's own wish, in seconds, and
    `rate_limited` says the server refused for the rate of calls.

    `log_fields` are the transport's own words for the failure (its error code), put on
    the log line about it as fields of their own; never a message's text. `maybe_sent`:
    the attempt may have reached the receiver (a timeout, a reset, a 5xx after sending),
    so the next try looks before it sends again."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        *,
        rate_limited: bool = False,
        log_fields: Mapping[str, str] | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        self.log_fields: Mapping[str, str] = log_fields or {}
        self.maybe_sent = maybe_sent


class LeaseLost(Exception):
    """This worker no longer holds the message's lease: another worker may be sending
    it, so this one must neither send it nor record anything about it."""


class PermanentFailure(Exception):
    """Retrying will not help (unknown channel, revoked token); an admin must look.

    `tell`: a person would miss what the message said, so the failure is told once
    (`FailureNotice`). `card_unreachable`: the refusal came from the ticket's card or
    the support channel itself (archived, the bot removed), so the card's thread is no
    place to tell it."""

    def __init__(
        self,
        reason: str,
        *,
        log_fields: Mapping[str, str] | None = None,
        tell: bool = False,
        card_unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.log_fields: Mapping[str, str] = log_fields or {}
        self.tell = tell
        self.card_unreachable = card_unreachable


@dataclass(frozen=True)
class FailureNotice:
    """A message failed for good and people must hear of it, once: in its ticket's
    card's thread, or (`to_admins`) by DM to each admin when there is no card to tell
    it under. Written with the failure, in the same transaction."""

    failed_id: int
    failed_kind: str
    ticket_id: int | None
    error: str
    to_admins: bool
    at: datetime


def notice_for(message: Outgoing, failure: PermanentFailure, at: datetime) -> FailureNotice | None:
    """Who hears of a failure: nobody for a failure that loses nothing a person would
    miss, and never for a notice itself (a failed notice must not make another)."""
    if not failure.tell or message.kind is MessageKind.DELIVERY_NOTICE:
        return None
    # A notice for the card's thread waits, in the ticket's order, for a card still to
    # be posted; one that never is (it failed itself) told the admins instead.
    no_card = message.ticket_id is None or message.kind is MessageKind.SUPPORT_POST
    return FailureNotice(
        failed_id=message.id,
        failed_kind=message.kind.value,
        ticket_id=message.ticket_id,
        error=failure.reason,
        to_admins=failure.card_unreachable or no_card,
        at=at,
    )


@dataclass(frozen=True)
class TicketState:
    """The ticket as it is when the message goes out (a card always shows the latest)."""

    id: int
    title: str
    description: str
    status: Status
    priority: Priority
    reporter_id: str
    assignee_id: str | None
    version: int
    deleted: bool
    deleted_by: str | None = None
    # Its service-level targets, first response before resolution.
    targets: tuple[TargetClock, ...] = ()


@dataclass(frozen=True)
class Thread:
    reporter_channel: str | None = None
    reporter_ts: str | None = None
    support_channel: str | None = None
    support_ts: str | None = None


def _nowhere(parts_delivered: int, ts: str | None) -> None:
    """Where a message handed to a transport outside a worker records its parts."""


def _held_anyway() -> None:
    """A message handed to a transport outside a worker has no lease to lose."""


@dataclass(frozen=True)
class RelayedCopy:
    """Where a conversation entry's copy is in chat: one message per part, in order."""

    channel: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: MessageKind
    ticket_id: int | None
    payload: dict[str, Any]
    ticket: TicketState | None
    thread: Thread
    # A transport that sends a message in several parts starts at this one and calls
    # `part_delivered(n, ts)` once part n is out (at ts), so a retry never repeats a part.
    parts_delivered: int = 0
    part_delivered: Callable[[int, str | None], None] = field(default=_nowhere, compare=False)
    # For an edit or a withdrawal: the entry's copy as last delivered; None if it never
    # went out.
    copy: RelayedCopy | None = None
    # An earlier attempt may have been delivered without its outcome being recorded
    # (its answer was lost, or its worker died holding the lease).
    maybe_sent: bool = False
    # When the message was written: no attempt of it is older (where to look back from).
    created_at: datetime | None = None
    # For a message about several tickets (a sweep's reminders or escalations): each
    # listed ticket as it is now and its threads; a ticket gone since is left out.
    listed: Mapping[int, tuple[TicketState, Thread]] = field(default_factory=dict)
    # Raises LeaseLost if the worker no longer holds the message: a transport calls it
    # right before a step that cannot be undone (sharing an uploaded file).
    ensure_held: Callable[[], None] = field(default=_held_anyway, compare=False)
    # A file relay: the files earlier attempts uploaded (recorded before each was
    # shared), the latest last; one of them may be shared already.
    uploads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivered:
    channel: str | None = None
    ts: str | None = None
    # How many posts it took (the parts of a long text): each counts against the pace.
    posts: int = 1


class Transport(abc.ABC):
    """Turns an outgoing message into a real one (Slack, a console, a test double)."""

    @abc.abstractmethod
    def deliver(self, message: Outgoing) -> Delivered:
        """Send it, or raise TemporaryFailure / PermanentFailure."""

    def channel_of(self, message: Outgoing) -> str | None:
        """The conversation the message is posted to, when the receiver limits the pace
        of posts per conversation; None for what is not paced (edits, App Homes)."""
        return None


def backoff_seconds(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential back-off with full jitter between half and the whole step."""
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return float(step * (0.5 + rng() / 2))


class ThreadSide(StrEnum):
    """The two threads of a ticket in chat."""

    REPORTER = "reporter"  # the reporter's DM thread
    SUPPORT = "support"  # under the ticket's card in the support channel


# The reporter's first DM and the card in the support channel begin the ticket's two
# threads: where they landed is remembered, and what follows is said under them.
BEGINS_THREAD = {
    MessageKind.REPORTER_ROOT: ThreadSide.REPORTER,
    MessageKind.SUPPORT_POST: ThreadSide.SUPPORT,
}


@dataclass(frozen=True)
class Sent:
    """A message Slack took, and where it landed, not yet recorded."""

    message: Outgoing
    delivered: Delivered
    at: datetime
    begins: ThreadSide | None


class OutboxStore(abc.ABC):
    """The outbox as a delivery worker sees it. Each call is one committed transaction,
    so what a worker recorded survives its crash."""

    @abc.abstractmethod
    def claim(
        self,
        *,
        now: datetime,
        lease: timedelta,
        worker_id: str,
        batch_size: int,
        ready: Callable[[Outgoing, bool], bool] | None = None,
    ) -> tuple[list[Outgoing], int]:
        """Lease up to `batch_size` due messages to `worker_id` until `now + lease`,
        oldest first: pending, due, not leased to a worker now, and none of a ticket
        while an earlier message of that ticket is pending. A card update is pointless
        when a later one for the same card is waiting: it is marked superseded instead.
        With `ready`, each due message is shown to it with whether it must wait behind
        an earlier one of its ticket that is due now (then it is not leased, but its
        conversation waits behind it); one `ready` refuses (its conversation's pace) is
        passed over, not leased, and later ones are looked at in its place. A message whose last holder may have
        delivered it (it left it leased, or its attempt's answer was lost) comes back
        with `maybe_sent`. Returns the leased messages, with their ticket and threads as
        they are now, and how many were superseded."""

    @abc.abstractmethod
    def renew(self, message_ids: Collection[int], *, worker_id: str, until: datetime) -> set[int]:
        """Extend the worker's leases of these messages to `until`; returns those it
        still holds (pending, and no other worker claimed them since)."""

    @abc.abstractmethod
    def record_part(
        self, message_id: int, parts_delivered: int, ts: str | None, *, holder: str | None = None
    ) -> None:
        """How many parts of the message are out, and where the last of them landed
        (with `holder`: only while that worker holds the message)."""

    @abc.abstractmethod
    def record_sent(self, sent: Sequence[Sent], *, holder: str | None = None) -> set[int]:
        """These messages are sent, in one transaction: for each, count the attempt,
        end the lease, keep where it landed, and, if it `begins` one of its ticket's
        threads, where that thread is. A message gone meanwhile is passed over, and so,
        with `holder`, is one that worker no longer holds. Returns the ids recorded."""

    @abc.abstractmethod
    def retry_later(
        self,
        message_id: int,
        *,
        error: str,
        next_attempt: Callable[[int], datetime | None],
        maybe_sent: bool = False,
        holder: str | None = None,
        notice: FailureNotice | None = None,
    ) -> None:
        """Count the failed attempt, keep its error and end the lease. `next_attempt`
        is given the attempts made so far and says when to try again, or None to mark
        the message failed (then the `notice` is written with it, as by `mark_failed`).
        `maybe_sent`: the attempt may have been delivered, so the next claim says so.
        Nothing happens to a message that is gone, nor, with `holder`, to one that
        worker no longer holds."""

    @abc.abstractmethod
    def mark_failed(
        self,
        message_id: int,
        *,
        error: str,
        notice: FailureNotice | None = None,
        holder: str | None = None,
    ) -> None:
        """Count the attempt and mark the message failed for good, with the reason; in
        the same transaction, write the `notice` that tells people of it (to admins: one
        DM each, unless one about the same reason went to them within `ADMIN_NOTICE_QUIET`).
        With `holder`: only while that worker holds the message."""

    @abc.abstractmethod
    def release(self, message_id: int, worker_id: str, *, maybe_sent: bool = False) -> None:
        """End the worker's lease of a message it did not try: it is due again at once
        (`maybe_sent`: as it came, an earlier attempt may have been delivered)."""

    @abc.abstractmethod
    def health(self, *, now: datetime) -> OutboxHealth:
        """How many messages wait (and since when), and how many failed for good."""


@dataclass(frozen=True)
class FailedMessage:
    """A message that failed for good, as `flashticket doctor` lists it."""

    id: int
    kind: str
    ticket_id: int | None
    error: str | None
    attempts: int


@dataclass(frozen=True)
class Pace:
    """Posts per conversation: `burst` at once, then `per_second`."""

    burst: int = 4
    per_second: float = 1.0


# Slack: about one chat.postMessage per second per channel, short bursts allowed.
SLACK_PACE = Pace(burst=4, per_second=1.0)
# After a 429 the conversation waits a little longer than Retry-After, so the message
# that was refused (due again after exactly Retry-After) goes before the ones behind it.
RATE_LIMIT_MARGIN_SECONDS = 0.1


class ChannelPacer:
    """A token bucket per conversation; thread-safe, on a monotonic clock."""

    def __init__(self, pace: Pace, clock: Callable[[], float] = time.monotonic) -> None:
        self._pace = pace
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._updated: dict[str, float] = {}
        self._held_until: dict[str, float] = {}
        self._waiting: set[str] = set()
        # Fair turns in a busy conversation: the ticket served last, and the tickets
        # that wanted a turn in this claim and in the one before.
        self._served: dict[str, int | None] = {}
        self._wanting: dict[str, set[int | None]] = {}
        self._wanted: dict[str, set[int | None]] = {}

    def _refill(self, channel: str, now: float) -> float:
        tokens = self._tokens.get(channel, float(self._pace.burst))
        elapsed = max(0.0, now - self._updated.get(channel, now))
        tokens = min(float(self._pace.burst), tokens + elapsed * self._pace.per_second)
        self._tokens[channel], self._updated[channel] = tokens, now
        return tokens

    def ready(self, channel: str) -> bool:
        with self._lock:
            now = self._clock()
            ok = now >= self._held_until.get(channel, 0.0) and self._refill(channel, now) >= 1
            if ok:
                self._waiting.discard(channel)
            else:
                self._waiting.add(channel)
            return ok

    def take(self, channel: str, ticket: int | None = None, posts: int = 1) -> None:
        with self._lock:
            now = self._clock()
            self._tokens[channel] = self._refill(channel, now) - posts
            self._served[channel] = ticket
            self._wanting.get(channel, set()).discard(ticket)

    def new_claim(self) -> None:
        """A claim begins: who wanted a turn in the last one is remembered for this one."""
        with self._lock:
            self._wanted, self._wanting = self._wanting, {}

    def want(self, channel: str, ticket: int | None) -> None:
        """A message of `ticket` had to wait for `channel`."""
        with self._lock:
            self._wanting.setdefault(channel, set()).add(ticket)

    def yields(self, channel: str, ticket: int | None) -> bool:
        """The ticket had the conversation's last turn while another ticket waited for
        one: that other ticket goes first (one reporter's long replies never keep
        another person's new card waiting behind all of them)."""
        with self._lock:
            if ticket is None or self._served.get(channel) != ticket:
                return False
            return bool(self._wanted.get(channel, set()) - {ticket})

    def hold(self, channel: str, seconds: float) -> None:
        """The receiver said to wait (429 Retry-After): this conversation only."""
        with self._lock:
            now = self._clock()
            self._held_until[channel] = max(self._held_until.get(channel, 0.0), now + seconds)
            self._tokens[channel], self._updated[channel] = 0.0, now

    def next_ready_in(self) -> float | None:
        """Seconds until the first conversation with a message waiting can post again."""
        with self._lock:
            if not self._waiting:
                return None
            now = self._clock()
            waits = []
            for channel in self._waiting:
                tokens = self._refill(channel, now)
                refill = max(0.0, (1 - tokens) / self._pace.per_second)
                waits.append(max(refill, self._held_until.get(channel, 0.0) - now))
            return max(0.0, min(waits))


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
        # Renewed well before it runs out (seconds of real time, as the poll).
        self._renew_every = lease.total_seconds() / 3 if renew_every is None else renew_every
        # The messages this worker holds, and until when (as last written).
        self._held: dict[int, datetime] = {}
        self._held_lock = threading.Lock()
        self._pacer = ChannelPacer(pace, pace_clock) if pace is not None else None
        self._transport = transport
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self.worker_id = worker_id or uuid.uuid4().hex[:16]
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
        with self._keeping_leases([message.id for message in claimed], batch=True):
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
                if message.kind in ON_THE_SIDE:
                    handled += self._to_the_side(message)
                    continue
                channel = self._channel_of(message)
                if self._stopping.is_set() or (
                    channel is not None and not self._may_post(channel, held)
                ):
                    self._forget(message.id)
                    self._store.release(message.id, self.worker_id, maybe_sent=message.maybe_sent)
                    continue
                if not self._holds(message.id):
                    # Its lease ran out and another worker took it: that one sends it.
                    log.warning("outbox message %s: lease lost before sending; left", message.id)
                    handled += 1
                    continue
                if channel is not None and self._pacer is not None:
                    self._pacer.take(channel, message.ticket_id)
                self._deliver(message, channel, sent)
                handled += 1
                if sent and time.monotonic() - started > self._renew_every:
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
            self._forget(done.message.id)
            if done.message.id not in recorded:
                # Sent after another worker took it over: that one looks first (it
                # comes `maybe_sent`) and records what it finds.
                log.warning(
                    "outbox message %s: sent, but its lease had passed to another worker",
                    done.message.id,
                )
        metrics.count_delivery(DeliveryOutcome.SENT, len(recorded))

    # -- leases -------------------------------------------------------------

    def _forget(self, message_id: int) -> None:
        with self._held_lock:
            self._held.pop(message_id, None)

    def _holds(self, message_id: int) -> bool:
        """Whether this worker still holds the message; a lease with less than half of
        its time left is renewed first (and is lost if another worker took it)."""
        with self._held_lock:
            until = self._held.get(message_id)
        if until is None:
            return False
        if until - self._clock() > self._lease / 2:
            return True
        return message_id in self._renew([message_id])

    def _ensure_held(self, message_id: int) -> None:
        if not self._holds(message_id):
            raise LeaseLost(str(message_id))

    def _renew(self, message_ids: list[int]) -> set[int]:
        until = self._clock() + self._lease
        kept = self._store.renew(message_ids, worker_id=self.worker_id, until=until)
        with self._held_lock:
            for message_id in message_ids:
                if message_id not in self._held:
                    continue  # recorded meanwhile
                if message_id in kept:
                    self._held[message_id] = until
                else:
                    del self._held[message_id]
        return kept

    @contextlib.contextmanager
    def _keeping_leases(
        self, message_ids: Collection[int], *, batch: bool = False
    ) -> Iterator[None]:
        """While messages are delivered, their leases are renewed in the background, so
        a delivery that takes longer than the lease (a large file, a slow answer) keeps
        them from being claimed and sent again by another worker. At the end the worker
        lets go of them, but for files handed to the side thread, which keeps its own."""
        done = threading.Event()

        def keep() -> None:
            while not done.wait(self._renew_every):
                with self._held_lock:
                    held = [i for i in message_ids if i in self._held]
                if not held:
                    continue
                try:
                    self._renew(held)
                except Exception:
                    # The next renewal (or the check before a send) tries again.
                    log.exception("outbox leases could not be renewed")

        keeper = threading.Thread(target=keep, name="outbox-lease-keeper", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()
            with self._side_lock:
                # A batch's files go on being delivered on the side thread, which lets
                # go of each when it is through.
                on_the_side = set(self._on_the_side) if batch else set()
            with self._held_lock:
                for message_id in message_ids:
                    if message_id not in on_the_side:
                        self._held.pop(message_id, None)

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
            with self._keeping_leases([message.id]):
                if self._holds(message.id):
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

    def _readiness(self) -> Callable[[Outgoing, bool], bool]:
        """For one claim: a conversation takes its messages in order, so once one of
        them must wait (its pace, or an earlier message of its ticket that goes first),
        the later ones wait too."""
        closed: set[str] = set()
        stepped_aside: set[tuple[str, int | None]] = set()
        pacer = self._pacer
        assert pacer is not None
        pacer.new_claim()

        def ready(message: Outgoing, waiting: bool) -> bool:
            channel = self._channel_of(message)
            if channel is None:
                return not waiting
            if (channel, message.ticket_id) in stepped_aside:
                return False  # its ticket gave this turn away: the rest of it waits too
            if waiting or channel in closed or not pacer.ready(channel):
                closed.add(channel)
                pacer.want(channel, message.ticket_id)
                return False
            if pacer.yields(channel, message.ticket_id):
                # Passed over, not closed: another ticket's message takes this turn.
                stepped_aside.add((channel, message.ticket_id))
                pacer.want(channel, message.ticket_id)
                return False
            return True

        return ready

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
            ready=self._readiness() if self._pacer is not None else None,
        )
        with self._held_lock:
            self._held.update((message.id, now + self._lease) for message in claimed)
        # Each part is recorded as it goes out: a crash after part n repeats at most n + 1.
        outgoing = [
            replace(
                message,
                part_delivered=functools.partial(
                    self._store.record_part, message.id, holder=self.worker_id
                ),
                ensure_held=functools.partial(self._ensure_held, message.id),
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
            self._forget(message.id)
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
            self._forget(message.id)
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
            begins = BEGINS_THREAD.get(message.kind) if message.ticket_id is not None else None
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

        self._forget(message.id)
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
