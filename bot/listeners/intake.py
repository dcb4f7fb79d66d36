"""Tickets from where people already talk: the message shortcut, the ticket reaction and
the offer under a DM to the bot. The reporter is always the message's author."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.common import clip
from bot.listener_turn import Kind, Turn, listener
from bot.mrkdwn import decode_incoming, escape, mention
from bot.payloads import (
    BadPayload,
    CardAction,
    TicketSource,
    action_raw_value,
    attached_files,
)
from bot.words import translate
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import DESCRIPTION_MAX, TITLE_MAX, MessageSource
from flashticket_core.errors import IntakeLimited, TicketError
from flashticket_core.i18n import Language
from flashticket_core.service_layer.common import SLACK_USER_ID
from flashticket_core.service_layer.desk import HelpDesk

log = logging.getLogger(__name__)

# Subtypes of a message a person wrote: plain, also sent to the channel, with files.
PERSON_SUBTYPES = (None, "thread_broadcast", "file_share")
# Reading a message again after Slack refused for a while: when Slack does not say, and
# at most (Slack's history may allow one read a minute for some apps).
READ_AGAIN_SECONDS = 30.0
READ_AGAIN_MAX_SECONDS = 300.0


def register(app: App) -> None:
    app.shortcut(blocks.FROM_MESSAGE)(listener(Kind.ACTION)(shortcut_on_message))
    app.action(blocks.FROM_DM)(listener(Kind.ACTION)(open_from_dm))
    app.event("reaction_added")(listener(Kind.EVENT)(reaction_added))
    app.action(blocks.WITHDRAW)(listener(Kind.ACTION)(withdraw))


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


def is_a_ticket_message(desk: HelpDesk, source: MessageSource) -> bool:
    """A ticket's card, its DM root, or a message in one of its threads."""
    conversation = desk.conversation
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
    if reporter != turn.actor:
        # Said before the form opens, not after it was filled in (the submission is
        # held to the limit again).
        turn.desk.intake.check_allowance(turn.actor)
    _open_modal_from(turn, channel_id, message, reporter)


def withdraw(turn: Turn) -> None:
    """The reporter takes back a ticket someone else opened in their name (the core
    checks it is theirs and was opened for them); their DM thread is told."""
    turn.ack()
    actions = turn.body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise BadPayload("no action")
    action = CardAction.parse(action_raw_value(actions[0]))
    turn.desk.tickets.withdraw(turn.actor, action.ticket_id)


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


@dataclass(frozen=True)
class Reaction:
    """The ticket reaction, as much of it as is known before its message is read."""

    channel: str
    ts: str
    user: str  # who reacted
    item_user: str | None  # the message's author, as the event says
    event_key: str | None

    def details(self) -> dict[str, str]:
        details = {"channel": self.channel, "ts": self.ts}
        if self.item_user:
            details["item_user"] = self.item_user
        if self.event_key:
            details["event_key"] = self.event_key
        return details

    @classmethod
    def of_details(cls, details: dict[str, Any]) -> Reaction:
        channel, ts, user = details.get("channel"), details.get("ts"), details.get("user")
        if not (isinstance(channel, str) and isinstance(ts, str) and isinstance(user, str)):
            raise BadPayload("a deferred reaction without its message")
        item_user, key = details.get("item_user"), details.get("event_key")
        return cls(
            channel,
            ts,
            user,
            item_user if isinstance(item_user, str) else None,
            key if isinstance(key, str) else None,
        )


class MessageNotReadYet(Exception):
    """Slack would not give the message now (429, an outage): worth asking again later."""

    def __init__(self, error: SlackApiError) -> None:
        super().__init__(error.response.get("error"))
        self.error = error


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
    item_user = event.get("item_user")
    reaction = Reaction(
        channel, ts, user, item_user if isinstance(item_user, str) else None, _event_key(turn)
    )
    intake = ReactionIntake(turn.desk, turn.client, turn.lang)
    try:
        intake.take(reaction)
    except MessageNotReadYet as busy:
        # Dropping it would lose what the person asked for, and asking them to react
        # again would likely meet the same limit: the outbox asks Slack again once it
        # lets us (Retry-After), across restarts, and opens the ticket then.
        # One deferred read per person and message: toggling the emoji meanwhile adds
        # neither reads nor answers.
        if not turn.desk.conversation.first_time(f"later:{_told_key(reaction)}"):
            return
        after = _retry_after(busy.error)
        log.info("message %s in %s not readable yet; asking again in %ss", ts, channel, after)
        turn.desk.tickets.open_from_message_later(
            user, reaction.details(), after=timedelta(seconds=after)
        )
        intake.tell(reaction, turn.t("bot.source.busy"))


