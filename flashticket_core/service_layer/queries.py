"""Reading tickets: one ticket, lists and the queue, search, App Home, statistics."""

from __future__ import annotations

from dataclasses import replace

from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import InvalidInput, NotFound
from flashticket_core.service_layer import dashboard, search_terms, views
from flashticket_core.service_layer.common import MAX_PAGE, Area
from flashticket_core.service_layer.queue_view import (
    HOME_QUEUE_PAGE,
    AssigneeFilter,
    QueueSort,
    QueueView,
    pages,
)

# The longest period the statistics cover, in days (about ten years).
MAX_STATS_DAYS = 3650


class Queries(Area):
    def show(self, actor_id: str, ticket_id: int) -> views.TicketDetail:
        with self.env.reads() as reads:
            actor = self.env.actor(actor_id, reads.role_of)
            ticket = reads.ticket(ticket_id)
            if ticket is None:
                raise NotFound(ticket_id=ticket_id)
            authorize(actor, Action.VIEW_TICKET, ticket)
            return reads.ticket_detail(ticket_id, include_internal=actor.may(Action.VIEW_INTERNAL))

    def list_tickets(
        self,
        actor_id: str,
        *,
        queue: bool = False,
        status: Status | None = None,
        priority: Priority | None = None,
        assignee_id: str | None = None,
        reporter_id: str | None = None,
        team: str | None = None,
        unassigned: bool = False,
        include_closed: bool = False,
        limit: int = 50,
        offset: int = 0,
        sort: QueueSort = QueueSort.PRIORITY,
        with_targets: bool = False,
    ) -> views.Page:
        """Own tickets for a user; with `queue`, every open ticket (support only). Each
        filter given narrows the list: one status (else the open ones, or with
        `include_closed` all), a priority, an assignee, a team, nobody holding it; in
        `sort`'s order; `with_targets`: each ticket with what is due of it."""
        limit = max(1, min(limit, MAX_PAGE))
        if team is not None and team not in self.env.teams:
            allowed = ", ".join(self.env.teams)
            raise InvalidInput("error.unknown_team", field="team", value=team[:40], allowed=allowed)
        with self.env.reads() as reads:
            actor = self.env.actor(actor_id, reads.role_of)
            if queue or reporter_id not in (None, actor_id):
                authorize(actor, Action.FILTER_OTHERS)
            if not queue and reporter_id is None:
                reporter_id = actor_id
            statuses: frozenset[Status] | None
            if status is not None:
                statuses = frozenset({status})
            else:
                statuses = None if include_closed else OPEN_STATUSES
            page = reads.tickets(
                reporter_id=reporter_id,
                assignee_id=assignee_id,
                statuses=statuses,
                priority=priority,
                team_id=team,
                unassigned=unassigned,
                newest_first=not queue,
                limit=limit,
                offset=max(0, offset),
                sort=sort,
            )
            if not with_targets:
                return page
            return page.with_targets(reads.targets_of([t.id for t in page.items]))

    def search(self, actor_id: str, text: str, *, limit: int = 20) -> list[views.TicketSummary]:
        terms = search_terms.terms_of(text)
        if not terms:
            raise InvalidInput("error.search_empty", field="text")
        with self.env.reads() as reads:
            actor = self.env.actor(actor_id, reads.role_of)
            return reads.search(
                terms,
                reporter_id=None if actor.sees_everything(Action.VIEW_TICKET) else actor_id,
                limit=max(1, min(limit, MAX_PAGE)),
            )

    def home(self, actor_id: str, *, limit: int = 20) -> views.Home:
        """What the actor's App Home shows: their tickets; for support also the queue, with
        the filters, sort and page they last chose, and the KPIs."""
        with self.env.reads() as reads:
            actor = self.env.actor(actor_id, reads.role_of)
            is_support = actor.may(Action.FILTER_OTHERS)
            home = reads.home(
                user_id=actor_id,
                is_support=is_support,
                now=self._now(),
                zone=self.env.zone,
                limit=limit,
            )
            chosen = reads.queue_view(actor_id) if is_support else None
        if not is_support:
            return home
        queue, view = self.queue_page(actor_id, chosen or QueueView())
        teams = tuple((team.id, team.name) for team in self.env.structure.teams)
        return replace(home, queue=queue, queue_view=view, teams=teams)

    def queue_view(self, actor_id: str) -> QueueView:
        """The queue the actor last chose on their App Home (else the whole open queue)."""
        with self.env.reads() as reads:
            return reads.queue_view(actor_id) or QueueView()

    def queue_page(self, actor_id: str, view: QueueView) -> tuple[views.Page, QueueView]:
        """The page of the queue `view` asks for (support only), read as `/ticket list`
        reads it, each ticket with what is due; past the last page, the last page. A
        team the desk no longer has filters nothing. Also the view as shown."""
        if view.team is not None and view.team not in self.env.teams:
            view = replace(view, team=None)

        def read(page: int) -> views.Page:
            return self.list_tickets(
                actor_id,
                queue=True,
                team=view.team,
                status=view.status,
                priority=view.priority,
                assignee_id=actor_id if view.assignee is AssigneeFilter.ME else None,
                unassigned=view.assignee is AssigneeFilter.UNASSIGNED,
                limit=HOME_QUEUE_PAGE,
                offset=(page - 1) * HOME_QUEUE_PAGE,
                sort=view.sort,
                with_targets=True,
            )

        found = read(view.page)
        last = pages(found.total)
        if view.page > last:
            view = replace(view, page=last)
            found = read(last)
        return found, view

    def statistics(self, actor_id: str, *, days: int = 30) -> dashboard.Statistics:
        with self.env.reads() as reads:
            authorize(self.env.actor(actor_id, reads.role_of), Action.VIEW_STATS)
            return reads.statistics(now=self._now(), days=_days(days), zone=self.env.zone)

    def operator_statistics(self, *, days: int = 30) -> dashboard.Statistics:
        """Statistics for whoever runs the server itself (`flashticket stats`), not Slack."""
        with self.env.reads() as reads:
            return reads.statistics(now=self._now(), days=_days(days), zone=self.env.zone)


def _days(days: int) -> int:
    return max(1, min(days, MAX_STATS_DAYS))
