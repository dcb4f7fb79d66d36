"""The morning digest's reads and its once-a-day record per team in SQL. A team's digest
reads its tickets through the indexes that begin with the team; a desk of one
team reads every ticket."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.sql_outbox import SqlMessageQueue
from flashticket_core.adapters.tables import DigestSent, TicketTarget
from flashticket_core.domain.enums import OPEN_STATUSES, Status
from flashticket_core.domain.model import DEFAULT_TEAM_ID, Ticket
from flashticket_core.service_layer.digest import (
    Digest,
    DigestAddition,
    DigestStore,
    DigestTicket,
)
from flashticket_core.service_layer.outbox import NewMessage

_COLUMNS = (
    Ticket.id,
    Ticket.title,
    Ticket.priority,
    Ticket.status,
    Ticket.assignee_id,
    Ticket.created_at,
)


def _of_team(team: str | None) -> tuple[ColumnElement[bool], ...]:
    return () if team is None else (Ticket.team_id == team,)


class SqlDigestStore(DigestStore):
    """Each team's digest counts that team's tickets alone, for its own channel: a
    private team's tickets are told only to it (without a desk file, the one team's)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def sent_on(self, day: date, team: str = DEFAULT_TEAM_ID) -> bool:
        with self._database.reading() as session:
            return session.get(DigestSent, (day, team)) is not None

    def read(
        self, day: date, *, top: int, team: str = DEFAULT_TEAM_ID, of_team: bool = False
    ) -> Digest:
        counted = _of_team(team if of_team else None)
        live_open = (*counted, Ticket.deleted_at.is_(None), Ticket.status.in_(OPEN_STATUSES))
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
                .where(*counted, Ticket.deleted_at.is_(None), Ticket.status == Status.WAITING)
                .order_by(Ticket.created_at, Ticket.id)
                .limit(top)
            ).all()
            # The open queue's own order: unassigned first, new first, by priority, age.
            top_open = session.execute(
                select(*_COLUMNS)
                .where(*counted, Ticket.queue_rank.is_not(None))
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
            team=team,
            of_team=of_team,
        )

    def record(self, day: date, message: NewMessage, team: str = DEFAULT_TEAM_ID) -> bool:
        with self._database.writer() as session:
            if session.get(DigestSent, (day, team)) is not None:
                return False
            try:
                session.execute(
                    insert(DigestSent).values(day=day, team_id=team, sent_at=message.created_at)
                )
                SqlMessageQueue(session).add([message])
                session.commit()
            except IntegrityError:  # another replica recorded the day at the same moment
                session.rollback()
                return False
        return True


def targets_in_digest(database: Database, zone: ZoneInfo, *, top: int = 5) -> DigestAddition:
    """The digest's counts that only the targets know: open tickets with a target missed
    (and not met since), and those with a target due before the local day ends."""

    def add(digest: Digest, now: datetime) -> Digest:
        day_ends = datetime.combine(digest.day + timedelta(days=1), time(0), zone)
        unmet = (TicketTarget.ticket_id == Ticket.id, TicketTarget.met_at.is_(None))
        breached = exists().where(*unmet, or_(TicketTarget.breached, TicketTarget.due_at <= now))
        due_today = exists().where(
            *unmet,
            TicketTarget.due_at > now,
            TicketTarget.due_at < day_ends.astimezone(UTC),
        )
        live_open = (
            *_of_team(digest.team_filter),
            Ticket.deleted_at.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
        )
        with database.reading() as session:
            counts = session.execute(
                select(
                    func.count().filter(breached), func.count().filter(due_today, ~breached)
                ).where(*live_open)
            ).one()
            lists = [
                session.execute(
                    select(*_COLUMNS)
                    .where(*live_open, *condition)
                    .order_by(Ticket.queue_rank, Ticket.created_at, Ticket.id)
                    .limit(top)
                ).all()
                for condition in ((breached,), (due_today, ~breached))
            ]
        return replace(
            digest,
            breached=int(counts[0]),
            due_today=int(counts[1]),
            breached_tickets=tuple(DigestTicket(*row) for row in lists[0]),
            due_today_tickets=tuple(DigestTicket(*row) for row in lists[1]),
        )

    return add
