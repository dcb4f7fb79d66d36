"""The morning digest's reads and its once-a-day record in SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.sql_outbox import SqlMessageQueue
from flashticket_core.adapters.tables import DigestSent
from flashticket_core.domain.enums import OPEN_STATUSES, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.digest import Digest, DigestStore, DigestTicket
from flashticket_core.service_layer.outbox import NewMessage

_COLUMNS = (
    Ticket.id,
    Ticket.title,
    Ticket.priority,
    Ticket.status,
    Ticket.assignee_id,
    Ticket.created_at,
)


class SqlDigestStore(DigestStore):
    def __init__(self, database: Database) -> None:
        self._database = database

    def sent_on(self, day: date) -> bool:
        with self._database.reading() as session:
            return session.get(DigestSent, day) is not None

    def read(self, day: date, *, top: int) -> Digest:
        live_open = (Ticket.deleted_at.is_(None), Ticket.status.in_(OPEN_STATUSES))
        with self._database.reading() as session:
            open_count, unassigned, waiting = session.execute(
                select(
                    func.count(),
                    func.count().filter(Ticket.assignee_id.is_(None)),
                    func.count().filter(Ticket.status == Status.WAITING),
                ).where(*live_open)
            ).one()
            oldest_waiting = session.execute(
                select(*_COLUMNS)
                .where(Ticket.deleted_at.is_(None), Ticket.status == Status.WAITING)
                .order_by(Ticket.created_at, Ticket.id)
                .limit(top)
            ).all()
            # The open queue's own order: unassigned first, new first, by priority, age.
            top_open = session.execute(
                select(*_COLUMNS)
                .where(Ticket.queue_rank.is_not(None))
                .order_by(Ticket.queue_rank, Ticket.created_at, Ticket.id)
                .limit(top)
            ).all()
        return Digest(
            day=day,
            open=int(open_count),
            unassigned=int(unassigned),
            waiting=int(waiting),
            oldest_waiting=tuple(DigestTicket(*row) for row in oldest_waiting),
            top_open=tuple(DigestTicket(*row) for row in top_open),
        )

    def record(self, day: date, message: NewMessage) -> bool:
        with self._database.writer() as session:
            if session.get(DigestSent, day) is not None:
                return False
            try:
                session.execute(insert(DigestSent).values(day=day, sent_at=message.created_at))
                SqlMessageQueue(session).add([message])
                session.commit()
            except IntegrityError:  # another replica recorded the day at the same moment
                session.rollback()
                return False
        return True
