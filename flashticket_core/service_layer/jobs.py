"""Periodic housekeeping, run by APScheduler in every replica but done by one at a time.

A job takes a lease row in the database before it works; another replica that finds an
unexpired lease held by someone else skips that round. The jobs reach the database
through `JobStore` (SQL in `adapters/sql_jobs.py`).
"""

from __future__ import annotations

import abc
import logging
import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from flashticket_core.service_layer.outbox import MessageStatus

log = logging.getLogger(__name__)

KEEP_REQUEST_KEYS = timedelta(days=7)  # Slack retries events for minutes, not days
KEEP_SENT_MESSAGES = timedelta(days=30)
# Messages that are done with: delivered, made pointless by a later one, or cancelled.
FINISHED_MESSAGES = (MessageStatus.SENT, MessageStatus.SUPERSEDED, MessageStatus.CANCELLED)


class JobStore(abc.ABC):
    """What the periodic jobs read and write; each call is one committed transaction."""

    @abc.abstractmethod
    def take_lease(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        """Give the job's lease to `holder` until `until`, or renew it; False if another
        holder's lease runs past `now` (or another replica took it at the same moment)."""

    @abc.abstractmethod
    def release_lease(self, name: str, holder: str) -> None:
        """End `holder`'s lease now, if it holds it (a replica shutting down)."""

    @abc.abstractmethod
    def forget(
        self,
        *,
        request_keys_before: datetime,
        messages_before: datetime,
        message_statuses: Collection[MessageStatus],
    ) -> tuple[int, int]:
        """Delete the idempotency keys recorded before `request_keys_before` and the
        messages of `message_statuses` created before `messages_before`; returns how
        many keys and how many messages."""


class Leases:
    def __init__(
        self, store: JobStore, *, clock: Callable[[], datetime], holder: str | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self.holder = holder or uuid.uuid4().hex[:16]

    def acquire(self, name: str, duration: timedelta) -> bool:
        """Take or renew the lease; False if another holder's lease is still running."""
        now = self._clock()
        return self._store.take_lease(name, self.holder, now=now, until=now + duration)

    def release(self, name: str) -> None:
        """Give the lease up, so another replica need not wait for it to run out."""
        self._store.release_lease(name, self.holder)


def purge_old_rows(store: JobStore, *, now: datetime) -> tuple[int, int]:
    """Forget idempotency keys and delivered messages nobody needs any more."""
    return store.forget(
        request_keys_before=now - KEEP_REQUEST_KEYS,
        messages_before=now - KEEP_SENT_MESSAGES,
        message_statuses=FINISHED_MESSAGES,
    )


def housekeeping(store: JobStore, leases: Leases, clock: Callable[[], datetime]) -> bool:
    """One round of the periodic job; True if this replica did the work."""
    if not leases.acquire("housekeeping", timedelta(minutes=10)):
        return False
    keys, messages = purge_old_rows(store, now=clock())
    if keys or messages:
        log.info("housekeeping: forgot %s request keys and %s delivered messages", keys, messages)
    return True
