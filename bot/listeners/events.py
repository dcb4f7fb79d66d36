"""Events: the reporter answering in their ticket's DM thread; the App Home opening."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks, mrkdwn
from bot.incoming import EventCallback
from bot.incoming.objects import AppHomeOpened, File, Message, MessageEvent
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import attached_files
from bot.words import translate
from flashticket_core.domain.model import ENTRY_MAX
from flashticket_core.errors import TicketError
from flashticket_core.i18n import Language

log = logging.getLogger(__name__)

# Subtypes of a message a person writes: plain, also sent to the channel, with files.
PERSON_SUBTYPES = (None, "thread_broadcast", "file_share")
FILES_NAMED = 10
FILE_NAME_MAX = 100


def register(app: App) -> None:
    app.event("message")(listener(Kind.EVENT)(direct_message))
    app.event("app_home_opened")(listener(Kind.EVENT)(home_opened))
    # The message with `files` is what relays them; this one only says a file exists.
    app.event("file_shared")(listener(Kind.EVENT)(file_shared))


def file_shared(turn: Turn) -> None:
    turn.ack()


def home_opened(turn: Turn) -> None:
    """Publish the person's Home now, and keep it current while they look at it."""
    turn.ack()
    event = turn.expect(AppHomeOpened)
    user = event.user
    if (event.tab or "home") != "home" or user is None:
        return
    turn.desk.people.home_opened(user)
    try:
        turn.client.views_publish(
            user_id=user, view=blocks.home(turn.lang, turn.desk.queries.home(user))
        )
    except SlackApiError as error:
        # Nobody asked for anything: an apology in their DM would only puzzle them.
        # The Home is published again on the next opening or change.
        log.warning(
            "could not publish the Home of %s: %s",
            user,
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )


def direct_message(turn: Turn) -> None:
    turn.ack()
    event = turn.expect(MessageEvent)
    event_id = turn.expect(EventCallback).event_id
    if event.subtype == "message_changed":
        _reply_edited(turn, event, event_id)
        return
    if event.subtype == "message_deleted":
        _reply_deleted(turn, event, event_id)
        return
    user, channel, ts = _author(event), event.channel, event.ts
    if event.channel_type != "im" or user is None or channel is None:
        return
    if ts is not None and event.thread_ts in (None, ts):
        # Someone writes to the bot outside any ticket: offer to open one from it, once
        # per event however often Slack redelivers it.
        if turn.refused_as_external(once_per=event_id):
            return
        if event_id and not turn.desk.conversation.first_time(f"event:{event_id}"):
            return
        try:
            turn.client.chat_postMessage(
                channel=channel, text=turn.t("bot.dm.offer"), blocks=blocks.dm_offer(turn.lang, ts)
            )
        except SlackApiError as error:
            log.info(
                "could not answer a DM: %s",
                error.response.get("error"),
                extra={"slack_error": error.response.get("error")},
            )
        return
    thread_ts = event.thread_ts
    if thread_ts is None or thread_ts == ts:
        return
    ticket_id = turn.desk.conversation.ticket_of_reporter_thread(channel, thread_ts)
    if ticket_id is None:
        _answer_in_thread(turn, channel, thread_ts, event_id, turn.t("bot.dm.not_a_ticket_thread"))
        return
    try:
        turn.desk.conversation.add_reporter_reply(
            user,
            ticket_id,
            # Stored on the ticket and relayed to the team: the help desk's language.
            reply_text(turn.desk_lang, event),
            # Slack redelivers an event it thinks we missed; its id makes that harmless.
            request_key=f"event:{event_id}" if event_id else None,
            source=(channel, ts) if ts else None,
            files=attached_files(event.files),
        )
    except TicketError as error:
        # The key, not the message: a message may quote what the person typed.
        log.info("reporter reply to #%s not stored: %s", ticket_id, error.key)
        reason = mrkdwn.escape(error.message(turn.lang))
        text = turn.t("bot.dm.not_taken", ticket_id=ticket_id, reason=reason)
        _answer_in_thread(turn, channel, thread_ts, event_id, text)


