"""The outbox as the delivery worker sees it, in SQL (`OutboxStore`): claims and
outcomes, each in a write transaction of its own. What a claimed message carries (its
ticket, threads, copy) is read by `adapters/sql_outgoing.py`."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.sql_outbox import OUTBOX
from flashticket_core.adapters.sql_outgoing import TicketsOf, listed_ids, outgoing, remember_thread
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import RoleAssignment
from flashticket_core.metrics import OutboxHealth
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import (
    ADMIN_NOTICE_QUIET,
    FailedMessage,
    FailureNotice,
    OutboxStore,
    Sent,
)
from flashticket_core.service_layer.outbox import (
    MessageKind,
    MessageStatus,
    kinds_where,
)

# Paced claims look at this many times the batch for messages whose conversation is ready.
PACED_LOOKAHEAD = 10
# Kinds delivered on the worker's side thread (files), and those a later one of the same
# kind for the same ticket makes pointless (the card's updates).
ON_THE_SIDE = sorted(kind.value for kind in kinds_where(lambda plan: plan.on_the_side))
SUPERSEDED_BY_LATER = frozenset(
    kind.value for kind in kinds_where(lambda plan: plan.superseded_by_later)
)


class SqlOutboxStore(OutboxStore):
    """`admins`: the configured admins (FLASHTICKET_ADMINS), told with the stored ones
    when a message fails for good where no card can say so."""

    def __init__(self, database: Database, *, admins: Collection[str] = ()) -> None:
        self._database = database
        self._postgres = database.is_postgres
        self._admins = frozenset(admins)

    def claim(
        self,
        *,
        now: datetime,
        lease: timedelta,
        worker_id: str,
        batch_size: int,
        ready: Callable[[Outgoing, bool], bool] | None = None,
    ) -> tuple[list[Outgoing], int]:
        earlier = aliased(OutboxMessage)
        # A file waits behind the ticket's messages (its thread must be there) and the
        # ticket's earlier files. What follows a file waits for its first attempt, so
        # the file stays next to the reply it came with; once it failed and waits for
        # its retry, nothing of its ticket waits behind it.
        holds_back = or_(
            earlier.kind.not_in(ON_THE_SIDE),
            OutboxMessage.kind.in_(ON_THE_SIDE),
            earlier.attempts == 0,
        )
        blocked_by_earlier = exists().where(
            earlier.ticket_id == OutboxMessage.ticket_id,
            earlier.status == MessageStatus.PENDING.value,
            earlier.id < OutboxMessage.id,
            holds_back,
        )
        due_earlier = exists().where(
            earlier.ticket_id == OutboxMessage.ticket_id,
            earlier.status == MessageStatus.PENDING.value,
            earlier.id < OutboxMessage.id,
            earlier.next_attempt_at <= now,
            holds_back,
        )
        conditions = [
            OutboxMessage.status == MessageStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        ]
        if ready is None:
            conditions.append(or_(OutboxMessage.ticket_id.is_(None), ~blocked_by_earlier))
            query = select(OutboxMessage, literal(False), literal(False)).limit(batch_size)
        else:
            # Paced: a message behind an earlier one of its ticket that is due now is
            # shown to `ready` too, so its conversation keeps its order; and the search
            # looks further, so a busy channel's queue does not fill the batch.
            query = select(
                OutboxMessage,
                and_(OutboxMessage.ticket_id.is_not(None), blocked_by_earlier),
                and_(OutboxMessage.ticket_id.is_not(None), due_earlier),
            ).limit(batch_size * PACED_LOOKAHEAD)
        query = query.where(*conditions).order_by(OutboxMessage.id)
        if self._postgres:
            # Replicas claiming at once each skip the rows another is claiming.
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        with self._database.writer() as session:
            rows = list(session.execute(query))
            # What the messages need of their tickets, in three queries for the batch
            # (inside the write transaction: on SQLite every statement here holds up
            # the requests' writes).
            needed = {r.ticket_id for r, _, _ in rows if r.ticket_id}
            needed |= {i for r, _, _ in rows for i in listed_ids(r)}
            tickets = TicketsOf(session, needed)
            claimed: list[Outgoing] = []
            superseded = 0
            for row, blocked, behind_due in rows:
                if len(claimed) >= batch_size:
                    break
                if blocked:
                    if behind_due and ready is not None:
                        ready(outgoing(session, row, tickets), True)
                    continue
                if _superseded(session, row):
                    row.status = MessageStatus.SUPERSEDED.value
                    superseded += 1
                    continue
                message = outgoing(session, row, tickets)
                if ready is not None and not ready(message, False):
                    continue
                # A holder is still named: it left the message leased (it died), or
                # its attempt may have been delivered (the answer was lost).
                message = replace(message, maybe_sent=row.claimed_by is not None)
                row.claimed_until = now + lease
                row.claimed_by = worker_id
                claimed.append(message)
            session.commit()
        return claimed, superseded

    def renew(self, message_ids: Collection[int], *, worker_id: str, until: datetime) -> set[int]:
        held = and_(
            OutboxMessage.id.in_(sorted(message_ids)),
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.status == MessageStatus.PENDING.value,
        )
        with self._database.writer() as session:
            session.execute(update(OutboxMessage).where(held).values(claimed_until=until))
            kept = set(session.scalars(select(OutboxMessage.id).where(held)))
            session.commit()
        return kept

    def record_part(
        self, message_id: int, parts_delivered: int, ts: str | None, *, holder: str | None = None
    ) -> None:
        with self._database.writer() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None or (holder is not None and row.claimed_by != holder):
                return
            row.parts_delivered = parts_delivered
            if ts is not None:
                row.part_ts = f"{row.part_ts} {ts}" if row.part_ts else ts
            session.commit()

    def record_sent(self, sent: Sequence[Sent], *, holder: str | None = None) -> set[int]:
        # One executemany UPDATE for the batch, not each row loaded and flushed: the
        # worker's most frequent write.
        rows = [
            {
                "message_id": s.message.id,
                "sent_at": s.at,
                "result_channel": s.delivered.channel,
                "result_ts": s.delivered.ts,
            }
            for s in sent
        ]
        table = OUTBOX
        ids = [s.message.id for s in sent]
        mine = table.c.status == MessageStatus.PENDING.value
        if holder is not None:
            mine = and_(mine, table.c.claimed_by == holder)
        with self._database.writer() as session:
            # Which of them this worker still holds, read inside the write transaction
            # (on PostgreSQL locked, so no claim slips in before the update).
            query = select(table.c.id).where(table.c.id.in_(ids), mine)
            if self._postgres:
                query = query.with_for_update()
            recorded = set(session.scalars(query))
            rows = [row for row in rows if row["message_id"] in recorded]
            if not rows:
                session.commit()
                return recorded
            session.execute(
                update(table)
                .where(table.c.id == bindparam("message_id"))
                .values(
                    status=MessageStatus.SENT.value,
                    sent_at=bindparam("sent_at"),
                    attempts=table.c.attempts + 1,
                    claimed_until=None,
                    result_channel=bindparam("result_channel"),
                    result_ts=bindparam("result_ts"),
                ),
                rows,
            )
            beginning = {
                s.message.id: (s.message.ticket_id, s.begins, s.delivered, s.message.payload)
                for s in sent
                if s.begins is not None
                and s.message.ticket_id is not None
                and s.message.id in recorded
            }
            if beginning:
                # A thread is remembered only for a message still there (not deleted
                # with its ticket meanwhile).
                present = session.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.id.in_(list(beginning)))
                )
                for message_id in sorted(present):
                    ticket_id, side, delivered, payload = beginning[message_id]
                    remember_thread(session, ticket_id, side, delivered, payload)
            session.commit()
        return recorded

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
        with self._database.writer() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None or (holder is not None and row.claimed_by != holder):
                return
            row.attempts += 1
            row.last_error = error[:500]
            row.claimed_until = None
            if not maybe_sent:
                row.claimed_by = None  # nobody may have delivered it: nothing to look for
            when = next_attempt(row.attempts)
            if when is None:
                row.status = MessageStatus.FAILED.value
                rows = self._notices(session, notice) if notice is not None else []
                if rows:
                    session.execute(insert(OUTBOX), rows)
            else:
                row.next_attempt_at = when
            session.commit()

    def mark_failed(
        self,
        message_id: int,
        *,
        error: str,
        notice: FailureNotice | None = None,
        holder: str | None = None,
    ) -> None:
        held = [] if holder is None else [OutboxMessage.claimed_by == holder]
        with self._database.writer() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == MessageStatus.PENDING.value,
                    *held,
                )
                .values(
                    status=MessageStatus.FAILED.value,
                    last_error=error[:500],
                    claimed_until=None,
                    attempts=OutboxMessage.attempts + 1,
                )
            )
            # Told once: only by the attempt that marked it failed.
            if notice is not None and int(getattr(result, "rowcount", 0) or 0):
                rows = self._notices(session, notice)
                if rows:
                    session.execute(insert(OUTBOX), rows)
            session.commit()

    def _notices(self, session: Session, notice: FailureNotice) -> list[dict[str, Any]]:
        about = {"failed": notice.failed_id, "kind": notice.failed_kind, "error": notice.error}
        row = {
            "kind": MessageKind.DELIVERY_NOTICE.value,
            "status": MessageStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": notice.at,
            "created_at": notice.at,
        }
        if not notice.to_admins:
            return [row | {"ticket_id": notice.ticket_id, "payload": json.dumps(about)}]
        admins = self._admins | set(
            session.scalars(select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN))
        )
        # One DM per admin and reason while the last one is recent: a support channel
        # that is archived fails every card, and the admins need to hear it once.
        told = {
            (recipient, json.loads(payload).get("error"))
            for recipient, payload in session.execute(
                select(OutboxMessage.recipient, OutboxMessage.payload).where(
                    OutboxMessage.kind == MessageKind.DELIVERY_NOTICE.value,
                    OutboxMessage.recipient.in_(sorted(admins)),
                    OutboxMessage.created_at >= notice.at - ADMIN_NOTICE_QUIET,
                )
            )
        }
        return [
            row
            | {
                "ticket_id": None,
                "recipient": admin,
                "payload": json.dumps(about | {"user": admin, "ticket": notice.ticket_id}),
            }
            for admin in sorted(admins)
            if (admin, notice.error) not in told
        ]

    def release(self, message_id: int, worker_id: str, *, maybe_sent: bool = False) -> None:
        with self._database.writer() as session:
            # A message that came maybe sent keeps a holder named, so it still looks first.
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker_id)
                .values(claimed_until=None, claimed_by=worker_id if maybe_sent else None)
            )
            session.commit()

    def health(self, *, now: datetime) -> OutboxHealth:
        pending = OutboxMessage.status == MessageStatus.PENDING.value
        with self._database.reading() as session:
            count, oldest = session.execute(
                select(func.count(), func.min(OutboxMessage.created_at)).where(pending)
            ).one()
            failed = session.scalar(
                select(func.count()).where(OutboxMessage.status == MessageStatus.FAILED.value)
            )
        age = 0.0
        if oldest is not None:
            if oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=UTC)
            age = max(0.0, (now - oldest).total_seconds())
        return OutboxHealth(
            pending=int(count), oldest_pending_age_seconds=age, failed=int(failed or 0)
        )

    def failed_messages(self, *, limit: int) -> list[FailedMessage]:
        """The newest messages that failed for good, with Slack's reason."""
        with self._database.reading() as session:
            rows = session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.kind,
                    OutboxMessage.ticket_id,
                    OutboxMessage.last_error,
                    OutboxMessage.attempts,
                )
                .where(OutboxMessage.status == MessageStatus.FAILED.value)
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
            return [FailedMessage(*row) for row in rows]


def _superseded(session: Session, row: OutboxMessage) -> bool:
    """A card update is pointless when a later one for the same card is waiting."""
    if row.kind not in SUPERSEDED_BY_LATER:
        return False
    later = select(OutboxMessage.id).where(
        OutboxMessage.ticket_id == row.ticket_id,
        OutboxMessage.kind == row.kind,
        OutboxMessage.status == MessageStatus.PENDING.value,
        OutboxMessage.id > row.id,
    )
    return session.scalar(later.limit(1)) is not None
