"""Tickets from where people already talk: the message shortcut, the ticket reaction and
the offer under a DM to the bot. The reporter is always the message's author."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.common import clip
from bot.listener_turn import Kind, Turn, listener
from bot.mrkdwn import decode_incoming
from bot.payloads import BadPayload, TicketSource, attached_files
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import DESCRIPTION_MAX, TITLE_MAX, MessageSource
from flashticket_core.service_layer.common import SLACK_USER_ID

log = logging.getLogger(__name__)

# Subtypes of a message a person wrote: plain, also sent to the channel, with files.
PERSON_SUBTYPES = (None, "thread_broadcast", "file_share")


def register(app: App) -> None:
    app.shortcut(blocks.FROM_MESSAGE)(listener(Kind.ACTION)(shortcut_on_message))
    app.action(blocks.FROM_DM)(listener(Kind.ACTION)(open_from_dm))
    app.event("reaction_added")(listener(Kind.EVENT)(reaction_added))


def title_and_description(text: str) -> tuple[str, str]:
    """A message's text as a ticket: its first line is the title, the whole text the
    description, decoded once from Slack's encoding and cut to what a ticket holds (the
    message itself stays in Slack, its thread told the ticket's number)."""
    whole = decode_incoming(text).strip()
    first = next((line.strip() for line in whole.splitlines() if line.strip()), "")
    return clip(first, TITLE_MAX), clip(whole, DESCRIPTION_MAX)


def _person_message(message: Any) -> dict[str, Any] | None:
    """The message, if a person wrote it (not a bot, not a join or an edit notice)."""
    if not isinstance(message, dict) or message.get("bot_id"):
        return None
    if message.get("subtype") not in PERSON_SUBTYPES:
        return None
    user, ts = message.get("user"), message.get("ts")
    if not (isinstance(user, str) and SLACK_USER_ID.match(user) and isinstance(ts, str)):
        return None
    return message


def _source(channel: str, message: dict[str, Any]) -> MessageSource:
    ts = str(message["ts"])
    thread_ts = message.get("thread_ts")
    return MessageSource(channel, ts, thread_ts if isinstance(thread_ts, str) else ts)


def _is_a_ticket_message(turn: Turn, source: MessageSource) -> bool:
    """A ticket's card, its DM root, or a message in one of its threads."""
    conversation = turn.desk.conversation
    return any(
        found is not None
        for found in (
            conversation.ticket_of_support_post(source.channel, source.ts),
            conversation.ticket_of_support_post(source.channel, source.thread_ts),
            conversation.ticket_of_reporter_thread(source.channel, source.ts),
            conversation.ticket_of_reporter_thread(source.channel, source.thread_ts),
        )
    )


def _open_modal_from(turn: Turn, channel: str, message: dict[str, Any], reporter: str) -> None:
    title, description = title_and_description(str(message.get("text") or ""))
    files = tuple(attached_files(message.get("files")) if reporter == message.get("user") else ())
    source = TicketSource(_source(channel, message), reporter, files)
    turn.open_modal(
        blocks.new_ticket_modal(
            turn.lang, title=title, description=description, source=source.metadata()
        )
    )


def shortcut_on_message(turn: Turn) -> None:
    """ "Create ticket" on a message: the new-ticket modal, filled from it."""
    if turn.refused_as_external():
        return
    turn.ack()
    channel = turn.body.get("channel")
    channel_id = channel.get("id") if isinstance(channel, dict) else None
    message = turn.body.get("message")
    if not isinstance(channel_id, str) or not isinstance(message, dict):
        raise BadPayload("message shortcut without its message")
    if not isinstance(message.get("ts"), str):
        raise BadPayload("message shortcut without the message's ts")
    author = _person_message(message)
    # A bot's message has no person behind it: whoever asked reports it.
    reporter = str(author["user"]) if author is not None else turn.actor
    _open_modal_from(turn, channel_id, message, reporter)


def open_from_dm(turn: Turn) -> None:
    """The button under the bot's answer to a DM: a ticket from that DM."""
    if turn.refused_as_external():
        return
    turn.ack()
    actions = turn.body.get("actions")
    container = turn.body.get("container")
    ts = actions[0].get("value") if isinstance(actions, list) and actions else None
    channel = container.get("channel_id") if isinstance(container, dict) else None
    if not isinstance(ts, str) or not isinstance(channel, str) or not channel.startswith("D"):
        raise BadPayload("DM offer without its message")
    message = _fetch(turn, channel, ts)
    if message is None:
        turn.say(turn.t("bot.source.unreadable"))
        return
    _open_modal_from(turn, channel, message, turn.actor)


def reaction_added(turn: Turn) -> None:
    """The ticket reaction on a message: a ticket from it at once, one per message."""
    turn.ack()
    event: Any = turn.body.get("event")
    emoji = turn.context.get("ticket_emoji")
    if not emoji or not isinstance(event, dict) or event.get("reaction") != emoji:
        return
    item = event.get("item")
    user = event.get("user")
    if not isinstance(item, dict) or item.get("type") != "message" or not isinstance(user, str):
        return
    channel, ts = item.get("channel"), item.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return
    bot_user = turn.context.bot_user_id
    if user == bot_user or event.get("item_user") == bot_user:
        return
    if turn.refused_as_external(once_per=_event_key(turn)):
        return
    message = _person_message(_fetch(turn, channel, ts))
    if message is None:
        return
    source = _source(channel, message)
    if _is_a_ticket_message(turn, source):
        return
    existing = turn.desk.tickets.ticket_of_message(source)
    if existing is not None:
        _answer_once(turn, source, turn.t("bot.source.exists", ticket_id=existing))
        return
    title, description = title_and_description(str(message.get("text") or ""))
    turn.desk.tickets.open_ticket(
        user,
        title=title or turn.t("bot.source.untitled"),
        description=description,
        priority=Priority.MEDIUM,
        reporter_id=str(message["user"]),
        source=source,
        request_key=_event_key(turn),
        files=attached_files(message.get("files")),
    )


def _event_key(turn: Turn) -> str | None:
    event_id = turn.body.get("event_id")
    return f"event:{event_id}" if isinstance(event_id, str) else None


def _answer_once(turn: Turn, source: MessageSource, text: str) -> None:
    # One event is handled once: a redelivery of the one that made the ticket, or of
    # one already answered, says nothing.
    key = _event_key(turn)
    if key is not None and not turn.desk.conversation.first_time(key):
        return
    try:
        turn.client.chat_postMessage(channel=source.channel, thread_ts=source.thread_ts, text=text)
    except SlackApiError as error:
        log.info(
            "could not answer under a message: %s",
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )


def _fetch(turn: Turn, channel: str, ts: str) -> dict[str, Any] | None:
    """One message by its ts: from the channel's history, or, a reply, from its thread."""
    try:
        history = turn.client.conversations_history(
            channel=channel, latest=ts, inclusive=True, limit=1
        )
        found = _with_ts(history.get("messages"), ts)
        if found is not None:
            return found
        replies = turn.client.conversations_replies(
            channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=2
        )
        return _with_ts(replies.get("messages"), ts)
    except SlackApiError as error:
        log.info(
            "cannot read message %s in %s: %s",
            ts,
            channel,
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )
        return None


def _with_ts(messages: Any, ts: str) -> dict[str, Any] | None:
    if not isinstance(messages, list):
        return None
    for message in messages:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None
