"""Modal submissions: the new ticket, a support reply, an internal note."""

from __future__ import annotations

from slack_bolt import App

from bot import blocks
from bot.blocks.following import ON_BEHALF_BLOCK
from bot.blocks.forms import REQUEST_TYPE_BLOCK, field_block_id
from bot.incoming import ViewPayload
from bot.incoming.objects import View
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.following import not_people
from bot.listeners.saved_replies import tell_reply_sent
from bot.payloads import (
    attached_files,
    entry_files,
    entry_text,
    entry_text_block,
    new_ticket_form,
    source_of_view,
    ticket_of_view,
)
from flashticket_core.domain.permissions import Action
from flashticket_core.errors import InvalidFields, InvalidInput, NotAllowed


def register(app: App) -> None:
    app.view(blocks.NEW_TICKET)(listener(Kind.VIEW)(submit_new_ticket))
    app.view(blocks.SUPPORT_REPLY)(listener(Kind.VIEW)(submit_support_reply))
    app.view(blocks.INTERNAL_NOTE)(listener(Kind.VIEW)(submit_internal_note))


def _view(turn: Turn) -> View:
    return turn.expect(ViewPayload).view


def _request_key(view: View) -> str | None:
    # One modal is submitted once: a double click or a retry carries the same view id.
    return f"view:{view.id}" if view.id else None


def submit_new_ticket(turn: Turn) -> None:
    turn.error_block = "title"
    if turn.refused_as_external():
        return
    view = _view(turn)
    form = new_ticket_form(view)
    # Opened from a message: its author is the reporter, the message's thread is told.
    source = source_of_view(view)
    if source is not None:
        existing = turn.desk.tickets.ticket_of_message(source.message)
        if existing is not None:
            # Someone made a ticket of the message while this form was open.
            text = turn.t("bot.modal.source_exists", ticket_id=existing)
            turn.ack(response_action="errors", errors={"title": text})
            return
    if form.request_type is None and len(turn.desk.tickets.env.structure.request_types) > 1:
        # Slack asks for the select before it submits; a payload without it is told too.
        label = turn.t("bot.field.request_type")
        text = turn.t("error.field_required", label=label)
        turn.ack(response_action="errors", errors={REQUEST_TYPE_BLOCK: text})
        return
    named = not_people(turn, form)
    if named:
        turn.ack(response_action="errors", errors=named)
        return
    try:
        turn.desk.tickets.open_ticket(
            turn.actor,
            title=form.title,
            description=form.description,
            priority=form.priority,
            request_key=_request_key(view),
            reporter_id=source.reporter_id if source else None,
            source=source.message if source else None,
            files=source.files if source else (),
            request_type=form.request_type,
            fields=form.fields,
            followers=form.followers,
            on_behalf_of=form.on_behalf_of,
        )
    except NotAllowed as refused:
        # Only support and admins may name someone else (their form alone offers it):
        # a submission that names someone anyway is told so under that input.
        if refused.action != Action.OPEN_ON_BEHALF:
            raise
        turn.ack(response_action="errors", errors={ON_BEHALF_BLOCK: refused.message(turn.lang)})
        return
    except InvalidFields as wrong:
        # Each under its own input, all at once; nothing was stored.
        kind = form.request_type or ""
        errors = {field_block_id(kind, e.field or ""): e.message(turn.lang) for e in wrong.errors}
        turn.ack(response_action="errors", errors=errors)
        return
    turn.ack()


def submit_support_reply(turn: Turn) -> None:
    view = _view(turn)
    turn.error_block = entry_text_block(view)
    ticket_id = ticket_of_view(view)
    try:
        entry = turn.desk.conversation.add_support_reply(
            turn.actor,
            ticket_id,
            entry_text(view),
            request_key=_request_key(view),
            files=attached_files(entry_files(view)),
        )
    except InvalidInput as wrong:
        # Under the text input, whichever block_id a saved reply gave it.
        if wrong.field != "text":
            raise
        turn.ack(response_action="errors", errors={turn.error_block: wrong.message(turn.lang)})
        return
    turn.ack()
    tell_reply_sent(turn, ticket_id, entry)


def submit_internal_note(turn: Turn) -> None:
    view = _view(turn)
    turn.desk.conversation.add_internal_note(
        turn.actor, ticket_of_view(view), entry_text(view), request_key=_request_key(view)
    )
    turn.ack()
