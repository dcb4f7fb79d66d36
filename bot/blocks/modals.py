"""The modals: a new ticket, and a support reply or internal note on one."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
from bot.blocks.following import people_inputs
from bot.blocks.forms import field_inputs, type_select
from bot.blocks.ids import INTERNAL_NOTE, NEW_TICKET, NEW_TICKET_TYPE, SUPPORT_REPLY
from bot.blocks.saved_replies import saved_reply_select, text_block_id
from bot.blocks.ticket_view import priority_label
from flashticket_core.desk_file import RequestType
from flashticket_core.domain.enums import EntryKind, Priority
from flashticket_core.domain.model import DESCRIPTION_MAX, ENTRY_MAX, TITLE_MAX
from flashticket_core.i18n import Language
from flashticket_core.service_layer.saved_replies import SavedReplyView

# Slack's own cap on a plain_text_input's max_length.
INPUT_MAX = 3000
# The reply's and the note's input.
ENTRY_INPUT_MAX = min(ENTRY_MAX, INPUT_MAX)


def new_ticket_modal(
    lang: Language,
    *,
    title: str = "",
    description: str = "",
    source: dict[str, Any] | None = None,
    kinds: Sequence[RequestType] = (),
    chosen: RequestType | None = None,
    priority: Priority | None = None,
    on_behalf: bool = False,
) -> dict[str, Any]:
    """`source` is what the modal carries to its submission in its private_metadata
    (the message a ticket is made from, the request type of a desk with one: see
    `payloads.TicketSource.metadata`, which keeps it within Slack's limit). With
    several request `kinds` the form starts with their select, and shows the `chosen`
    one's fields; with one, that type's fields straight away; with none, title,
    description and priority alone. Every form has "Keep informed"; `on_behalf` adds
    "On behalf of" (for support and admins, who may open a ticket for someone else)."""
    if len(kinds) == 1:
        chosen = kinds[0]
    priority = priority or (chosen.priority if chosen else None) or Priority.MEDIUM
    priority_options = [Option(text=priority_label(lang, p), value=p.value) for p in Priority]
    initial = next(o for o in priority_options if o.value == priority.value)
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
                    action_id="value", options=priority_options, initial_option=initial
                ),
            ),
        ],
    )
    modal = view.to_dict()
    if len(kinds) > 1:
        select = type_select(
            lang, kinds, action_id=NEW_TICKET_TYPE, chosen=chosen.id if chosen else None
        )
        modal["blocks"].insert(0, select)
    if chosen is not None:
        modal["blocks"].extend(field_inputs(chosen))
    # Last, after what the ticket is about: who else hears of it.
    modal["blocks"].extend(people_inputs(lang, on_behalf=on_behalf))
    return modal


REPLY_FILES_MAX = 5


def entry_modal(
    lang: Language,
    *,
    ticket_id: int,
    kind: EntryKind,
    replies: Sequence[SavedReplyView] = (),
    text: str = "",
    generation: int = 0,
    channel: str | None = None,
) -> dict[str, Any]:
    """The modal behind "Reply to reporter" and "Internal note". A reply's offers the
    team's saved `replies`; `text` (a saved reply put in) goes into the input of the
    `generation`th block_id, so Slack shows it instead of what was typed. `channel`: where
    the form was opened (the card's), told that the reply went out."""
    is_reply = kind is EntryKind.SUPPORT_REPLY
    meta: dict[str, Any] = {"t": ticket_id}
    if channel:
        meta["c"] = channel
    view = View(
        type="modal",
        callback_id=SUPPORT_REPLY if is_reply else INTERNAL_NOTE,
        private_metadata=json.dumps(meta),
        title=PlainTextObject(
            text=_t("bot.modal.reply.title" if is_reply else "bot.modal.note.title", lang)
        ),
        submit=PlainTextObject(text=_t("bot.modal.send", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id=text_block_id(generation),
                label=_t(
                    "bot.field.reply" if is_reply else "bot.field.note", lang, ticket_id=ticket_id
                ),
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    initial_value=text or None,
                    max_length=ENTRY_INPUT_MAX,
                ),
            )
        ],
    )
    modal = view.to_dict()
    if is_reply and replies:
        modal["blocks"].insert(0, saved_reply_select(lang, replies))
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
