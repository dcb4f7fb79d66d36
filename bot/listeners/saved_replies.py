"""Saved replies: `/ticket-admin replies`, the reply form's select that puts one in, and
"Save as reply" after a support reply went out."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.blocks.common import text_blocks
from bot.blocks.ids import SAVE_AS_REPLY, SAVE_REPLY_FORM, SAVED_REPLY_PICK
from bot.blocks.modals import ENTRY_INPUT_MAX, entry_modal
from bot.blocks.saved_replies import filled_in, save_reply_modal, sent_confirmation
from bot.incoming import BadPayload, BlockActions, SlashCommand, ViewPayload
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.commands import unknown_word, usage
from bot.listeners.forms import origin_channel
from bot.mrkdwn import decode_incoming, escape, quote
from bot.payloads import (
    channel_of_view,
    entry_text,
    text_generation,
    ticket_of_view,
)
from flashticket_core.domain.enums import EntryKind
from flashticket_core.service_layer.saved_replies import SavedReplyView
from flashticket_core.service_layer.views import Entry, TicketSummary

log = logging.getLogger("flashticket.bot")


def register(app: App) -> None:
    app.action(SAVED_REPLY_PICK)(listener(Kind.ACTION)(insert_saved_reply))
    app.action(SAVE_AS_REPLY)(listener(Kind.ACTION)(open_save_as_reply))
    app.view(SAVE_REPLY_FORM)(listener(Kind.VIEW)(submit_save_as_reply))


# -- /ticket-admin replies ------------------------------------------------------------


def replies_command(turn: Turn, words: list[str]) -> None:
    """`replies add <team> <title> | <text>`, `replies list [team]`, `replies remove <id>`."""
    word = words[0].lower() if words else "list"
    subcommand = REPLIES_SUBCOMMANDS.get(word)
    if subcommand is None:
        unknown_word(turn, words[0], REPLIES_SUBCOMMANDS, "bot.admin.help")
        return
    subcommand(turn, words[1:])


def _add(turn: Turn, words: list[str]) -> None:
    # The title and text as typed: the command's text after `replies add <team>`.
    text = decode_incoming(turn.expect(SlashCommand).text)
    rest = text.split(None, 3)[3:] if len(words) >= 2 else []
    title, bar, body = (rest[0] if rest else "").partition("|")
    if not bar or not title.strip() or not body.strip():
        usage(turn, turn.t("bot.usage.replies"))
        return
    added = turn.desk.replies.add(turn.actor, decode_incoming(words[0]), title, body)
    turn.say(turn.t("bot.replies.added", **_named(added)))


def _list(turn: Turn, words: list[str]) -> None:
    if len(words) > 1:
        usage(turn, turn.t("bot.usage.replies"))
        return
    team = decode_incoming(words[0]) if words else None
    found = turn.desk.replies.listing(turn.actor, team)
    if not found:
        turn.say(turn.t("bot.replies.empty"))
        return
    title = turn.t("bot.replies.title", count=len(found))
    lines = [f"*{title}*"]
    for reply in found:
        mark = "" if not reply.in_desk_file else " " + turn.t("bot.replies.in_file")
        preview = quote(reply.text[:120] + ("…" if len(reply.text) > 120 else ""))
        line = turn.t(
            "bot.replies.line",
            reply_id=escape(reply.key),
            team=f"`{reply.team_id}`",
            title=escape(reply.title) + mark,
            text="\n" + preview,
        )
        lines.append(line)
    text = "\n".join(lines)
    turn.say(title, text_blocks(text))


def _remove(turn: Turn, words: list[str]) -> None:
    if len(words) != 1:
        usage(turn, turn.t("bot.usage.replies"))
        return
    removed = turn.desk.replies.remove(turn.actor, decode_incoming(words[0]).removeprefix("#"))
    turn.say(turn.t("bot.replies.removed", **_named(removed)))


def _named(reply: SavedReplyView) -> dict[str, str]:
    return {
        "reply_id": escape(reply.key),
        "title": escape(reply.title),
        "team": f"`{reply.team_id}`",
    }


REPLIES_SUBCOMMANDS = {
    "add": _add,
    "hinzufügen": _add,
    "list": _list,
    "liste": _list,
    "remove": _remove,
    "entfernen": _remove,
}


# -- the reply form -------------------------------------------------------------------


def insert_saved_reply(turn: Turn) -> None:
    """A saved reply chosen in the open reply form: the form, in place, with its text
    (placeholders filled in) in a text input of a new block_id, to edit before sending."""
    turn.ack()
    click = turn.expect(BlockActions)
    view = click.view
    if view is None or view.id is None:
        raise BadPayload("saved reply chosen outside a modal")
    key = click.action.raw_value()
    if key is None:
        return  # the choice cleared: the text stays as it is
    ticket_id = ticket_of_view(view)
    ticket, replies = turn.desk.replies.for_ticket(turn.actor, ticket_id)
    chosen = next((reply for reply in replies if reply.key == key), None)
    if chosen is None:
        raise BadPayload(f"unknown saved reply {str(key)[:40]!r}")
    modal = entry_modal(
        turn.lang,
        ticket_id=ticket_id,
        kind=EntryKind.SUPPORT_REPLY,
        replies=replies,
        text=filled_in(chosen.text, _values(turn, ticket), ENTRY_INPUT_MAX),
        generation=text_generation(view) + 1,
        channel=channel_of_view(view),
    )
    try:
        # With the view's hash Slack refuses the change if the form changed since.
        turn.client.views_update(view_id=view.id, hash=view.hash, view=modal)
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code != "hash_conflict":
            raise
        log.info("views.update after a newer change: %s", code)


def _values(turn: Turn, ticket: TicketSummary) -> dict[str, str]:
    """What the placeholders become. The form's input is plain text, sent escaped as
    written: a person is named `@Name` there (a `<@U…>` would reach the reporter as those
    very characters), the title goes in as it is and is escaped once when sent."""
    values = {
        "ticket": f"#{ticket.id}",
        "title": ticket.title,
        "reporter": _name(turn, ticket.reporter_id),
    }
    if ticket.assignee_id:
        values["assignee"] = _name(turn, ticket.assignee_id)
    return values


def _name(turn: Turn, user_id: str) -> str:
    """The person as Slack shows them (users.info); their user ID if Slack does not say."""
    try:
        person = turn.client.users_info(user=user_id).get("user")
    except SlackApiError as error:
        log.info("no name for %s: %s", user_id, error.response.get("error"))
        return f"@{user_id}"
    profile = person.get("profile") if isinstance(person, dict) else None
    names = [
        profile.get("display_name") if isinstance(profile, dict) else None,
        profile.get("real_name") if isinstance(profile, dict) else None,
        person.get("name") if isinstance(person, dict) else None,
    ]
    name = next((n for n in names if isinstance(n, str) and n.strip()), user_id)
    return "@" + " ".join(name.split())[:80]


def tell_reply_sent(turn: Turn, ticket_id: int, entry: Entry | None) -> None:
    """After a support reply went out: a word only its author sees, in the channel the
    form was opened from, with "Save as reply"."""
    view = turn.expect(ViewPayload).view
    channel = channel_of_view(view)
    if entry is None or channel is None:
        return
    text, blocks = sent_confirmation(turn.lang, ticket_id, entry.id)
    _tell_in(turn, channel, text, blocks)


def _tell_in(turn: Turn, channel: str, text: str, blocks: list[dict[str, Any]] | None) -> None:
    """A word only the actor sees, in the channel they work in (a modal has no other)."""
    try:
        turn.client.chat_postEphemeral(channel=channel, user=turn.actor, text=text, blocks=blocks)
    except SlackApiError as error:
        log.info("could not tell %s in %s: %s", turn.actor, channel, error.response.get("error"))


# -- Save as reply --------------------------------------------------------------------


def open_save_as_reply(turn: Turn) -> None:
    turn.ack()
    raw = turn.expect(BlockActions).action.raw_value() or ""
    try:
        value = json.loads(raw)
        ticket_id, entry_id = int(value["t"]), int(value["e"])
    except (ValueError, TypeError, KeyError) as error:
        raise BadPayload("save as reply without its reply") from error
    text = turn.desk.replies.reply_text(turn.actor, ticket_id, entry_id)
    modal = save_reply_modal(
        turn.lang, ticket_id=ticket_id, text=text, channel=origin_channel(turn)
    )
    turn.open_modal(modal)


def submit_save_as_reply(turn: Turn) -> None:
    turn.error_block = "title"
    view = turn.expect(ViewPayload).view
    title_input = view.element("title")
    saved = turn.desk.replies.save_from_ticket(
        turn.actor,
        ticket_of_view(view),
        (title_input.value or "") if title_input is not None else "",
        entry_text(view),
    )
    turn.ack()
    told = turn.t("bot.replies.saved", **_named(saved))
    channel = channel_of_view(view)
    if channel is None:
        turn.say(told)
    else:
        _tell_in(turn, channel, told, None)
