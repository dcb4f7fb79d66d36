"""Messages in threads: the reporter's DM thread (its root, who did what, the buttons of a
resolved ticket), the team's thread under the card, and role changes told by DM."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, render
from bot.blocks.ids import RATE, REOPEN, action_value
from bot.blocks.ticket_view import TicketView, role_label, status_label
from bot.blocks.timers import nudge_text
from bot.mrkdwn import escape, quote, split_quoted, user_id
from flashticket_core.domain.enums import EntryKind, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import TicketState

# The status changes the help desk makes by itself, each told in its own words.
_AUTOMATIC = ("waiting_resolve", "auto_close")
# The widest part marker a text may get, " (14/14)", kept free in every part.
_PART_MARKER_ROOM = 12
_ENTRY_TEMPLATES = {
    EntryKind.SUPPORT_REPLY.value: "bot.thread.support_reply",
    EntryKind.REPORTER_REPLY.value: "bot.thread.reporter_reply",
    EntryKind.INTERNAL_NOTE.value: "bot.thread.internal_note",
}


def reporter_root_text(lang: Language, ticket: TicketState) -> str:
    view = TicketView.of_state(ticket)
    return _t("bot.dm.root", lang, ticket_id=view.id, title=escape(view.title))


def thread_texts(
    lang: Language, ticket_id: int, payload: dict[str, Any], *, for_reporter: bool
) -> list[str]:
    """The messages, in order, saying who did what in the reporter's or the team's thread.

    A conversation entry is quoted whole: when it does not fit one message (3,000
    characters once escaped) it is split over several, each headed "(2/3)".
    """
    event = payload.get("event")
    actor = user_id(str(payload.get("actor", "")))
    if event == "status" and payload.get("reason") in _AUTOMATIC:
        return [_t(f"bot.dm.status_{payload['reason']}", lang, ticket_id=ticket_id)]
    if event == "waiting_nudge":
        return [nudge_text(lang, ticket_id, payload)]
    if event == "status":
        text = _t(
            "bot.dm.status",
            lang,
            actor=actor,
            ticket_id=ticket_id,
            old=status_label(lang, payload["old"]),
            new=status_label(lang, payload["new"]),
        )
        return [text]
    template = _ENTRY_TEMPLATES.get(str(event))
    if for_reporter and event == EntryKind.SUPPORT_REPLY.value:
        template = "bot.dm.support_reply"
    if template is not None:
        return _entry_texts(lang, template, actor, str(payload["text"]))
    if event == "rated":
        return [_t("bot.thread.rated", lang, actor=actor, rating=payload["rating"])]
    if event == "deleted":
        return [_t("bot.thread.deleted", lang, actor=actor)]
    if event == "withdrawn":
        return [withdrawn_text(lang, payload)]
    raise ValueError(f"no text for thread event {event!r}")


def _entry_texts(lang: Language, template: str, actor: str, text: str) -> list[str]:
    header_room = len(_t(template, lang, actor=actor, part="", text="")) + _PART_MARKER_ROOM
    pieces = split_quoted(text, SECTION_MAX - header_room)
    if len(pieces) == 1:
        return [_t(template, lang, actor=actor, part="", text=quote(pieces[0]))]
    return [
        _t(template, lang, actor=actor, part=f" ({n}/{len(pieces)})", text=quote(piece))
        for n, piece in enumerate(pieces, start=1)
    ]


def withdrawn_text(lang: Language, payload: dict[str, Any]) -> str:
    """What stands where a reply the reporter deleted was relayed."""
    return _t("bot.thread.withdrawn", lang, actor=user_id(str(payload.get("actor", ""))))


def reporter_thread_blocks(
    lang: Language, ticket: TicketState, payload: dict[str, Any], text: str
) -> Blocks | None:
    """A resolved ticket's DM offers the reporter to reopen it or rate the support; one
    the clock closed offers them to reopen it."""
    if payload.get("event") != "status":
        return None
    if payload.get("new") == Status.CLOSED.value and payload.get("reason") == "auto_close":
        return _auto_closed_blocks(lang, ticket, text)
    if payload.get("new") != Status.RESOLVED.value:
        return None
    view = TicketView.of_state(ticket)
    if view.deleted or view.status != Status.RESOLVED:
        return None  # changed again before this message went out: no stale buttons
    value = action_value(view.id, view.version)
    stars = [Option(text="★" * n + "☆" * (5 - n), value=f"{value}|{n}") for n in range(1, 6)]
    return render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            ContextBlock(
                elements=[MarkdownTextObject(text=_t("bot.reporter.resolved_hint", lang))]
            ),
            ActionsBlock(
                block_id="reporter_actions",
                elements=[
                    ButtonElement(
                        text=_t("bot.reporter.reopen", lang), action_id=REOPEN, value=value
                    ),
                    StaticSelectElement(
                        action_id=RATE, placeholder=_t("bot.reporter.rate", lang), options=stars
                    ),
                ],
            ),
        ]
    )


def _auto_closed_blocks(lang: Language, ticket: TicketState, text: str) -> Blocks | None:
    view = TicketView.of_state(ticket)
    if view.deleted or view.status != Status.CLOSED:
        return None  # changed again before this message went out: no stale button
    value = action_value(view.id, view.version)
    return render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            ActionsBlock(
                block_id="reporter_actions",
                elements=[
                    ButtonElement(
                        text=_t("bot.reporter.reopen", lang), action_id=REOPEN, value=value
                    )
                ],
            ),
        ]
    )


def role_text(lang: Language, payload: dict[str, Any]) -> str:
    actor = user_id(str(payload["actor"]))
    return _t("bot.dm.role", lang, actor=actor, role=role_label(lang, payload["role"]))
