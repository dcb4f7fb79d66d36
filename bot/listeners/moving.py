"""Moving a ticket to another team: "Move to team" on the card opens a form with the
desk's other teams; its submission moves the ticket (the core checks who may, and that
the ticket did not change since the card was seen). "Change type" likewise offers the
other request types of the ticket's team."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.ids import CHANGE_TYPE, CHANGE_TYPE_FORM, MOVE_TEAM, MOVE_TEAM_FORM
from bot.blocks.moving import move_modal
from bot.blocks.retyping import type_modal
from bot.incoming import BadPayload, BlockActions, ViewPayload
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import CardAction

# A team's or type's id as the desk file writes them (the core refuses one it does not know).
TEAM_ID_MAX = 64


def register(app: App) -> None:
    app.action(MOVE_TEAM)(listener(Kind.ACTION)(open_move_modal))
    app.view(MOVE_TEAM_FORM)(listener(Kind.VIEW)(submit_move))
    app.action(CHANGE_TYPE)(listener(Kind.ACTION)(open_type_modal))
    app.view(CHANGE_TYPE_FORM)(listener(Kind.VIEW)(submit_type))


def open_move_modal(turn: Turn) -> None:
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    # Refused before the form opens: nobody chooses a team for a move they may not make.
    ticket = turn.desk.routing.check_can_move(turn.actor, action.ticket_id)
    teams = [(team.id, team.name) for team in turn.desk.env.structure.teams]
    # The version the clicker saw on the card: a move of a ticket changed since is stale.
    turn.open_modal(move_modal(turn.lang, ticket, teams, version=action.version))


def submit_move(turn: Turn) -> None:
    turn.error_block = "team"
    view = turn.expect(ViewPayload).view
    seen = CardAction.parse(view.private_metadata)
    element = view.element("team") if view.state is not None else None
    chosen = element.selected_option if element is not None else None
    team = chosen.value if chosen is not None else None
    if not team or len(team) > TEAM_ID_MAX:
        raise BadPayload("move form without a team")
    turn.desk.routing.move_to_team(turn.actor, seen.ticket_id, team, expected_version=seen.version)
    turn.ack()


def open_type_modal(turn: Turn) -> None:
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    # Refused before the form opens: nobody chooses a type they may not give.
    ticket, kinds = turn.desk.routing.check_can_change_type(turn.actor, action.ticket_id)
    turn.open_modal(type_modal(turn.lang, ticket, kinds, version=action.version))


def submit_type(turn: Turn) -> None:
    turn.error_block = "request_type"
    view = turn.expect(ViewPayload).view
    seen = CardAction.parse(view.private_metadata)
    element = view.element("request_type") if view.state is not None else None
    chosen = element.selected_option if element is not None else None
    kind = chosen.value if chosen is not None else None
    if not kind or len(kind) > TEAM_ID_MAX:
        raise BadPayload("type form without a type")
    turn.desk.routing.change_type(turn.actor, seen.ticket_id, kind, expected_version=seen.version)
    turn.ack()
