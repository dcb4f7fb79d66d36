"""Events: the reporter answering in their ticket's DM thread; the App Home opening."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.turn import Kind, Turn, listener
from flashticket_core.errors import TicketError

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("message")(listener(Kind.EVENT)(direct_message))
    app.event("app_home_opened")(listener(Kind.EVENT)(home_opened))


def home_opened(turn: Turn) -> None:
    """Publish the person's Home now, and keep it current while they look at it."""
    turn.ack()
    event: Any = turn.body.get("event")
    if not isinstance(event, dict) or event.get("tab", "home") != "home":
        return
    user = event.get("user")
    if not isinstance(user, str):
        return
    turn.service.home_opened(user)
    turn.client.views_publish(user_id=user, view=blocks.home(turn.lang, turn.service.home(user)))


def direct_message(turn: Turn) -> None:
    turn.ack()
    event: Any = turn.body.get("event")
    if not isinstance(event, dict):
        return
    if _is_human_top_level_dm(event):
        # Someone writes to the bot outside any ticket: say where their words count,
        # once per event however often Slack redelivers it.
        event_id = turn.body.get("event_id")
        if isinstance(event_id, str) and not turn.service.first_time(f"event:{event_id}"):
            return
        try:
            turn.client.chat_postMessage(channel=event["channel"], text=turn.t("bot.dm.hint"))
        except SlackApiError as error:
            log.info("could not answer a DM: %s", error.response.get("error"))
        return
    if not _is_human_thread_reply_in_dm(event):
        return
    ticket_id = turn.service.ticket_of_reporter_thread(event["channel"], event["thread_ts"])
    if ticket_id is None:
        return
    event_id = turn.body.get("event_id")
    try:
        turn.service.add_reporter_reply(
            event["user"],
            ticket_id,
            event.get("text") or "",
            # Slack redelivers an event it thinks we missed; its id makes that harmless.
            request_key=f"event:{event_id}" if isinstance(event_id, str) else None,
        )
    except TicketError as error:
        # Nobody waits for an answer to an event; the log keeps what was refused.
        log.info("reporter reply to #%s not stored: %s", ticket_id, error)


def _is_human_top_level_dm(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") is None
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and event.get("thread_ts") in (None, event.get("ts"))
    )


def _is_human_thread_reply_in_dm(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in (None, "thread_broadcast")
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and isinstance(event.get("thread_ts"), str)
        and event.get("thread_ts") != event.get("ts")
    )
