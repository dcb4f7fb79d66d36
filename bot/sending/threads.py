"""Sending in the ticket's threads (`blocks/thread.py`): the reporter's DM thread, the
team's thread under the card (a relayed reply edited or withdrawn in place), the
ticket's number under the message it was made from, and a role change told by DM."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.approvals import APPROVAL_EVENTS, approval_thread_text
from bot.blocks.following import FOLLOWER_ADDED_EVENT, follower_added_text
from bot.blocks.moving import MOVED_EVENTS, moved_text
from bot.blocks.retyping import TYPE_CHANGED_EVENT, desk_names, type_changed_text
from bot.blocks.thread import (
    opened_for_root_blocks,
    opened_for_root_text,
    opened_for_you,
    reporter_root_text,
    reporter_thread_blocks,
    role_text,
    thread_texts,
    withdrawn_text,
)
from bot.blocks.timers import target_text
from bot.mrkdwn import escape, mention
from bot.sending.slack import Sender, Slack, said_on_the_card, the_ticket
from bot.words import translate
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.views import TicketSummary


def texts_of(
    slack: Slack,
    lang: Language,
    ticket: TicketSummary,
    payload: dict[str, Any],
    *,
    for_reporter: bool,
) -> list[str]:
    """What a thread message says; a move names the teams as the desk file does, a
    change of type the types."""
    if payload.get("event") in MOVED_EVENTS:
        return [moved_text(lang, ticket.id, payload, slack.team_name, for_reporter=for_reporter)]
    if payload.get("event") == FOLLOWER_ADDED_EVENT:
        return [follower_added_text(lang, ticket.id, payload)]
    if payload.get("event") == TYPE_CHANGED_EVENT:
        return [type_changed_text(lang, ticket.id, payload, desk_names(slack.desk))]
    if payload.get("event") in APPROVAL_EVENTS:
        return [approval_thread_text(lang, ticket.id, payload, for_reporter=for_reporter)]
    return thread_texts(lang, ticket.id, payload, for_reporter=for_reporter)


def under_the_card(slack: Slack, message: Outgoing) -> Delivered:
    ticket, thread = the_ticket(message), message.thread
    channel = thread.support_channel or slack.team_channel(ticket.team_id)
    if message.payload.get("event") == "sla_warning":
        text = target_text(slack.lang, ticket, thread, message.payload)
        return slack.post(channel=channel, thread_ts=thread.support_ts, text=text, message=message)
    moved_away = message.payload.get("event") == "moved"
    if (ticket.deleted or moved_away) and not thread.support_ts:
        return Delivered()  # its card never went out: nothing to note it under
    texts = texts_of(slack, slack.lang, ticket, message.payload, for_reporter=False)
    return slack.post_parts(message, texts, channel=channel, thread_ts=thread.support_ts)


def edit_under_the_card(slack: Slack, message: Outgoing) -> Delivered:
    ticket = the_ticket(message)
    texts = thread_texts(slack.lang, ticket.id, message.payload, for_reporter=False)
    return slack.edit_copy(message, texts, thread_ts=message.thread.support_ts)


def withdraw_under_the_card(slack: Slack, message: Outgoing) -> Delivered:
    the_ticket(message)
    return slack.withdraw_copy(message, withdrawn_text(slack.lang, message.payload))


def card_thread(slack: Slack, message: Outgoing) -> str | None:
    if message.ticket is None:
        return None
    return message.thread.support_channel or slack.team_channel(message.ticket.team_id)


def reporter_root(slack: Slack, message: Outgoing) -> Delivered:
    ticket = the_ticket(message)
    lang = slack.language_of(ticket.reporter_id)
    if opened_for_you(ticket, message.payload):
        # Someone else opened it from the reporter's message: they are told who, from
        # which message, what was submitted in their name, and may withdraw it.
        text = opened_for_root_text(lang, ticket, message.payload)
        return slack.post(
            channel=ticket.reporter_id,
            text=text,
            blocks=opened_for_root_blocks(lang, ticket, message.payload, text),
            message=message,
        )
    return slack.post(
        channel=ticket.reporter_id, text=reporter_root_text(lang, ticket), message=message
    )


def reporter_thread(slack: Slack, message: Outgoing) -> Delivered:
    ticket, thread = the_ticket(message), message.thread
    lang = slack.language_of(ticket.reporter_id)
    texts = texts_of(slack, lang, ticket, message.payload, for_reporter=True)
    return slack.post_parts(
        message,
        texts,
        channel=thread.reporter_channel or ticket.reporter_id,
        thread_ts=thread.reporter_ts,
        blocks=reporter_thread_blocks(lang, ticket, message.payload, texts[0]),
    )


def reporters_dm(_slack: Slack, message: Outgoing) -> str | None:
    # Counted under the reporter's ID, as the thread's first message was.
    return message.ticket.reporter_id if message.ticket is not None else None


def under_the_source(slack: Slack, message: Outgoing) -> Delivered:
    ticket = the_ticket(message)
    text = translate(
        "bot.source.opened", slack.lang, ticket_id=ticket.id, reporter=mention(ticket.reporter_id)
    )
    try:
        return slack.post(
            channel=message.payload["channel"],
            thread_ts=message.payload["thread_ts"],
            text=text,
            message=message,
        )
    except SlackApiError as error:
        if error.response.get("error") not in ("not_in_channel", "channel_not_found"):
            raise
        return _source_told_privately(slack, message, ticket.id, ticket.reporter_id)


def _source_told_privately(
    slack: Slack, message: Outgoing, ticket_id: int, reporter: str
) -> Delivered:
    """A shortcut on a message in a channel the bot is not in: the ticket is there,
    and the person who made it hears so by DM, with how to add the bot."""
    person = str(message.payload.get("actor") or reporter)
    text = translate(
        "bot.source.not_in_channel",
        slack.language_of(person),
        ticket_id=ticket_id,
        reporter=mention(reporter),
        channel=escape(str(message.payload.get("channel") or "")),
    )
    return slack.post(channel=person, text=text, message=message)


def source_channel(_slack: Slack, message: Outgoing) -> str | None:
    if message.ticket is None:
        return None
    return str(message.payload.get("channel") or "") or None


def role_changed(slack: Slack, message: Outgoing) -> Delivered:
    user, team = message.payload["user"], message.payload.get("team")
    team_name = slack.team_name(str(team)) if team else None
    text = role_text(slack.language_of(user), message.payload, team_name)
    return slack.post(channel=user, text=text, message=message)


def to_the_person(_slack: Slack, message: Outgoing) -> str | None:
    return str(message.payload.get("user") or "") or None


SENDERS = {
    MessageKind.SUPPORT_THREAD: Sender(
        under_the_card, channel=card_thread, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.SUPPORT_THREAD_EDIT: Sender(
        edit_under_the_card, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.SUPPORT_THREAD_WITHDRAW: Sender(
        withdraw_under_the_card, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.REPORTER_ROOT: Sender(reporter_root, channel=reporters_dm, told_as="reporter"),
    MessageKind.REPORTER_THREAD: Sender(reporter_thread, channel=reporters_dm, told_as="reporter"),
    MessageKind.SOURCE_THREAD: Sender(under_the_source, channel=source_channel, told_as="source"),
    MessageKind.DIRECT: Sender(role_changed, channel=to_the_person, told_as="person"),
}
