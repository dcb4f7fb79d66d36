"""The buttons and selects on a ticket's card in the support channel."""

from __future__ import annotations

from slack_bolt import App

from bot import blocks, mrkdwn
from bot.incoming import BlockActions
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.commands import open_new_ticket_modal
from bot.listeners.forms import origin_channel
from bot.payloads import CardAction
from flashticket_core.domain.enums import EntryKind
from flashticket_core.errors import HeldBySomeoneElse
from flashticket_core.service_layer.views import TicketSummary


def register(app: App) -> None:
    app.action(blocks.TAKE)(listener(Kind.ACTION)(take))
    app.action(blocks.TAKE_OVER)(listener(Kind.ACTION)(take))
    app.action(blocks.CONFIRM_TAKE_OVER)(listener(Kind.ACTION)(take_over))
    app.action(blocks.UNASSIGN)(listener(Kind.ACTION)(unassign))
    app.action(blocks.DELETE)(listener(Kind.ACTION)(delete))
    app.action(blocks.DELETE_CANCEL)(listener(Kind.ACTION)(cancel_delete))
    app.action(blocks.STATUS)(listener(Kind.ACTION)(change_status))
    app.action(blocks.PRIORITY)(listener(Kind.ACTION)(change_priority))
    app.action(blocks.REPLY)(listener(Kind.ACTION)(open_reply_modal))
    app.action(blocks.NOTE)(listener(Kind.ACTION)(open_note_modal))
    app.action(blocks.HOME_NEW_TICKET)(listener(Kind.ACTION)(open_new_ticket_from_home))
    app.action(blocks.REOPEN)(listener(Kind.ACTION)(reopen))
    app.action(blocks.RATE)(listener(Kind.ACTION)(rate))


def reopen(turn: Turn) -> None:
    """The reporter says it is not solved after all (the core checks they may)."""
    turn.ack()
    turn.desk.tickets.reopen(turn.actor, _action(turn).ticket_id)


def rate(turn: Turn) -> None:
    turn.ack()
    action = _action(turn)
    rating = action.rating()
    turn.desk.tickets.rate(turn.actor, action.ticket_id, rating)
    turn.say(turn.t("bot.reporter.thanks", ticket_id=action.ticket_id, rating=rating))


def open_new_ticket_from_home(turn: Turn) -> None:
    open_new_ticket_modal(turn, title="")


def _action(turn: Turn) -> CardAction:
    return CardAction.parse(turn.expect(BlockActions).action.raw_value())


def take(turn: Turn) -> None:
    """Take a ticket; one someone else holds (by now) is taken only once asked."""
    turn.ack()
    action = _action(turn)
    try:
        turn.desk.tickets.take(turn.actor, action.ticket_id)
    except HeldBySomeoneElse as held:
        _ask_to_take_over(turn, held)


def take_over(turn: Turn) -> None:
    """The answer to "@sam holds #12 — take it over?": taken over from the holder asked
    about only; if it changed hands meanwhile, the question is asked about the new one."""
    turn.ack()
    action = _action(turn)
    holder = action.seen_holder()
    try:
        taken = turn.desk.tickets.take(turn.actor, action.ticket_id, take_over_from=holder)
    except HeldBySomeoneElse as held:
        _ask_to_take_over(turn, held, replace=True)
        return
    if taken.assignee_id == turn.actor:
        turn.say(turn.t("bot.took_over", ticket_id=taken.id, old=holder), replace=True)


def _ask_to_take_over(
    turn: Turn, held: HeldBySomeoneElse[TicketSummary], *, replace: bool = False
) -> None:
    question = held.message(turn.lang, person=mrkdwn.mention)
    answer = blocks.take_over_question(turn.lang, question, held.current)
    turn.say(question, answer, replace=replace)


def unassign(turn: Turn) -> None:
    turn.ack()
    action = _action(turn)
    turn.desk.tickets.unassign(turn.actor, action.ticket_id, holder=action.seen_holder())


def delete(turn: Turn) -> None:
    """The admin confirmed `/ticket-admin delete`: the core checks again that they may."""
    turn.ack()
    action = _action(turn)
    turn.desk.tickets.delete(turn.actor, action.ticket_id)
    turn.say(turn.t("bot.deleted", ticket_id=action.ticket_id), replace=True)


def cancel_delete(turn: Turn) -> None:
    turn.ack()
    turn.say(turn.t("bot.delete.cancelled"), replace=True)


def change_status(turn: Turn) -> None:
    turn.ack()
    action = _action(turn)
    turn.desk.tickets.change_status(
        turn.actor,
        action.ticket_id,
        action.status(),
        expected_version=action.version,
        support_only=True,
    )


def change_priority(turn: Turn) -> None:
    turn.ack()
    action = _action(turn)
    turn.desk.tickets.set_priority(
        turn.actor, action.ticket_id, action.priority(), expected_version=action.version
    )


def open_reply_modal(turn: Turn) -> None:
    _open_entry_modal(turn, EntryKind.SUPPORT_REPLY)


def open_note_modal(turn: Turn) -> None:
    _open_entry_modal(turn, EntryKind.INTERNAL_NOTE)


def _open_entry_modal(turn: Turn, kind: EntryKind) -> None:
    turn.ack()
    action = _action(turn)
    # Refuse before the modal opens, so nobody writes a reply that cannot be sent.
    if kind is EntryKind.SUPPORT_REPLY:
        _ticket, replies = turn.desk.replies.for_ticket(turn.actor, action.ticket_id)
    else:
        turn.desk.tickets.check_can_work(turn.actor, action.ticket_id)
        replies = []
    modal = blocks.entry_modal(
        turn.lang,
        ticket_id=action.ticket_id,
        kind=kind,
        replies=replies,
        channel=origin_channel(turn),
    )
    turn.open_modal(modal)
