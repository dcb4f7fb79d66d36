"""Reading tickets: one ticket, lists and the queue, search, App Home, statistics."""

from __future__ import annotations

from flashticket_core.domain.enums import OPEN_STATUSES, Priority, Status
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import InvalidInput, NotFound
from flashticket_core.service_layer import dashboard, search_terms, views
from flashticket_core.service_layer.common import MAX_PAGE, Area

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
    ) -> views.Page:
        """Own tickets for a user; with `queue`, every open ticket (support only). Each
        filter given narrows the list: one status (else the open ones, or with
        `include_closed` all), a priority, an assignee, a team, nobody holding it."""
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
            return reads.tickets(
                reporter_id=reporter_id,
                assignee_id=assignee_id,
                statuses=statuses,
                priority=priority,
                team_id=team,
                unassigned=unassigned,
                newest_first=not queue,
                limit=limit,
                offset=max(0, offset),
            )

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
        """What the actor's App Home shows: their tickets; for support also queue and KPIs."""
        with self.env.reads() as reads:
            actor = self.env.actor(actor_id, reads.role_of)
            return reads.home(
                user_id=actor_id,
                is_support=actor.may(Action.FILTER_OTHERS),
                now=self._now(),
                zone=self.env.zone,
                limit=limit,
            )

    def statistics(
        self,
        actor_id: str,
        *,
        days: int = 30,
        team: str | None = None,
        visible_teams: frozenset[str] | None = None,
    ) -> dashboard.Statistics:
        """The figures of `team`'s tickets, or of every team in `visible_teams` (None: the
        desk's teams, all of them). A team not among those is refused, naming them."""
        visible = tuple(t for t in self.env.teams if visible_teams is None or t in visible_teams)
        scope = frozenset(visible if team is None else (team,))
        with self.env.reads() as reads:
            # Who may not see statistics does not learn the teams either.
            authorize(self.env.actor(actor_id, reads.role_of), Action.VIEW_STATS)
            if team is not None and team not in visible:
                raise InvalidInput(
                    "error.unknown_team", field="team", value=team[:40], allowed=", ".join(visible)
                )
            return reads.statistics(
                now=self._now(),
                days=_days(days),
                zone=self.env.zone,
                # Every team of the desk: the tallies, which count all tickets at once.
                teams=None if scope == frozenset(self.env.teams) else scope,
            )

    def operator_statistics(self, *, days: int = 30) -> dashboard.Statistics:
        """Statistics for whoever runs the server itself (`flashticket stats`), not Slack."""
        with self.env.reads() as reads:
            return reads.statistics(now=self._now(), days=_days(days), zone=self.env.zone)


def _days(days: int) -> int:
    return max(1, min(days, MAX_STATS_DAYS))
