"""Events: the reporter answering in their ticket's DM thread; the App Home opening."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks, mrkdwn
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
    event: Any = turn.body.get("event")
    if not isinstance(event, dict) or event.get("tab", "home") != "home":
        return
    user = event.get("user")
    if not isinstance(user, str):
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
    event: Any = turn.body.get("event")
    if not isinstance(event, dict):
        return
    if event.get("subtype") == "message_changed":
        _reply_edited(turn, event)
        return
    if event.get("subtype") == "message_deleted":
        _reply_deleted(turn, event)
        return
    if _is_human_top_level_dm(event):
        # Someone writes to the bot outside any ticket: offer to open one from it, once
        # per event however often Slack redelivers it.
        event_id = turn.body.get("event_id")
        if turn.refused_as_external(once_per=event_id if isinstance(event_id, str) else None):
            return
        if isinstance(event_id, str) and not turn.desk.conversation.first_time(f"event:{event_id}"):
            return
        try:
            turn.client.chat_postMessage(
                channel=event["channel"],
                text=turn.t("bot.dm.offer"),
                blocks=blocks.dm_offer(turn.lang, event["ts"]),
            )
        except SlackApiError as error:
            log.info(
                "could not answer a DM: %s",
                error.response.get("error"),
                extra={"slack_error": error.response.get("error")},
            )
        return
    if not _is_human_thread_reply_in_dm(event):
        return
    event_id = turn.body.get("event_id")
    ticket_id = turn.desk.conversation.ticket_of_reporter_thread(
        event["channel"], event["thread_ts"]
    )
    if ticket_id is None:
        _answer_in_thread(turn, event, event_id, turn.t("bot.dm.not_a_ticket_thread"))
        return
    try:
        turn.desk.conversation.add_reporter_reply(
            event["user"],
            ticket_id,
            # Stored on the ticket and relayed to the team: the help desk's language.
            reply_text(turn.desk_lang, event),
            # Slack redelivers an event it thinks we missed; its id makes that harmless.
            request_key=f"event:{event_id}" if isinstance(event_id, str) else None,
            source=(event["channel"], event["ts"]) if isinstance(event.get("ts"), str) else None,
            files=attached_files(event.get("files")),
        )
    except TicketError as error:
        # The key, not the message: a message may quote what the person typed.
        log.info("reporter reply to #%s not stored: %s", ticket_id, error.key)
        reason = mrkdwn.escape(error.message(turn.lang))
        _answer_in_thread(
            turn, event, event_id, turn.t("bot.dm.not_taken", ticket_id=ticket_id, reason=reason)
        )


def _reply_edited(turn: Turn, event: dict[str, Any]) -> None:
    """The reporter edited a message in a DM with the bot: if it is a ticket's reply,
    the stored reply and its copy for the team follow."""
    message: Any = event.get("message")
    channel = event.get("channel")
    if event.get("channel_type") != "im" or not isinstance(channel, str):
        return
    if not _is_persons_message(message):
        return  # the bot's own messages (a thread's root gaining replies), or no one's
    if _says_the_same(message, event.get("previous_message")):
        return  # a link preview appearing, or another change of nothing the person wrote
    event_id = turn.body.get("event_id")
    try:
        turn.desk.conversation.edit_from_chat(
            message["user"],
            (channel, message["ts"]),
            # As the reply was stored: in the help desk's language.
            reply_text(turn.desk_lang, message),
            request_key=f"event:{event_id}" if isinstance(event_id, str) else None,
        )
    except TicketError as error:
        # E.g. everything was edited away: the reply keeps what it said.
        log.info("edit of a reporter reply not taken: %s", error.key)


def _reply_deleted(turn: Turn, event: dict[str, Any]) -> None:
    """The reporter deleted a message in a DM with the bot: if it is a ticket's reply,
    it is withdrawn."""
    previous: Any = event.get("previous_message")
    channel, deleted_ts = event.get("channel"), event.get("deleted_ts")
    if event.get("channel_type") != "im" or not isinstance(channel, str):
        return
    if not isinstance(deleted_ts, str) or not _is_persons_message(previous):
        return
    event_id = turn.body.get("event_id")
    try:
        turn.desk.conversation.withdraw_from_chat(
            previous["user"],
            (channel, deleted_ts),
            request_key=f"event:{event_id}" if isinstance(event_id, str) else None,
        )
    except TicketError as error:
        log.info("withdrawal of a reporter reply not taken: %s", error.key)


def _says_the_same(message: dict[str, Any], previous: Any) -> bool:
    """Same text and same files as before: Slack's edit carries nothing to relay."""
    if not isinstance(previous, dict):
        return False
    return message.get("text") == previous.get("text") and _file_ids(message) == _file_ids(previous)


def _file_ids(message: dict[str, Any]) -> list[Any]:
    files = message.get("files")
    if not isinstance(files, list):
        return []
    return [file.get("id") if isinstance(file, dict) else file for file in files]


def _is_persons_message(message: Any) -> bool:
    return (
        isinstance(message, dict)
        and message.get("subtype") in PERSON_SUBTYPES
        and not message.get("bot_id")
        and isinstance(message.get("user"), str)
        and isinstance(message.get("ts"), str)
    )


def reply_text(lang: Language, event: dict[str, Any]) -> str:
    """What the reporter wrote, as they wrote it, and which files came with it.

    Naming the files tells support what follows: each file itself is relayed on its own.
    """
    text = mrkdwn.decode_incoming(str(event.get("text") or "")).strip()
    names = _file_names(event.get("files"))
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


def _file_names(files: Any) -> list[str]:
    if not isinstance(files, list):
        return []
    names = []
    for file in files:
        if isinstance(file, dict):
            name = file.get("name") or file.get("title") or file.get("id") or "?"
            names.append(" ".join(str(name).split())[:FILE_NAME_MAX])
    return names


def _answer_in_thread(turn: Turn, event: dict[str, Any], event_id: Any, text: str) -> None:
    """Tell the person in their thread why their words were not kept: once per event,
    however often Slack redelivers it."""
    if isinstance(event_id, str) and not turn.desk.conversation.first_time(f"answered:{event_id}"):
        return
    try:
        turn.client.chat_postMessage(
            channel=event["channel"], thread_ts=event["thread_ts"], text=text
        )
    except SlackApiError as error:
        log.warning(
            "could not answer in a DM thread: %s",
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )


def _is_human_top_level_dm(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in PERSON_SUBTYPES
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and isinstance(event.get("ts"), str)
        and event.get("thread_ts") in (None, event.get("ts"))
    )


def _is_human_thread_reply_in_dm(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in PERSON_SUBTYPES
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and isinstance(event.get("thread_ts"), str)
        and event.get("thread_ts") != event.get("ts")
    )