def _author(message: Message | None) -> str | None:
    """Who wrote a message, if a person did (not a bot, not a join or an edit notice)."""
    if message is None or message.subtype not in PERSON_SUBTYPES or message.bot_id:
        return None
    return message.user


def _reply_edited(turn: Turn, event: MessageEvent, event_id: str | None) -> None:
    """The reporter edited a message in a DM with the bot: if it is a ticket's reply,
    the stored reply and its copy for the team follow."""
    channel, message = event.channel, event.message
    if event.channel_type != "im" or channel is None or message is None:
        return
    user, ts = _author(message), message.ts
    if user is None or ts is None:
        return  # the bot's own messages (a thread's root gaining replies), or no one's
    if _says_the_same(message, event.previous_message):
        return  # a link preview appearing, or another change of nothing the person wrote
    try:
        turn.desk.conversation.edit_from_chat(
            user,
            (channel, ts),
            # As the reply was stored: in the help desk's language.
            reply_text(turn.desk_lang, message),
            request_key=f"event:{event_id}" if event_id else None,
        )
    except TicketError as error:
        # E.g. everything was edited away: the reply keeps what it said.
        log.info("edit of a reporter reply not taken: %s", error.key)


def _reply_deleted(turn: Turn, event: MessageEvent, event_id: str | None) -> None:
    """The reporter deleted a message in a DM with the bot: if it is a ticket's reply,
    it is withdrawn."""
    channel, deleted_ts = event.channel, event.deleted_ts
    if event.channel_type != "im" or channel is None or deleted_ts is None:
        return
    previous = event.previous_message
    user = _author(previous)
    if user is None or previous is None or previous.ts is None:
        return
    try:
        turn.desk.conversation.withdraw_from_chat(
            user,
            (channel, deleted_ts),
            request_key=f"event:{event_id}" if event_id else None,
        )
    except TicketError as error:
        log.info("withdrawal of a reporter reply not taken: %s", error.key)


def _says_the_same(message: Message, previous: Message | None) -> bool:
    """Same text and same files as before: Slack's edit carries nothing to relay."""
    if previous is None:
        return False
    return message.text == previous.text and message.file_ids() == previous.file_ids()


def reply_text(lang: Language, message: Message) -> str:
    """What the reporter wrote, as they wrote it, and which files came with it.

    Naming the files tells support what follows: each file itself is relayed on its own.
    """
    text = mrkdwn.decode_incoming(message.text or "").strip()
    names = _file_names(message.files or [])
    if not names:
        return text
    shown = ", ".join(names[:FILES_NAMED])
    if len(names) > FILES_NAMED:
        shown += ", …"
    key = "bot.dm.files.one" if len(names) == 1 else "bot.dm.files.many"
    note = translate(key, lang, count=len(names), names=shown)
    if len(text) + len(note) + 2 > ENTRY_MAX and len(text) <= ENTRY_MAX:
        # The person's words come first; the note never makes a reply too long to keep.
        log.info("no room to name %s attached files in a reply", len(names))
        return text
    return f"{text}\n\n{note}" if text else note


def _file_names(files: list[File]) -> list[str]:
    return [
        " ".join((file.name or file.title or file.id or "?").split())[:FILE_NAME_MAX]
        for file in files
    ]


def _answer_in_thread(
    turn: Turn, channel: str, thread_ts: str, event_id: str | None, text: str
) -> None:
    """Tell the person in their thread why their words were not kept: once per event,
    however often Slack redelivers it."""
    if event_id and not turn.desk.conversation.first_time(f"answered:{event_id}"):
        return
    try:
        turn.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except SlackApiError as error:
        log.warning(
            "could not answer in a DM thread: %s",
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )
