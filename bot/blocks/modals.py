"""The modals: a new ticket, and a support reply or internal note on one."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import _t, clip
from bot.blocks.ids import INTERNAL_NOTE, NEW_TICKET, SUPPORT_REPLY
from bot.blocks.ticket_view import priority_label
from flashticket_core.domain.enums import EntryKind, Priority
from flashticket_core.domain.model import DESCRIPTION_MAX, ENTRY_MAX, TITLE_MAX
from flashticket_core.i18n import Language

# Slack's own cap on a plain_text_input's max_length.
INPUT_MAX = 3000


def new_ticket_modal(
    lang: Language,
    *,
    title: str = "",
    description: str = "",
    source: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`source` names the message the ticket is made from (channel, ts, thread, author),
    carried to the submission in the modal's private_metadata."""
    priority_options = [Option(text=priority_label(lang, p), value=p.value) for p in Priority]
    medium = priority_options[1]
    view = View(
        type="modal",
        callback_id=NEW_TICKET,
        private_metadata=json.dumps(source) if source else None,
        title=PlainTextObject(text=_t("bot.modal.new.title", lang)),
        submit=PlainTextObject(text=_t("bot.modal.submit", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="title",
                label=_t("bot.field.title", lang),
                element=PlainTextInputElement(
                    action_id="value",
                    initial_value=clip(title.strip(), TITLE_MAX) or None,
                    max_length=TITLE_MAX,
                    placeholder=_t("bot.field.title.hint", lang),
                ),
            ),
            InputBlock(
                block_id="description",
                label=_t("bot.field.description", lang),
                optional=True,
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    initial_value=clip(description.strip(), DESCRIPTION_MAX) or None,
                    max_length=DESCRIPTION_MAX,
                    placeholder=_t("bot.field.description.hint", lang),
                ),
            ),
            InputBlock(
                block_id="priority",
                label=_t("bot.field.priority", lang),
                element=StaticSelectElement(
                    action_id="value", options=priority_options, initial_option=medium
                ),
            ),
        ],
    )
    return view.to_dict()


REPLY_FILES_MAX = 5


def entry_modal(lang: Language, *, ticket_id: int, kind: EntryKind) -> dict[str, Any]:
    """The modal behind "Reply to reporter" and "Internal note"."""
    is_reply = kind is EntryKind.SUPPORT_REPLY
    view = View(
        type="modal",
        callback_id=SUPPORT_REPLY if is_reply else INTERNAL_NOTE,
        private_metadata=json.dumps({"t": ticket_id}),
        title=PlainTextObject(
            text=_t("bot.modal.reply.title" if is_reply else "bot.modal.note.title", lang)
        ),
        submit=PlainTextObject(text=_t("bot.modal.send", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="text",
                label=_t(
                    "bot.field.reply" if is_reply else "bot.field.note", lang, ticket_id=ticket_id
                ),
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=min(ENTRY_MAX, INPUT_MAX)
                ),
            )
        ],
    )
    modal = view.to_dict()
    if is_reply:
        # slack_sdk has no model of the file input yet: Block Kit's own shape.
        modal["blocks"].append(
            {
                "type": "input",
                "block_id": "files",
                "optional": True,
                "label": {"type": "plain_text", "text": _t("bot.field.files", lang)},
                "element": {
                    "type": "file_input",
                    "action_id": "value",
                    "max_files": REPLY_FILES_MAX,
                },
            }
        )
    return modal
