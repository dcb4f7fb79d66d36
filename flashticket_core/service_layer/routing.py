"""Routing: which team a new ticket belongs to, support moving a ticket to another team,
and support giving it another request type of its team (SPEC.md "Teams": a ticket
belongs to its request type's team; one made from a message to the team whose intake
channel the message is in, else the first team; support can change the type later).

The rule itself is the desk's (`DeskStructure.route`), shared with the replay of a
proposed desk file. A move is a change of the ticket like any other: its history keeps
from which team to which, its events plan the messages (the old card says where it
went, a new card in the new team's channel, the reporter told) and bring its targets to
the new team's levels and calendar, all in the move's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.desk_file import DeskStructure, RequestType, Team
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area, check_version

# How many ids an error lists at most (a desk may have hundreds of request types).
LISTED_IDS = 10


@dataclass(frozen=True)
class Route:
    """Where a new ticket goes, as what: its team, its request type and its priority."""

    team_id: str
    request_type: str | None
    priority: Priority


def route_new_ticket(
    structure: DeskStructure,
    *,
    request_type: str | None,
    channel: str | None,
    priority: Priority | None,
) -> Route:
    """A ticket of `request_type` goes to that type's team; one made from a message in
    `channel` (no type chosen) to the team whose intake channel that is, else the first
    team, as that team's first request type, if it has any. The priority is the one the
    person chose, else the type's, else medium. An unknown type is refused."""
    if request_type is not None:
        kind = structure.request_type(request_type)
        if kind is None:
            raise InvalidInput(
                "error.unknown_request_type",
                field="request_type",
                value=request_type[:40],
                allowed=listed([k.id for k in structure.request_types]),
            )
        team = structure.route(kind.id)
    else:
        team = structure.route(None, channel)
        kind = structure.default_type_of(team.id) if channel is not None else None
    if priority is None:
        priority = kind.priority if kind is not None and kind.priority else Priority.MEDIUM
    return Route(team_id=team.id, request_type=kind.id if kind else None, priority=priority)


def listed(ids: list[str]) -> str:
    if not ids:
        return "–"
    more = ", …" if len(ids) > LISTED_IDS else ""
    return ", ".join(ids[:LISTED_IDS]) + more


class Routing(Area):
    def types_for_channel(self, channel_id: str | None) -> tuple[RequestType, ...]:
        """The request types a form opened in `channel_id` offers, in order: those of the
        team whose intake channel it is first (`/ticket` typed there), then the rest."""
        return self.env.structure.types_first_for(channel_id)

    def team_for_channel(self, channel_id: str | None) -> Team | None:
        """The team whose intake channel `channel_id` is, if any."""
        return self.env.structure.team_for_channel(channel_id)

    def check_can_move(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        """The ticket the actor is about to move (before the form opens); raises unless
        they may, or the desk has no other team to move it to."""
        ticket = self._allowed_ticket(actor_id, ticket_id, Action.MOVE_TEAM)
        if len(self.env.structure.teams) < 2:
            raise InvalidInput("error.one_team", field="team")
        return ticket

    def move_to_team(
        self,
        actor_id: str,
        ticket_id: int,
        team_id: str,
        *,
        expected_version: int | None = None,
    ) -> views.TicketSummary:
        """Give the ticket to the team `team_id`. A ticket changed since the actor saw it
        (`expected_version`) is refused with how it stands now; one that is the team's
        already is told so, and nothing changes."""
        structure = self.env.structure
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.MOVE_TEAM)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.MOVE_TEAM, ticket)
            team = structure.team(team_id)
            if team is None:
                raise InvalidInput(
                    "error.unknown_team",
                    field="team",
                    value=team_id[:40],
                    allowed=listed([t.id for t in structure.teams]),
                )
            check_version(ticket, expected_version)
            if ticket.team_id == team.id:
                raise InvalidInput(
                    "error.same_team", field="team", ticket_id=ticket.id, team=team.name
                )
            ticket.move_to_team(team.id, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def check_can_change_type(
        self, actor_id: str, ticket_id: int
    ) -> tuple[views.TicketSummary, tuple[RequestType, ...]]:
        """The ticket the actor is about to give another request type (before the form
        opens), with its team's types; raises unless they may, or the team has fewer
        than two types to choose from."""
        ticket = self._allowed_ticket(actor_id, ticket_id, Action.CHANGE_TYPE)
        kinds = self.env.structure.request_types_of(ticket.team_id)
        if len(kinds) < 2:
            raise InvalidInput("error.one_type", field="request_type")
        return ticket, kinds

    def change_type(
        self,
        actor_id: str,
        ticket_id: int,
        type_id: str,
        *,
        expected_version: int | None = None,
    ) -> views.TicketSummary:
        """Give the ticket the request type `type_id`, one of its team's (a ticket changes
        team by a move alone). Its field values stay, kept with their labels, and so does
        its priority. A ticket changed since the actor saw it (`expected_version`) is
        refused with how it stands now; one of that type already is told so."""
        structure = self.env.structure
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.CHANGE_TYPE)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.CHANGE_TYPE, ticket)
            kinds = structure.request_types_of(ticket.team_id)
            kind = next((k for k in kinds if k.id == type_id), None)
            if kind is None:
                raise InvalidInput(
                    "error.unknown_request_type",
                    field="request_type",
                    value=type_id[:40],
                    allowed=listed([k.id for k in kinds]),
                )
            check_version(ticket, expected_version)
            if ticket.request_type == kind.id:
                raise InvalidInput(
                    "error.same_type", field="request_type", ticket_id=ticket.id, type=kind.name
                )
            ticket.change_type(kind.id, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)
