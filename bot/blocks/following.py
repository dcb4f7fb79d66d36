"""Followers and tickets opened for someone else, in Block Kit: the new-ticket form's
"Keep informed" and "On behalf of" people pickers, the card's Follow / Unfollow buttons
and its line of followers, and a follower's own DM thread (its first message, with an
Unfollow button, and what it is told).

The pickers' block_id and action_id never change, so Slack keeps who was picked when
the form is updated in place (a request type chosen)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.approvals import APPROVAL_EVENTS, approval_thread_text
from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, render
from bot.blocks.ids import FOLLOW, UNFOLLOW, action_value
from bot.blocks.thread import thread_texts
from bot.mrkdwn import escape, mention, user_id
from flashticket_core.domain.enums import EntryKind
from flashticket_core.domain.model import FOLLOWERS_MAX
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary

FOLLOWERS_BLOCK = "followers"
# The reporter's DM thread: someone started following their ticket.
FOLLOWER_ADDED_EVENT = "follower_added"
ON_BEHALF_BLOCK = "on_behalf"

Json = dict[str, Any]


def _plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def people_inputs(lang: Language, *, on_behalf: bool) -> list[Json]:
    """ "Keep informed" for everyone; "On behalf of" for those who may open a ticket for
    someone else (the server refuses it from anyone else all the same)."""
    inputs: list[Json] = []
    if on_behalf:
        inputs.append(
            {
                "type": "input",
                "block_id": ON_BEHALF_BLOCK,
                "optional": True,
                "label": _plain(_t("bot.field.on_behalf", lang)),
                "hint": _plain(_t("bot.field.on_behalf.hint", lang)),
                "element": {"type": "users_select", "action_id": "value"},
            }
        )
    inputs.append(
        {
            "type": "input",
            "block_id": FOLLOWERS_BLOCK,
            "optional": True,
            "label": _plain(_t("bot.field.followers", lang)),
            "hint": _plain(_t("bot.field.followers.hint", lang, count=FOLLOWERS_MAX)),
            "element": {
                "type": "multi_users_select",
                "action_id": "value",
                "max_selected_items": FOLLOWERS_MAX,
            },
        }
    )
    return inputs


def follow_buttons(lang: Language, ticket: TicketSummary) -> list[ButtonElement]:
    """The card's Follow and Unfollow: the card is the same for the whole team, so it
    offers both, and each person's click says how it stands for them."""
    value = action_value(ticket.id, ticket.version)
    return [
        ButtonElement(text=_t("bot.button.follow", lang), action_id=FOLLOW, value=value),
        ButtonElement(text=_t("bot.button.unfollow", lang), action_id=UNFOLLOW, value=value),
    ]


def followers_line(lang: Language, ticket: TicketSummary) -> ContextBlock | None:
    """Who follows the ticket (the card and `/ticket show`); None if nobody does."""
    if not ticket.followers:
        return None
    people = ", ".join(mention(person) for person in ticket.followers)
    text = clip(_t("bot.card.followers", lang, people=people), SECTION_MAX)
    return ContextBlock(block_id="followers", elements=[MarkdownTextObject(text=text)])


def follower_root_text(lang: Language, ticket: TicketSummary, payload: dict[str, Any]) -> str:
    actor, user = str(payload.get("actor") or ""), str(payload.get("user") or "")
    key = "bot.follower.root" if actor == user else "bot.follower.root_added"
    return _t(key, lang, ticket_id=ticket.id, title=escape(ticket.title), actor=user_id(actor))


def follower_root_blocks(lang: Language, ticket: TicketSummary, text: str) -> Blocks:
    unfollow = ButtonElement(
        text=_t("bot.button.unfollow", lang),
        action_id=UNFOLLOW,
        value=action_value(ticket.id, ticket.version),
    )
    return render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            ActionsBlock(block_id="follower_unfollow", elements=[unfollow]),
        ]
    )


def follower_texts(lang: Language, ticket_id: int, payload: dict[str, Any]) -> list[str]:
    """What a follower is told: a person's status change, a support reply and an
    approver's decision as the reporter reads them; what the help desk did by itself, a withdrawal and a deletion
    as the team reads them (the reporter's words speak to the reporter)."""
    event = payload.get("event")
    if event in APPROVAL_EVENTS:
        return [approval_thread_text(lang, ticket_id, payload, for_reporter=True)]
    as_reporter = event == EntryKind.SUPPORT_REPLY.value or (
        event == "status" and payload.get("reason") is None
    )
    return thread_texts(lang, ticket_id, payload, for_reporter=as_reporter)


def follower_added_text(lang: Language, ticket_id: int, payload: dict[str, Any]) -> str:
    """The reporter's DM thread: someone else made a person a follower of their ticket."""
    actor, user = str(payload.get("actor") or ""), str(payload.get("user") or "")
    key = "bot.dm.follower_added" if actor == user else "bot.dm.follower_added_by"
    return _t(key, lang, ticket_id=ticket_id, actor=user_id(actor), user=user_id(user))
