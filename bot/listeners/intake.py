"""Tickets from where people already talk: the message shortcut, the ticket reaction and
the offer under a DM to the bot. The reporter is always the message's author."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.common import clip
from bot.incoming import BadPayload, BlockActions, EventCallback, Shortcut
from bot.incoming.objects import Message, ReactionAdded
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.forms import form_for
from bot.mrkdwn import decode_incoming, escape, mention
from bot.payloads import CardAction, TicketSource, attached_files
from bot.slack_ids import is_dm
from bot.words import translate
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import DESCRIPTION_MAX, TITLE_MAX, MessageSource
from flashticket_core.errors import IntakeLimited, TicketError
from flashticket_core.i18n import Language
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


def _person_message(message: Message | None) -> Message | None:
    """The message, if a person wrote it (not a bot, not a join or an edit notice)."""
    if message is None or message.bot_id or message.subtype not in PERSON_SUBTYPES:
        return None
    return message if message.user is not None and message.ts is not None else None


def _source(channel: str, message: Message) -> MessageSource:
    ts = message.ts or ""
    return MessageSource(channel, ts, message.thread_ts or ts)


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


def _open_modal_from(turn: Turn, channel: str, message: Message, reporter: str) -> None:
    title, description = title_and_description(message.text or "")
    files = tuple(attached_files(message.files) if reporter == message.user else ())
    source = TicketSource(_source(channel, message), reporter, files)
    kinds, meta = form_for(turn.desk.env.structure, channel)
    modal = blocks.new_ticket_modal(
        turn.lang, title=title, description=description, source=source.metadata(meta), kinds=kinds
    )
    turn.open_modal(modal)


def shortcut_on_message(turn: Turn) -> None:
    """ "Create ticket" on a message: the new-ticket modal, filled from it."""
    if turn.refused_as_external():
        return
    turn.ack()
    shortcut = turn.expect(Shortcut)
    channel, message = shortcut.channel_of(), shortcut.message
    if channel is None or message is None:
        raise BadPayload("message shortcut without its message")
    if message.ts is None:
        raise BadPayload("message shortcut without the message's ts")
    author = _person_message(message)
    # A bot's message has no person behind it: whoever asked reports it.
    reporter = author.user if author is not None and author.user else turn.actor
    if reporter != turn.actor:
        # Said before the form opens, not after it was filled in (the submission is
        # held to the limit again).
        turn.desk.intake.check_allowance(turn.actor)
    _open_modal_from(turn, channel, message, reporter)


def withdraw(turn: Turn) -> None:
    """The reporter takes back a ticket someone else opened in their name (the core
    checks it is theirs and was opened for them); their DM thread is told."""
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    turn.desk.tickets.withdraw(turn.actor, action.ticket_id)


def open_from_dm(turn: Turn) -> None:
    """The button under the bot's answer to a DM: a ticket from that DM."""
    if turn.refused_as_external():
        return
    turn.ack()
    click = turn.expect(BlockActions)
    ts = click.action.value
    channel = click.container.channel_id if click.container else None
    if ts is None or channel is None or not is_dm(channel):
        raise BadPayload("DM offer without its message")
    message = _fetch(turn, channel, ts)
    if message is None:
        turn.say(turn.t("bot.source.unreadable"))
        return
    _open_modal_from(turn, channel, message, turn.actor)


class Reaction(BaseModel):
    """The ticket reaction, as much of it as is known before its message is read."""

    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")

    channel: str
    ts: str
    user: str  # who reacted
    item_user: str | None = None  # the message's author, as the event says
    event_key: str | None = None

    def details(self) -> dict[str, str]:
        """What the outbox keeps to try again (it adds who reacted)."""
        return self.model_dump(exclude={"user"}, exclude_none=True)

    @classmethod
    def of_details(cls, details: Any) -> Reaction:
        try:
            return cls.model_validate(details)
        except ValidationError:
            raise BadPayload("a deferred reaction without its message") from None


class MessageNotReadYet(Exception):
    """Slack would not give the message now (429, an outage): worth asking again later."""

    def __init__(self, error: SlackApiError) -> None:
        super().__init__(error.response.get("error"))
        self.error = error


def reaction_added(turn: Turn) -> None:
    """The ticket reaction on a message: a ticket from it at once, one per message."""
    turn.ack()
    event = turn.expect(ReactionAdded)
    emoji = turn.context.get("ticket_emoji")
    item, user = event.item, event.user
    if not emoji or event.reaction != emoji or item is None or user is None:
        return
    channel, ts = item.channel, item.ts
    if item.type != "message" or channel is None or ts is None:
        return
    bot_user = turn.context.bot_user_id
    if user == bot_user or event.item_user == bot_user:
        return
    if turn.refused_as_external(once_per=_event_key(turn)):
        return
    reaction = Reaction(
        channel=channel, ts=ts, user=user, item_user=event.item_user, event_key=_event_key(turn)
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
        title, description = title_and_description(message.text or "")
        try:
            desk.tickets.open_ticket(
                reaction.user,
                title=title or translate("bot.source.untitled", self.lang),
                description=description,
                priority=Priority.MEDIUM,
                reporter_id=message.user or reaction.user,
                source=source,
                request_key=reaction.event_key,
                files=attached_files(message.files),
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
    event_id = turn.expect(EventCallback).event_id
    return f"event:{event_id}" if event_id else None


def _fetch(turn: Turn, channel: str, ts: str) -> Message | None:
    try:
        return read_message(turn.client, channel, ts)
    except MessageNotReadYet:
        return None


def read_message(client: WebClient, channel: str, ts: str) -> Message | None:
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


# Messages as Slack's history gives them: of the shape a message event carries.
_MESSAGES: TypeAdapter[list[Message]] = TypeAdapter(list[Message])


def _with_ts(messages: Any, ts: str) -> Message | None:
    try:
        found = _MESSAGES.validate_python(messages or [])
    except ValidationError as error:
        log.info("unusable message in Slack's answer: %s", error.errors()[0]["loc"])
        return None
    return next((message for message in found if message.ts == ts), None)
