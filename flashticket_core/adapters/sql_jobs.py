"""The periodic jobs' leases and purges in SQL, each in a write transaction of its own."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.tables import JobLease, OutboxMessage, ProcessedRequest
from flashticket_core.service_layer.jobs import JobStore
from flashticket_core.service_layer.outbox import MessageStatus


class SqlJobStore(JobStore):
    def __init__(self, database: Database) -> None:
        self._database = database

    def take_lease(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        with self._database.writer() as session:
            taken = session.execute(
                update(JobLease)
                .where(JobLease.name == name, (JobLease.until < now) | (JobLease.holder == holder))
                .values(holder=holder, until=until)
            )
            if getattr(taken, "rowcount", 0) == 1:
                session.commit()
                return True
            if session.get(JobLease, name) is not None:
                return False
            session.add(JobLease(name=name, holder=holder, until=until))
            try:
                session.commit()
            except IntegrityError:  # another replica created it at the same moment
                return False
            return True

    def release_lease(self, name: str, holder: str) -> None:
        with self._database.writer() as session:
            session.execute(
                delete(JobLease).where(JobLease.name == name, JobLease.holder == holder)
            )
            session.commit()

    def forget(
        self,
        *,
        request_keys_before: datetime,
        messages_before: datetime,
        message_statuses: Collection[MessageStatus],
    ) -> tuple[int, int]:
        with self._database.writer() as session:
            keys = session.execute(
                delete(ProcessedRequest).where(ProcessedRequest.at < request_keys_before)
            )
            messages = session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.status.in_([status.value for status in message_statuses]),
                    OutboxMessage.created_at < messages_before,
                )
            )
            session.commit()
        return int(getattr(keys, "rowcount", 0) or 0), int(getattr(messages, "rowcount", 0) or 0)
