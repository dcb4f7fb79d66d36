"""The read side's answers in SQL, one read transaction per `Reads`: the read models of
`service_layer/views.py` filled from the tables, never through the aggregate's rules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from flashticket_core.adapters import search, sql_export
from flashticket_core.adapters.db import Database
from flashticket_core.adapters.sql_approval_figures import approval_figures
from flashticket_core.adapters.sql_assignment import assignment_figures
from flashticket_core.adapters.sql_dashboard import count_live
from flashticket_core.adapters.sql_queue import sorted_page, stored_view
from flashticket_core.adapters.sql_role_reads import SqlPeopleReads
from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.adapters.sql_team_tallies import team_tallies
from flashticket_core.adapters.sql_ticket_rows import (
    fields_of,
    files_of,
    having_fields,
    searched_fields,
)
from flashticket_core.adapters.sql_ticket_rows import followers_of as followers
from flashticket_core.adapters.sql_timers import targets_of, ticket_targets
from flashticket_core.adapters.tables import OutboxMessage, TicketThread
from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import OPEN_STATUSES, EntryKind, Priority, Status
from flashticket_core.domain.model import (
    ConversationEntry,
    HistoryEntry,
    Ticket,
)
from flashticket_core.domain.permissions import EVERY_TEAM, TeamScope
from flashticket_core.service_layer import dashboard
from flashticket_core.service_layer.assignment_book import AssignmentFigures
from flashticket_core.service_layer.export import ExportedTicket
from flashticket_core.service_layer.outbox import MessageStatus
from flashticket_core.service_layer.queue_view import QueueSort, QueueView
from flashticket_core.service_layer.reads import Reads, ReadsFactory
from flashticket_core.service_layer.search_terms import FieldFilter, Term
from flashticket_core.service_layer.views import (
    Change,
    Entry,
    Home,
    HomeTicket,
    Page,
    TicketDetail,
    TicketSummary,
    Undelivered,
)

# How many times a search of some teams reads further down the index (×4 each time).
SEARCH_ROUNDS = 4


def _live() -> ColumnElement[bool]:
    return Ticket.deleted_at.is_(None)


def queue_order(query: Select[Ticket]) -> Select[Ticket]:
    """Unassigned and new first, then by priority, then oldest first (the stored
    `queue_rank` and the index on it; tickets outside the queue follow by age)."""
    return query.order_by(Ticket.queue_rank, Ticket.created_at, Ticket.id)


def support_queue_order(query: Select[Ticket]) -> Select[Ticket]:
    """The support queue: missed targets first, then those reminded of, each by the
    queue's own order; then the queue's order (the stored `target_urgency`, kept with
    the targets, and the index on it)."""
    return query.order_by(Ticket.target_urgency, Ticket.queue_rank, Ticket.created_at, Ticket.id)


class SqlReads(Reads):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.people = SqlPeopleReads(session)

    def _live_ticket(self, ticket_id: int) -> Ticket | None:
        ticket = self.session.get(Ticket, ticket_id)
        return None if ticket is None or ticket.deleted_at is not None else ticket

    def ticket(self, ticket_id: int) -> TicketSummary | None:
        ticket = self._live_ticket(ticket_id)
        return None if ticket is None else TicketSummary.of(ticket, followers=followers(ticket))

    def ticket_detail(self, ticket_id: int, *, include_internal: bool) -> TicketDetail:
        ticket = self._live_ticket(ticket_id)
        assert ticket is not None, "asked for the detail of a ticket the caller did not see"
        entries = select(ConversationEntry).where(ConversationEntry.ticket_id == ticket.id)
        if not include_internal:
            entries = entries.where(ConversationEntry.kind != EntryKind.INTERNAL_NOTE)
        conversation = [
            Entry(
                id=e.id,
                kind=e.kind,
                author_id=e.author_id,
                text=e.text,
                at=e.at,
                withdrawn=e.withdrawn_at is not None,
            )
            for e in self.session.scalars(entries.order_by(ConversationEntry.id))
        ]
        history = [
            # An entry's edit or withdrawal shows its words, not the entry's number.
            Change(
                actor_id=h.actor_id,
                field=h.field,
                old=h.old_value if h.old_text is None else h.old_text,
                new=h.new_value if h.old_text is None else h.new_text,
                at=h.at,
            )
            for h in self.session.scalars(
                select(HistoryEntry)
                .where(HistoryEntry.ticket_id == ticket.id)
                .order_by(HistoryEntry.id)
            )
        ]
        return TicketDetail(
            ticket=TicketSummary.of(
                ticket,
                ticket_targets(self.session, ticket.id),
                fields_of(self.session, [ticket.id]).get(ticket.id, ()),
                followers(ticket),
            ),
            resolved_at=ticket.resolved_at,
            closed_at=ticket.closed_at,
            first_response_at=ticket.first_response_at,
            rating=ticket.rating,
            conversation=conversation,
            history=history,
            files=files_of(self.session, ticket.id),
        )

    def tickets(
        self,
        *,
        reporter_id: str | None = None,
        assignee_id: str | None = None,
        statuses: frozenset[Status] | None = OPEN_STATUSES,
        priority: Priority | None = None,
        team_id: str | None = None,
        teams: TeamScope = EVERY_TEAM,
        unassigned: bool = False,
        newest_first: bool = False,
        limit: int = 50,
        offset: int = 0,
        sort: QueueSort = QueueSort.PRIORITY,
        fields: Sequence[FieldFilter] = (),
    ) -> Page:
        narrowing: list[ColumnElement[bool]] = [_live(), *having_fields(fields)]
        if reporter_id is not None:
            narrowing.append(Ticket.reporter_id == reporter_id)
        if unassigned:
            narrowing.append(Ticket.assignee_id.is_(None))
        elif assignee_id is not None:
            narrowing.append(Ticket.assignee_id == assignee_id)
        if team_id is not None:
            narrowing.append(Ticket.team_id == team_id)
        if statuses == OPEN_STATUSES:
            # The queue's own index holds exactly the live open tickets.
            narrowing = [Ticket.queue_rank.is_not(None), *narrowing[1:]]
        elif statuses is not None:
            narrowing.append(Ticket.status.in_(sorted(statuses)))
        if priority is not None:
            narrowing.append(Ticket.priority == priority)
        conditions = narrowing if teams.everything else [*narrowing, in_teams(teams)]
        query = select(Ticket).where(*conditions)
        if newest_first:
            query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
        elif statuses == OPEN_STATUSES and reporter_id is None:
            query = support_queue_order(query)
        else:
            query = queue_order(query)
        found = sorted_page(self.session, query, sort, limit=limit, offset=offset)
        items = [TicketSummary.of(t) for t in found]
        everyones = not (reporter_id or assignee_id or team_id or fields)
        if offset == 0 and len(items) < limit:
            total = len(items)
        elif everyones and not unassigned and teams.only is None:
            # Everyone's tickets: the tallies know how many without counting them; less
            # those of the few teams left out (a private team), counted from their index.
            total = count_live(self.session, statuses=statuses, priority=priority)
            if teams.excluded:
                left_out = Ticket.team_id.in_(sorted(teams.excluded))
                counted = select(func.count()).select_from(Ticket).where(*narrowing, left_out)
                total -= self.session.scalar(counted) or 0
        else:
            counted = select(func.count()).select_from(Ticket).where(*conditions)
            total = self.session.scalar(counted) or 0
        return Page(items=items, total=total)

    def search(
        self,
        terms: list[Term],
        *,
        reporter_id: str | None,
        teams: TeamScope,
        limit: int,
        fields: Sequence[FieldFilter] = (),
    ) -> list[TicketSummary]:
        """Live tickets containing every term in their title, description or conversation
        (a reporter's own tickets, never through an internal note).

        Tickets with every term in the title come first, then the rest; newest first
        within each. Each part reads the full-text index newest first and stops at the
        limit, so the cost follows the limit, not the number of matches. The documents
        know no team: a search of some teams reads further down the index until it has
        enough of theirs (a few rounds at most).
        """
        if reporter_id is None and teams.nothing:
            return []
        scope = search.Scope(owner=reporter_id, include_notes=reporter_id is None)
        if reporter_id is not None:
            teams = EVERY_TEAM  # a reporter's own tickets, whatever their team
        if fields:
            # With `field:<id>=<value>`: the words narrow the tickets with those values.
            found = searched_fields(self.session, terms, fields, scope, limit, teams)
            return self._search_hits(found, teams)
        wanted = limit
        for _round in range(SEARCH_ROUNDS):
            in_title = search.matching_ids(
                self.session, terms, scope, title_only=True, limit=wanted
            )
            anywhere = search.matching_ids(
                self.session, terms, scope, title_only=False, limit=wanted + len(in_title)
            )
            ranked = list(dict.fromkeys([*in_title, *anywhere]))
            found_here = self._search_hits(ranked, teams)
            if len(found_here) >= limit or len(anywhere) < wanted + len(in_title):
                break
            wanted *= 4
        return found_here[:limit]

    def _search_hits(self, ranked: list[int], teams: TeamScope) -> list[TicketSummary]:
        if not ranked:
            return []
        query = select(Ticket).where(Ticket.id.in_(ranked), _live(), in_teams(teams))
        tickets = {t.id: TicketSummary.of(t) for t in self.session.scalars(query)}
        return [tickets[ticket_id] for ticket_id in ranked if ticket_id in tickets]

    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None:
        return self.session.scalar(
            select(TicketThread.ticket_id).where(
                TicketThread.reporter_channel == channel, TicketThread.reporter_ts == thread_ts
            )
        )

    def ticket_of_support_post(self, channel: str, ts: str) -> int | None:
        return self.session.scalar(
            select(TicketThread.ticket_id).where(
                TicketThread.support_channel == channel, TicketThread.support_ts == ts
            )
        )

    def undelivered(self, *, limit: int) -> list[Undelivered]:
        rows = self.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == MessageStatus.FAILED.value,
                    (OutboxMessage.status == MessageStatus.PENDING.value)
                    & (OutboxMessage.attempts > 0),
                )
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        return [
            Undelivered(
                id=row.id,
                kind=row.kind,
                ticket_id=row.ticket_id,
                status=row.status,
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=row.created_at,
                next_attempt_at=row.next_attempt_at,
            )
            for row in rows
        ]

    def home(
        self,
        *,
        user_id: str,
        is_support: bool,
        teams: TeamScope = EVERY_TEAM,
        now: datetime,
        zone: ZoneInfo,
        limit: int,
    ) -> Home:
        mine = self.tickets(reporter_id=user_id, newest_first=True, limit=limit)
        finished_query = (
            select(Ticket)
            .where(
                _live(),
                Ticket.reporter_id == user_id,
                Ticket.status.in_([Status.RESOLVED, Status.CLOSED]),
                Ticket.updated_at >= now - timedelta(days=14),
            )
            .order_by(Ticket.updated_at.desc())
            .limit(5)
        )
        finished = [TicketSummary.of(t) for t in self.session.scalars(finished_query)]
        replies = self._latest_support_replies([t.id for t in mine.items + finished])
        result = Home(
            is_support=is_support,
            my_open=mine,
            my_recently_finished=[HomeTicket(t, replies.get(t.id)) for t in finished],
            my_open_with_replies=[HomeTicket(t, replies.get(t.id)) for t in mine.items],
        )
        if not is_support:
            return result
        # The queue is the service's to read with the person's filters (`Queries.home`);
        # what is due shows beside each ticket assigned to them.
        assigned = self.tickets(assignee_id=user_id, teams=teams, limit=limit)
        due = self.targets_of([t.id for t in assigned.items])
        kpis = dashboard.kpis(team_tallies(self.session, teams), now=now, days=30, zone=zone)
        return replace(result, assigned_to_me=assigned.with_targets(due), kpis=kpis)

    def targets_of(self, ticket_ids: list[int]) -> dict[int, tuple[TargetClock, ...]]:
        return targets_of(self.session, ticket_ids) if ticket_ids else {}

    def queue_view(self, user_id: str) -> QueueView | None:
        return stored_view(self.session, user_id)

    def _latest_support_replies(self, ticket_ids: list[int]) -> dict[int, str]:
        """The newest support reply of each ticket, in one query."""
        if not ticket_ids:
            return {}
        newest = (
            select(func.max(ConversationEntry.id))
            .where(
                ConversationEntry.ticket_id.in_(ticket_ids),
                ConversationEntry.kind == EntryKind.SUPPORT_REPLY,
            )
            .group_by(ConversationEntry.ticket_id)
        )
        rows = self.session.execute(
            select(ConversationEntry.ticket_id, ConversationEntry.text).where(
                ConversationEntry.id.in_(newest)
            )
        )
        return {int(ticket_id): str(text) for ticket_id, text in rows}

    def assignment_figures(self, *, since: datetime, teams: TeamScope) -> AssignmentFigures:
        return assignment_figures(self.session, since=since, teams=teams)

    def statistics(
        self, *, now: datetime, days: int, zone: ZoneInfo, teams: TeamScope = EVERY_TEAM
    ) -> dashboard.Statistics:
        figures = dashboard.statistics(
            team_tallies(self.session, teams),
            now=now,
            days=days,
            zone=zone,
            # Named in the answer where the figures are of some teams alone.
            teams=None if teams.only is None else tuple(sorted(teams.only - teams.excluded)),
        )
        approvals = approval_figures(self.session, now=now, days=days, teams=teams)
        return replace(figures, approvals=approvals)

    def export_rows(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope
    ) -> Iterator[ExportedTicket]:
        return sql_export.export_rows(self.session, since=since, until=until, teams=teams)

    def export_field_ids(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope
    ) -> list[str]:
        return sql_export.export_field_ids(self.session, since=since, until=until, teams=teams)


def reads_from(database: Database) -> ReadsFactory:
    """Each call opens one read transaction on `database`."""

    @contextmanager
    def reading() -> Iterator[Reads]:
        with database.reading() as session:
            yield SqlReads(session)

    return reading
