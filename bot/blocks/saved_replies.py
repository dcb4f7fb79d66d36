"""The saved replies in Slack: the reply form's select of the team's replies, the text a
chosen one puts into the form, the confirmation of a sent reply with "Save as reply",
and the small form that saves one."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import Blocks, _t, clip, render
from bot.blocks.ids import SAVE_AS_REPLY, SAVE_REPLY_FORM, SAVED_REPLY_PICK
from flashticket_core.domain.model import REPLY_TEXT_MAX, REPLY_TITLE_MAX
from flashticket_core.i18n import Language
from flashticket_core.service_layer.saved_replies import SavedReplyView

# The reply form's blocks: the select, and the text input (`text`, then `text.<n>` once
# a saved reply was put in: Slack keeps what was typed into an input whose block_id
# stays, so new text needs a new block_id).
SAVED_REPLY_BLOCK = "saved_reply"
TEXT_BLOCK = "text"
# Slack's limits of a select: its options, an option's text and value.
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150

_PLACEHOLDER = re.compile(r"\{(reporter|ticket|title|assignee)\}")


def saved_reply_select(lang: Language, replies: Sequence[SavedReplyView]) -> dict[str, Any]:
    """The select "Insert a saved reply" of the team's replies (the first 100)."""
    options = [
        Option(text=clip(reply.title, OPTION_TEXT_MAX), value=reply.key[:OPTION_VALUE_MAX])
        for reply in replies[:OPTIONS_MAX]
    ]
    # As the new-ticket form's "Request type": an input that sends block_actions at once
    # (dispatch_action), so the form changes in place when one is chosen.
    block = InputBlock(
        block_id=SAVED_REPLY_BLOCK,
        label=_t("bot.field.saved_reply", lang),
        optional=True,
        dispatch_action=True,
        element=StaticSelectElement(
            action_id=SAVED_REPLY_PICK,
            placeholder=_t("bot.field.saved_reply", lang),
            options=options,
        ),
    )
    return block.to_dict()


def filled_in(template: str, values: Mapping[str, str], limit: int) -> str:
    """The saved reply's text with its placeholders filled in, once (a value that holds
    `{title}` stays as it is); unknown `{…}` and those without a value are left as typed.
    Cut to `limit`, the input's length."""

    def one(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return clip(_PLACEHOLDER.sub(one, template), limit)


def text_block_id(generation: int) -> str:
    return TEXT_BLOCK if generation == 0 else f"{TEXT_BLOCK}.{generation}"


def sent_confirmation(lang: Language, ticket_id: int, entry_id: int) -> tuple[str, Blocks]:
    """The ephemeral word that a reply went out, with "Save as reply"."""
    text = _t("bot.replies.sent", lang, ticket_id=ticket_id)
    value = json.dumps({"t": ticket_id, "e": entry_id}, separators=(",", ":"))
    blocks = render(
        [
            SectionBlock(text=MarkdownTextObject(text=text)),
            ActionsBlock(
                block_id="saved_reply_save",
                elements=[
                    ButtonElement(
                        text=_t("bot.replies.save_button", lang),
                        action_id=SAVE_AS_REPLY,
                        value=value,
                    )
                ],
            ),
        ]
    )
    return text, blocks


def save_reply_modal(
    lang: Language, *, ticket_id: int, text: str, channel: str | None = None
) -> dict[str, Any]:
    """The form of "Save as reply": a title, and the reply's text to edit. `channel`:
    where the button was, told when it is saved."""
    meta: dict[str, Any] = {"t": ticket_id}
    if channel:
        meta["c"] = channel
    view = View(
        type="modal",
        callback_id=SAVE_REPLY_FORM,
        private_metadata=json.dumps(meta),
        title=PlainTextObject(text=_t("bot.modal.save_reply.title", lang)),
        submit=PlainTextObject(text=_t("bot.modal.save", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="title",
                label=_t("bot.field.reply_title", lang),
                element=PlainTextInputElement(action_id="value", max_length=REPLY_TITLE_MAX),
            ),
            InputBlock(
                block_id=TEXT_BLOCK,
                label=_t("bot.field.reply_text", lang),
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    initial_value=clip(text.strip(), REPLY_TEXT_MAX) or None,
                    max_length=REPLY_TEXT_MAX,
                ),
            ),
        ],
    )
    return view.to_dict()
