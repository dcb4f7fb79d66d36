""" "Assign to…" on a ticket's card: a person of the ticket's team (the core refuses
anyone else, and anyone who may not assign); a ticket someone else holds is given away
only once the clicker confirms, as "Take it" asks. Slack's users select offers the
whole workspace, so the server's check is the one that counts."""

from __future__ import annotations

from slack_bolt import App

from bot import blocks
from bot.blocks.ids import ASSIGN_TO, CONFIRM_ASSIGN_TO
from bot.incoming import BadPayload, BlockActions
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import CardAction
from flashticket_core.errors import HeldBySomeoneElse
from flashticket_core.service_layer.views import TicketSummary


def register(app: App) -> None:
    app.action(ASSIGN_TO)(listener(Kind.ACTION)(assign_to))
    app.action(CONFIRM_ASSIGN_TO)(listener(Kind.ACTION)(confirm_assign_to))


def assign_to(turn: Turn) -> None:
    turn.ack()
    action = turn.expect(BlockActions).action
    card = CardAction.parse(action.block_id)
    chosen = action.selected_user
    if chosen is None:
        raise BadPayload("no person chosen")
    try:
        turn.desk.assignment.assign_to(
            turn.actor, card.ticket_id, chosen, expected_version=card.version
        )
    except HeldBySomeoneElse as held:
        _ask(turn, held, chosen)


def confirm_assign_to(turn: Turn) -> None:
    """The answer to "@sam holds #12 — give it to @ben?": given away from the holder
    asked about only; if it changed hands meanwhile, asked again about the new one."""
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    chosen = action.choice
    if chosen is None:
        raise BadPayload("no person chosen")
    try:
        given = turn.desk.assignment.assign_to(
            turn.actor, action.ticket_id, chosen, take_over_from=action.seen_holder()
        )
    except HeldBySomeoneElse as held:
        _ask(turn, held, chosen, replace=True)
        return
    turn.say(turn.t("bot.assigned_to", ticket_id=given.id, new=chosen), replace=True)


def _ask(
    turn: Turn, held: HeldBySomeoneElse[TicketSummary], chosen: str, *, replace: bool = False
) -> None:
    question = turn.t("bot.assign_to.ask", holder=held.holder, ticket_id=held.ticket_id, new=chosen)
    answer = blocks.take_over_question(turn.lang, question, held.current, assign_to=chosen)
    turn.say(question, answer, replace=replace)
