"""Approvals: Approve in an approver's DM decides at once; Reject opens a form for the
reason (required), whose submission decides. The core checks, by user ID, that the
clicker is one of the ticket's approvers and that nobody decided first; a later click
is told who decided."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.approvals import reject_modal
from bot.blocks.ids import APPROVE, REJECT, REJECT_FORM
from bot.incoming import BlockActions, ViewPayload
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import CardAction


def register(app: App) -> None:
    app.action(APPROVE)(listener(Kind.ACTION)(approve))
    app.action(REJECT)(listener(Kind.ACTION)(open_reject_modal))
    app.view(REJECT_FORM)(listener(Kind.VIEW)(submit_rejection))


def approve(turn: Turn) -> None:
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    ticket = turn.desk.approvals.decide(turn.actor, action.ticket_id, approved=True)
    turn.say(turn.t("bot.approval.you_decided", ticket_id=ticket.id))


def open_reject_modal(turn: Turn) -> None:
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    # Refused before the form opens: nobody writes a reason for a decision they may not
    # make, or one made already.
    ticket = turn.desk.approvals.check_can_decide(turn.actor, action.ticket_id)
    turn.open_modal(reject_modal(turn.lang, ticket))


def submit_rejection(turn: Turn) -> None:
    turn.error_block = "reason"
    view = turn.expect(ViewPayload).view
    seen = CardAction.parse(view.private_metadata)
    element = view.element("reason") if view.state is not None else None
    reason = element.value if element is not None else None
    turn.desk.approvals.decide(turn.actor, seen.ticket_id, approved=False, reason=reason or "")
    turn.ack()
