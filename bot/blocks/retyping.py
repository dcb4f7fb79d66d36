"""Giving a ticket another request type of its team: the form the card's "Change type"
opens, what the card's thread is told, and the names the history shows for a team or a
type (the desk file's, where it still has them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, PlainTextObject, StaticSelectElement
from slack_sdk.models.views import View

from bot.blocks.common import _t, clip
from bot.blocks.ids import CHANGE_TYPE_FORM, action_value
from bot.blocks.moving import OPTION_TEXT_MAX, OPTIONS_MAX
from bot.mrkdwn import escape, user_id
from flashticket_core.desk_file import DeskStructure, RequestType
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary

# The event of a type change as the card's thread tells it.
TYPE_CHANGED_EVENT = "type_changed"
# A name for a history field's value (field, value), None where the desk has none.
HistoryNames = Callable[[str, str], str | None]


def type_modal(
    lang: Language, ticket: TicketSummary, kinds: Sequence[RequestType], *, version: int
) -> dict[str, Any]:
    """The form behind "Change type": the other request types of the ticket's team. It
    carries the ticket and the `version` the clicker saw, so a change of a ticket that
    changed meanwhile is refused as stale."""
    options = [
        Option(text=clip(kind.name, OPTION_TEXT_MAX), value=kind.id)
        for kind in kinds
        if kind.id != ticket.request_type
    ][:OPTIONS_MAX]
    view = View(
        type="modal",
        callback_id=CHANGE_TYPE_FORM,
        private_metadata=action_value(ticket.id, version),
        title=PlainTextObject(text=_t("bot.modal.change_type.title", lang)),
        submit=PlainTextObject(text=_t("bot.modal.change_type.submit", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="request_type",
                label=_t("bot.field.new_type", lang, ticket_id=ticket.id),
                hint=_t("bot.field.new_type.hint", lang),
                element=StaticSelectElement(action_id="value", options=options),
            )
        ],
    )
    return view.to_dict()


def type_changed_text(
    lang: Language, ticket_id: int, payload: dict[str, Any], names: HistoryNames
) -> str:
    """The line under the card: who gave the ticket which type instead of which."""
    old, new = (str(payload.get(side) or "") for side in ("old", "new"))
    return _t(
        "bot.thread.type_changed",
        lang,
        ticket_id=ticket_id,
        actor=user_id(str(payload.get("actor") or "")),
        old=escape(names("request_type", old) or old) if old else "–",
        new=escape(names("request_type", new) or new),
    )


def desk_names(structure: DeskStructure | None) -> HistoryNames:
    """The team's or request type's name for its id, as the desk file has it now; None
    for any other field, or an id the desk no longer has (shown as it was stored)."""

    def name(field: str, value: str) -> str | None:
        if structure is None:
            return None
        if field == "team":
            team = structure.team(value)
            return team.name if team is not None else None
        if field == "request_type":
            kind = structure.request_type(value)
            return kind.name if kind is not None else None
        return None

    return name


def type_name(structure: DeskStructure | None, request_type: str | None) -> str | None:
    """The ticket's request type as the card and `/ticket show` name it (plain text):
    the desk file's name, or the id the ticket keeps where the desk file no longer has
    the type; None where the desk has at most one type, or the ticket none."""
    if structure is None or request_type is None or len(structure.request_types) < 2:
        return None
    kind = structure.request_type(request_type)
    return kind.name if kind is not None else request_type
