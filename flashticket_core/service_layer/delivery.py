"""Delivering the outbox: claim due messages, hand them to a transport, record the outcome.

Guarantees:
- Messages of one ticket go out in the order they were written; a message waits while
  an earlier one of its ticket is still pending (in back-off or claimed elsewhere).
- A temporary failure (rate limit, 5xx, timeout, network) is retried with exponential
  back-off and jitter, never sooner than the server's Retry-After; after MAX_ATTEMPTS the
  message is marked failed and can be retried by an admin. A permanent failure is marked
  failed at once with the reason.
- Several workers (replicas) may run: a claim is a lease written in its own transaction
  (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time). A worker that
  dies mid-delivery leaves its lease to expire and another worker sends the message.
- The one window for a duplicate: the transport delivered, and the process died before
  the outcome was committed. Then the message is sent again after the lease expires.
"""

from __future__ import annotations

import abc
import functools
import json
import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.tables import OutboxMessage, TicketThread
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.outbox import MessageKind, MessageStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
LEASE = timedelta(seconds=30)


class TemporaryFailure(Exception):
    """Try again later; `retry_after` is the server's own wish, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Retrying will not help (unknown channel, revoked token); an admin must look."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TicketState:
    """The ticket as it is when the message goes out (a card always shows the latest)."""

    id: int
    title: str
    description: str
    status: str
    priority: str
    reporter_id: str
    assignee_id: str | None
    version: int
    deleted: bool
    deleted_by: str | None = None


@dataclass(frozen=True)
class Thread:
    reporter_channel: str | None = None
    reporter_ts: str | None = None
    support_channel: str | None = None
    support_ts: str | None = None


def _nowhere(parts_delivered: int) -> None:
    """Where a message handed to a transport outside a worker records its parts."""


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: MessageKind
    ticket_id: int | None
    payload: dict[str, Any]
    ticket: TicketState | None
    thread: Thread
    # A transport that sends a message in several parts starts at this one and calls
    # `part_delivered(n)` once part n is out, so a retry never repeats a part.
    parts_delivered: int = 0
    part_delivered: Callable[[int], None] = field(default=_nowhere, compare=False)


@dataclass(frozen=True)
class Delivered:
    channel: str | None = None
    ts: str | None = None


class Transport(abc.ABC):
    """Turns an outgoing message into a real one (Slack, a console, a test double)."""

    @abc.abstractmethod
    def deliver(self, message: Outgoing) -> Delivered:
        """Send it, or raise TemporaryFailure / PermanentFailure."""


def backoff_seconds(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential back-off with full jitter between half and the whole step."""
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return float(step * (0.5 + rng() / 2))


