"""Periodic housekeeping, run by APScheduler in every replica but done by one at a time.

A job takes a lease row in the database before it works; another replica that finds an
unexpired lease held by someone else skips that round.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.tables import JobLease, OutboxMessage, ProcessedRequest
from flashticket_core.service_layer.outbox import MessageStatus

log = logging.getLogger(__name__)

KEEP_REQUEST_KEYS = timedelta(days=7)  # Slack retries events for minutes, not days
KEEP_SENT_MESSAGES = timedelta(days=30)


class Leases:
    def __init__(
        self, database: Database, *, clock: Callable[[], datetime], holder: str | None = None
    ) -> None:
        self._database = database
        self._clock = clock
        self.holder = holder or uuid.uuid4().hex[:16]

    def acquire(self, name: str, duration: timedelta) -> bool:
        """Take or renew the lease; False if another holder's lease is still running."""
        now = self._clock()
        with self._database.writer() as session:
            taken = session.execute(
                update(JobLease)
                .where(
                    JobLease.name == name,
                    (JobLease.until < now) | (JobLease.holder == self.holder),
                )
                .values(holder=self.holder, until=now + duration)
            )
            if getattr(taken, "rowcount", 0) == 1:
                session.commit()
                return True
            if session.get(JobLease, name) is not None:
                return False
            session.add(JobLease(name=name, holder=self.holder, until=now + duration))
            try:
                session.commit()
            except IntegrityError:  # another replica created it at the same moment
                return False
            return True


def purge_old_rows(database: Database, *, now: datetime) -> tuple[int, int]:
    """Forget idempotency keys and delivered messages nobody needs any more."""
    with database.writer() as session:
        keys = session.execute(
            delete(ProcessedRequest).where(ProcessedRequest.at < now - KEEP_REQUEST_KEYS)
        )
        messages = session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(
                    [
                        MessageStatus.SENT.value,
                        MessageStatus.SUPERSEDED.value,
                        MessageStatus.CANCELLED.value,
                    ]
                ),
                OutboxMessage.created_at < now - KEEP_SENT_MESSAGES,
            )
        )
        session.commit()
    return int(getattr(keys, "rowcount", 0) or 0), int(getattr(messages, "rowcount", 0) or 0)


def housekeeping(database: Database, leases: Leases, clock: Callable[[], datetime]) -> bool:
    """One round of the periodic job; True if this replica did the work."""
    if not leases.acquire("housekeeping", timedelta(minutes=10)):
        return False
    keys, messages = purge_old_rows(database, now=clock())
    if keys or messages:
        log.info("housekeeping: forgot %s request keys and %s delivered messages", keys, messages)
    return True
