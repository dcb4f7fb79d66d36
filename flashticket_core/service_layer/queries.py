"""Reading tickets: one ticket, lists and the queue, search, App Home, statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.permissions import (
    EVERY_TEAM,
    Action,
    TeamScope,
    authorize,
    authorize_team,
)
from flashticket_core.errors import InvalidInput, NotFound
from flashticket_core.service_layer import dashboard, search_terms, views
from flashticket_core.service_layer.assignment_book import AssignmentFigures
from flashticket_core.service_layer.common import MAX_PAGE, Area
from flashticket_core.service_layer.queue_view import (
    HOME_QUEUE_PAGE,
    AssigneeFilter,
    QueueSort,
    QueueView,
    pages,
)
from flashticket_core.service_layer.reads import Reads

# The longest period the statistics cover, in days (about ten years).
MAX_STATS_DAYS = 3650


class Queries(Area):
    def show(self, actor_id: str, ticket_id: int) -> views.TicketDetail:
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            ticket = reads.ticket(ticket_id)
            if ticket is None:
                raise NotFound(ticket_id=ticket_id)
            authorize(actor, Action.VIEW_TICKET, ticket)
            internal = actor.may(Action.VIEW_INTERNAL, ticket)
            detail = reads.ticket_detail(ticket_id, include_internal=internal)
        # A private team is named to its members and the administrators alone, in the
        # history of a ticket that was once its too.
        hidden = frozenset(team for team in self.env.teams if not actor.knows_team(team))
        return replace(detail, hidden_teams=hidden) if hidden else detail

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
        fields: Sequence[search_terms.FieldFilter] = (),
    ) -> views.Page:
        """Own tickets for a user; with `queue`, every open ticket of the teams the actor
        is support in. Each filter given narrows the list: one status (else the open
        ones, and in a person's own list those waiting for approval; with
        `include_closed` all), a priority, an assignee, a team, nobody holding it, a
        field's value (as search takes it); in `sort`'s order; `with_targets`: each
        ticket with what is due of it. A private team is an unknown team to those
        outside it."""
        limit = max(1, min(limit, MAX_PAGE))
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            known = self.env.teams_known_to(actor)
            if team is not None and team not in known:
                raise InvalidInput(
                    "error.unknown_team", field="team", value=team[:40], allowed=", ".join(known)
                )
            teams = EVERY_TEAM  # the actor's own tickets, whatever their team
            if queue or reporter_id not in (None, actor_id):
                authorize(actor, Action.FILTER_OTHERS)
                if team is not None:
                    authorize_team(actor, Action.FILTER_OTHERS, team)
                teams = actor.visible_teams(Action.FILTER_OTHERS)
            if not queue and reporter_id is None:
                reporter_id = actor_id
            statuses: frozenset[Status] | None
            if status is not None:
                statuses = frozenset({status})
            elif include_closed:
                statuses = None
            else:
                # A person's own list shows what still waits for approval too: not the
                # team's to work yet, but not done either.
                statuses = OPEN_STATUSES if queue else OPEN_STATUSES | {Status.PENDING_APPROVAL}
            page = reads.tickets(
                reporter_id=reporter_id,
                assignee_id=assignee_id,
                statuses=statuses,
                priority=priority,
                team_id=team,
                teams=teams,
                unassigned=unassigned,
                newest_first=not queue,
                limit=limit,
                offset=max(0, offset),
                sort=sort,
                fields=[self._as_option(wanted) for wanted in fields],
            )
            if not with_targets:
                return page
            return page.with_targets(reads.targets_of([t.id for t in page.items]))

    def search(self, actor_id: str, text: str, *, limit: int = 20) -> list[views.TicketSummary]:
        """Tickets with every word of `text`, and every field value it names as
        `field:<id>=<value>` (an option's value in any case, as the desk file writes it)."""
        filters, rest = search_terms.field_filters_of(text)
        terms = search_terms.terms_of(rest)
        if not terms and not filters:
            raise InvalidInput("error.search_empty", field="text")
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            teams = actor.visible_teams(Action.VIEW_TICKET)
            return reads.search(
                terms,
                reporter_id=actor_id if teams.nothing else None,
                teams=teams,
                limit=max(1, min(limit, MAX_PAGE)),
                fields=[self._as_option(wanted) for wanted in filters],
            )

    def _as_option(self, wanted: search_terms.FieldFilter) -> search_terms.FieldFilter:
        """A value typed in another case than one of the field's options is that option."""
        for kind in self.env.structure.request_types:
            field = kind.field(wanted.field_id)
            for option in field.options if field is not None else ():
                if option.casefold() == wanted.value.casefold():
                    return search_terms.FieldFilter(wanted.field_id, option)
        return wanted

    def home(self, actor_id: str, *, limit: int = 20) -> views.Home:
        """What the actor's App Home shows: their tickets; for support also the queue, with
        the filters, sort and page they last chose, and the KPIs."""
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            is_support = actor.may(Action.FILTER_OTHERS)
            home = reads.home(
                user_id=actor_id,
                is_support=is_support,
                teams=actor.visible_teams(Action.FILTER_OTHERS),
                now=self._now(),
                zone=self.env.zone,
                limit=limit,
            )
            chosen = reads.queue_view(actor_id) if is_support else None
        if not is_support:
            return home
        queue, view = self.queue_page(actor_id, chosen or QueueView())
        known = self.env.teams_known_to(actor)
        teams = tuple((team.id, team.name) for team in self.env.structure.teams if team.id in known)
        return replace(home, queue=queue, queue_view=view, teams=teams)

    def _teams_known_to(self, actor_id: str) -> tuple[str, ...]:
        return self.env.teams_known_to(self._reader(actor_id))

    def queue_view(self, actor_id: str) -> QueueView:
        """The queue the actor last chose on their App Home (else the whole open queue)."""
        with self.env.reads() as reads:
            return reads.queue_view(actor_id) or QueueView()

    def queue_page(self, actor_id: str, view: QueueView) -> tuple[views.Page, QueueView]:
        """The page of the queue `view` asks for (support only), read as `/ticket list`
        reads it, each ticket with what is due; past the last page, the last page. A
        team the desk no longer has (or the actor may no longer name) filters nothing.
        Also the view as shown."""
        if view.team is not None and view.team not in self._teams_known_to(actor_id):
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

    def statistics(
        self, actor_id: str, *, days: int = 30, team: str | None = None
    ) -> dashboard.Statistics:
        """The figures of `team`'s tickets, or of every team the actor may see. A team
        they may not see is refused as unknown, naming those they may."""
        with self.env.reads() as reads:
            scope = self._stats_scope(reads, actor_id, team)
            return reads.statistics(
                now=self._now(), days=_days(days), zone=self.env.zone, teams=scope
            )

    def assignment_figures(
        self, actor_id: str, *, days: int = 30, team: str | None = None
    ) -> AssignmentFigures:
        """Open tickets per assignee and the reassignments of the last `days`, of the
        same tickets as `statistics`."""
        with self.env.reads() as reads:
            scope = self._stats_scope(reads, actor_id, team)
            since = self._now() - timedelta(days=_days(days))
            return reads.assignment_figures(since=since, teams=scope)

    def _stats_scope(self, reads: Reads, actor_id: str, team: str | None) -> TeamScope:
        actor = self._reading(reads, actor_id)
        # Who may not see statistics does not learn the teams either.
        authorize(actor, Action.VIEW_STATS)
        seen = actor.visible_teams(Action.VIEW_STATS)
        visible = tuple(t for t in self.env.teams if seen.covers(t))
        if team is not None and team not in visible:
            raise InvalidInput(
                "error.unknown_team", field="team", value=team[:40], allowed=", ".join(visible)
            )
        return seen if team is None else TeamScope(only=frozenset({team}))

    def operator_statistics(self, *, days: int = 30) -> dashboard.Statistics:
        """Statistics for whoever runs the server itself (`flashticket stats`), not Slack."""
        with self.env.reads() as reads:
            return reads.statistics(
                now=self._now(), days=_days(days), zone=self.env.zone, teams=EVERY_TEAM
            )


def _days(days: int) -> int:
    return max(1, min(days, MAX_STATS_DAYS))