class DeliveryWorker:
    def __init__(
        self,
        database: Database,
        transport: Transport,
        *,
        clock: Callable[[], datetime],
        batch_size: int = 20,
        poll_interval: float = 2.0,
        worker_id: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._database = database
        self._lease = lease
        self._transport = transport
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self.worker_id = worker_id or uuid.uuid4().hex[:16]
        self._postgres = database.is_postgres
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

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

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._poll_interval)
            self._wake.clear()
            try:
                while not self._stopping.is_set() and self.run_once():
                    pass
            except Exception:
                # A database hiccup must not kill the worker; the next round retries.
                log.exception("outbox delivery round failed")

    # -- one round ----------------------------------------------------------

    def run_once(self) -> int:
        """Claim and deliver one batch; returns how many messages were handled."""
        claimed, superseded = self._claim()
        for message in claimed:
            if self._stopping.is_set():
                self._release(message.id)
                continue
            self._deliver(message)
        return len(claimed) + superseded

    def drain(self, rounds: int = 1000) -> int:
        """Deliver everything that is due now (tests and the console)."""
        handled = 0
        for _ in range(rounds):
            count = self.run_once()
            if not count:
                break
            handled += count
        return handled

    def _claim(self) -> tuple[list[Outgoing], int]:
        """Lease the next due message of each ticket; returns them and how many were skipped."""
        now = self._clock()
        earlier = aliased(OutboxMessage)
        blocked_by_earlier = exists().where(
            earlier.ticket_id == OutboxMessage.ticket_id,
            earlier.status == MessageStatus.PENDING.value,
            earlier.id < OutboxMessage.id,
        )
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == MessageStatus.PENDING.value,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                or_(OutboxMessage.ticket_id.is_(None), ~blocked_by_earlier),
            )
            .order_by(OutboxMessage.id)
            .limit(self._batch_size)
        )
        if self._postgres:
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        with self._database.writer() as session:
            rows = list(session.scalars(query))
            outgoing = []
            superseded = 0
            for row in rows:
                if self._superseded(session, row):
                    row.status = MessageStatus.SUPERSEDED.value
                    superseded += 1
                    continue
                row.claimed_until = now + self._lease
                row.claimed_by = self.worker_id
                outgoing.append(self._outgoing(session, row, self._record_part))
            session.commit()
        return outgoing, superseded

    @staticmethod
    def _superseded(session: Session, row: OutboxMessage) -> bool:
        """A card update is pointless when a later one for the same card is waiting."""
        if row.kind != MessageKind.SUPPORT_UPDATE.value:
            return False
        later = select(OutboxMessage.id).where(
            OutboxMessage.ticket_id == row.ticket_id,
            OutboxMessage.kind == MessageKind.SUPPORT_UPDATE.value,
            OutboxMessage.status == MessageStatus.PENDING.value,
            OutboxMessage.id > row.id,
        )
        return session.scalar(later.limit(1)) is not None

    @staticmethod
    def _outgoing(
        session: Session, row: OutboxMessage, record_part: Callable[[int, int], None]
    ) -> Outgoing:
        state: TicketState | None = None
        thread = Thread()
        if row.ticket_id is not None:
            ticket = session.get(Ticket, row.ticket_id)
            if ticket is not None:
                state = TicketState(
                    id=ticket.id,
                    title=ticket.title,
                    description=ticket.description,
                    status=ticket.status.value,
                    priority=ticket.priority.value,
                    reporter_id=ticket.reporter_id,
                    assignee_id=ticket.assignee_id,
                    version=ticket.version,
                    deleted=ticket.deleted_at is not None,
                    deleted_by=ticket.deleted_by,
                )
            refs = session.get(TicketThread, row.ticket_id)
            if refs is not None:
                thread = Thread(
                    reporter_channel=refs.reporter_channel,
                    reporter_ts=refs.reporter_ts,
                    support_channel=refs.support_channel,
                    support_ts=refs.support_ts,
                )
        return Outgoing(
            id=row.id,
            kind=MessageKind(row.kind),
            ticket_id=row.ticket_id,
            payload=json.loads(row.payload),
            ticket=state,
            thread=thread,
            parts_delivered=row.parts_delivered,
            part_delivered=functools.partial(record_part, row.id),
        )

    def _record_part(self, message_id: int, parts_delivered: int) -> None:
        """Committed at once: a crash after part n repeats at most part n + 1."""
        with self._database.writer() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(parts_delivered=parts_delivered)
            )
            session.commit()

    def _deliver(self, message: Outgoing) -> None:
        try:
            delivered = self._transport.deliver(message)
        except TemporaryFailure as failure:
            self._retry_later(message, failure)
        except PermanentFailure as failure:
            log.error(
                "outbox message %s (%s, ticket %s) failed for good: %s",
                message.id,
                message.kind,
                message.ticket_id,
                failure.reason,
            )
            self._finish(message.id, MessageStatus.FAILED, error=failure.reason)
        except Exception as error:
            # A bug in rendering is not a reason to lose the message: retry, and log it.
            log.exception("outbox message %s raised unexpectedly", message.id)
            self._retry_later(message, TemporaryFailure(f"unexpected: {type(error).__name__}"))
        else:
            self._record_delivery(message, delivered)

    def _retry_later(self, message: Outgoing, failure: TemporaryFailure) -> None:
        with self._database.writer() as session:
            row = session.get(OutboxMessage, message.id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = failure.reason[:500]
            row.claimed_until = None
            row.claimed_by = None
            if row.attempts >= MAX_ATTEMPTS:
                row.status = MessageStatus.FAILED.value
                log.error("outbox message %s gave up after %s attempts", row.id, row.attempts)
            else:
                delay = backoff_seconds(row.attempts)
                if failure.retry_after is not None:
                    delay = max(delay, failure.retry_after)
                row.next_attempt_at = self._clock() + timedelta(seconds=delay)
                log.warning(
                    "outbox message %s: %s; retry %s in %.1fs",
                    row.id,
                    failure.reason,
                    row.attempts,
                    delay,
                )
            session.commit()

    def _record_delivery(self, message: Outgoing, delivered: Delivered) -> None:
        with self._database.writer() as session:
            row = session.get(OutboxMessage, message.id)
            if row is None:
                return
            row.status = MessageStatus.SENT.value
            row.sent_at = self._clock()
            row.attempts += 1
            row.claimed_until = None
            row.result_channel = delivered.channel
            row.result_ts = delivered.ts
            if message.ticket_id is not None and message.kind in (
                MessageKind.SUPPORT_POST,
                MessageKind.REPORTER_ROOT,
            ):
                self._remember_thread(session, message, delivered)
            session.commit()

    @staticmethod
    def _remember_thread(session: Session, message: Outgoing, delivered: Delivered) -> None:
        assert message.ticket_id is not None
        refs = session.get(TicketThread, message.ticket_id)
        if refs is None:
            refs = TicketThread(ticket_id=message.ticket_id)
            session.add(refs)
        if message.kind is MessageKind.SUPPORT_POST:
            refs.support_channel, refs.support_ts = delivered.channel, delivered.ts
        else:
            refs.reporter_channel, refs.reporter_ts = delivered.channel, delivered.ts

    def _finish(self, message_id: int, status: MessageStatus, *, error: str) -> None:
        with self._database.writer() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(
                    status=status.value,
                    last_error=error[:500],
                    claimed_until=None,
                    attempts=OutboxMessage.attempts + 1,
                )
            )
            session.commit()

    def _release(self, message_id: int) -> None:
        with self._database.writer() as session:
            session.execute(
                update(OutboxMessage)
                .where(
                    and_(OutboxMessage.id == message_id, OutboxMessage.claimed_by == self.worker_id)
                )
                .values(claimed_until=None, claimed_by=None)
            )
            session.commit()