def retry_reaction(
    desk: HelpDesk, language_of: Callable[[str], Language], client: WebClient, details: Any
) -> None:
    """The outbox's second try at a reaction whose message Slack would not give before.
    A Slack error propagates, for the outbox to classify and retry or give up."""
    if not isinstance(details, dict):
        raise BadPayload("a deferred reaction without its details")
    reaction = Reaction.of_details(details)
    try:
        ReactionIntake(desk, client, language_of(reaction.user)).take(reaction)
    except MessageNotReadYet as busy:
        raise busy.error from None


def _retry_after(error: SlackApiError) -> float:
    value = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
    try:
        seconds = float(value) if value is not None else READ_AGAIN_SECONDS
    except ValueError:
        seconds = READ_AGAIN_SECONDS
    return min(max(seconds, 1.0), READ_AGAIN_MAX_SECONDS)


class ReactionIntake:
    """What a ticket reaction does, from a listener or from the outbox's second try."""

    def __init__(self, desk: HelpDesk, client: WebClient, lang: Language) -> None:
        self.desk, self.client, self.lang = desk, client, lang

    def take(self, reaction: Reaction) -> None:
        desk = self.desk
        # Known before the message is read: Slack's history is rate-limited, and a
        # reaction toggled 30 times must not read it 30 times.
        existing = desk.tickets.ticket_of_message(
            MessageSource(reaction.channel, reaction.ts, reaction.ts)
        )
        if existing is not None:
            self._tell_once(reaction, translate("bot.source.exists", self.lang, ticket_id=existing))
            return
        if reaction.item_user and reaction.item_user != reaction.user:
            try:
                desk.intake.check_allowance(reaction.user)
            except IntakeLimited as refusal:
                self._refused(reaction, refusal)
                return
        message = _person_message(read_message(self.client, reaction.channel, reaction.ts))
        if message is None:
            return
        source = _source(reaction.channel, message)
        if is_a_ticket_message(desk, source):
            return
        title, description = title_and_description(str(message.get("text") or ""))
        try:
            desk.tickets.open_ticket(
                reaction.user,
                title=title or translate("bot.source.untitled", self.lang),
                description=description,
                priority=Priority.MEDIUM,
                reporter_id=str(message["user"]),
                source=source,
                request_key=reaction.event_key,
                files=attached_files(message.get("files")),
            )
        except IntakeLimited as refusal:
            self._refused(reaction, refusal)
            return
        except TicketError as error:
            # Said to the person who reacted (also when the outbox tried again for them):
            # no retry mends it.
            self.tell(reaction, error.message(self.lang, quote=escape, person=mention))
            return
        # Who made it is told in the message's thread; their own 🎫 again says nothing.
        desk.conversation.first_time(_told_key(reaction))

    def _refused(self, reaction: Reaction, refusal: IntakeLimited) -> None:
        # Told once per window: a person who goes on reacting gets no message per try.
        if self.desk.intake.first_notice_of_limit(reaction.user):
            self.tell(reaction, refusal.message(self.lang))

    def _tell_once(self, reaction: Reaction, text: str) -> None:
        """Tell the person who reacted, once per message, however often they react."""
        if self.desk.conversation.first_time(_told_key(reaction)):
            self.tell(reaction, text)

    def tell(self, reaction: Reaction, text: str) -> None:
        """An answer only the person who reacted sees, where they reacted."""
        try:
            self.client.chat_postEphemeral(channel=reaction.channel, user=reaction.user, text=text)
        except SlackApiError as error:
            log.info(
                "could not answer a reaction: %s",
                error.response.get("error"),
                extra={"slack_error": error.response.get("error")},
            )


def _told_key(reaction: Reaction) -> str:
    return f"ticket-reaction:{reaction.channel}:{reaction.ts}:{reaction.user}"


def _event_key(turn: Turn) -> str | None:
    event_id = turn.body.get("event_id")
    return f"event:{event_id}" if isinstance(event_id, str) else None


def _fetch(turn: Turn, channel: str, ts: str) -> dict[str, Any] | None:
    try:
        return read_message(turn.client, channel, ts)
    except MessageNotReadYet:
        return None


def read_message(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """One message by its ts: from the channel's history, or, a reply, from its thread.
    None if Slack will not give it (not in the channel, gone); `MessageNotReadYet` if it
    may later (a rate limit, an outage)."""
    try:
        history = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        found = _with_ts(history.get("messages"), ts)
        if found is not None:
            return found
        replies = client.conversations_replies(
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
        if error.response.status_code == 429 or error.response.status_code >= 500:
            raise MessageNotReadYet(error) from None
        if error.response.get("error") in ("ratelimited", "internal_error", "fatal_error"):
            raise MessageNotReadYet(error) from None
        return None


def _with_ts(messages: Any, ts: str) -> dict[str, Any] | None:
    if not isinstance(messages, list):
        return None
    for message in messages:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None
