"""The read side's answers in SQL, one read transaction per `Reads`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.search import Term
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import RoleAssignment, Ticket
from flashticket_core.service_layer import dashboard, export, views
from flashticket_core.service_layer.reads import Reads, ReadsFactory


class SqlReads(Reads):
    def __init__(self, session: Session) -> None:
        self.session = session

    def role_of(self, user_id: str) -> Role:
        assignment = self.session.get(RoleAssignment, user_id)
        return Role.USER if assignment is None else assignment.role

    def role_assignments(self) -> list[RoleAssignment]:
        return list(self.session.scalars(select(RoleAssignment).order_by(RoleAssignment.user_id)))

    def role_changes(self, user_id: str | None) -> list[views.Change]:
        return views.role_changes(self.session, user_id)

    def _live_ticket(self, ticket_id: int) -> Ticket | None:
        ticket = self.session.get(Ticket, ticket_id)
        return None if ticket is None or ticket.deleted_at is not None else ticket

    def ticket(self, ticket_id: int) -> views.TicketSummary | None:
        ticket = self._live_ticket(ticket_id)
        return None if ticket is None else views.TicketSummary.of(ticket)

    def ticket_detail(self, ticket_id: int, *, include_internal: bool) -> views.TicketDetail:
        ticket = self._live_ticket(ticket_id)
        assert ticket is not None, "asked for the detail of a ticket the caller did not see"
        return views.ticket_detail(self.session, ticket, include_internal=include_internal)

    def tickets(
        self,
        *,
        reporter_id: str | None,
        assignee_id: str | None,
        statuses: frozenset[Status] | None,
        priority: Priority | None,
        newest_first: bool,
        limit: int,
        offset: int,
    ) -> views.Page:
        return views.list_tickets(
            self.session,
            reporter_id=reporter_id,
            assignee_id=assignee_id,
            statuses=statuses,
            priority=priority,
            newest_first=newest_first,
            limit=limit,
            offset=offset,
        )

    def search(
        self, terms: list[Term], *, reporter_id: str | None, limit: int
    ) -> list[views.TicketSummary]:
        return views.search_tickets(self.session, terms, reporter_id=reporter_id, limit=limit)

    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None:
        return views.ticket_of_reporter_thread(self.session, channel, thread_ts)

    def ticket_of_support_post(self, channel: str, ts: str) -> int | None:
        return views.ticket_of_support_post(self.session, channel, ts)

    def undelivered(self, *, limit: int) -> list[views.Undelivered]:
        return views.undelivered(self.session, limit=limit)

    def home(
        self, *, user_id: str, is_support: bool, now: datetime, zone: ZoneInfo, limit: int
    ) -> views.Home:
        return views.home(
            self.session, user_id=user_id, is_support=is_support, now=now, zone=zone, limit=limit
        )

    def statistics(self, *, now: datetime, days: int, zone: ZoneInfo) -> dashboard.Statistics:
        return dashboard.statistics(self.session, now=now, days=days, zone=zone)

    def export_rows(self, *, since: datetime | None, until: datetime | None) -> Iterator[list[str]]:
        return export.ticket_rows(self.session, since=since, until=until)


def reads_from(database: Database) -> ReadsFactory:
    """Each call opens one read transaction on `database`."""

    @contextmanager
    def reading() -> Iterator[Reads]:
        with database.reading() as session:
            yield SqlReads(session)

    return reading
