"""The request types in the new-ticket modal: the select of the types, and each type's
fields as Block Kit inputs; and the values a ticket keeps, as its card and
`/ticket show` list them.

A field's block_id names its type and its field (`field.<type>.<field>`), so choosing
another type never hands one type's value to another's input, and choosing the same
type again keeps what was typed (Slack keeps an input's value across views.update when
its block_id and action_id stay the same). Every input's action is `value`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.common import _t, clip, fitting_lines
from bot.mrkdwn import escape, mention
from flashticket_core.desk_file import FieldType, FormField, RequestType
from flashticket_core.domain.model import FIELD_VALUE_MAX, LONG_TEXT_MAX, FieldValue
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary

REQUEST_TYPE_BLOCK = "request_type"
FIELD_PREFIX = "field."
# Slack's limits of a select's options and of an option's text.
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
LABEL_MAX = 2000

Json = dict[str, Any]


def field_block_id(type_id: str, field_id: str) -> str:
    return f"{FIELD_PREFIX}{type_id}.{field_id}"


def field_of_block(block_id: str) -> tuple[str, str] | None:
    """The (type, field) a field's block_id names; None for any other block."""
    if not block_id.startswith(FIELD_PREFIX):
        return None
    type_id, dot, field_id = block_id.removeprefix(FIELD_PREFIX).partition(".")
    return (type_id, field_id) if dot and type_id and field_id else None


def _plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def _option(text: str, value: str) -> Json:
    return {"text": _plain(clip(text, OPTION_TEXT_MAX)), "value": value}


def type_select(
    lang: Language, kinds: Sequence[RequestType], *, action_id: str, chosen: str | None
) -> Json:
    """The "Request type" select, in the order given. Up to 100 types are one list;
    more are grouped by team (Slack takes 100 options, or 100 groups of 100)."""
    element: Json = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain(_t("bot.field.request_type.hint", lang)),
    }
    if len(kinds) <= OPTIONS_MAX:
        element["options"] = [_option(kind.name, kind.id) for kind in kinds]
    else:
        groups: dict[str, list[Json]] = {}
        for kind in kinds:
            groups.setdefault(kind.team, []).append(_option(kind.name, kind.id))
        element["option_groups"] = [
            {"label": _plain(clip(team, OPTION_TEXT_MAX)), "options": options[:OPTIONS_MAX]}
            for team, options in list(groups.items())[:OPTIONS_MAX]
        ]
    picked = next((k for k in kinds if k.id == chosen), None)
    if picked is not None:
        element["initial_option"] = _option(picked.name, picked.id)
    return {
        "type": "input",
        "block_id": REQUEST_TYPE_BLOCK,
        # Choosing a type sends block_actions at once: the form changes to its fields.
        "dispatch_action": True,
        "label": _plain(_t("bot.field.request_type", lang)),
        "element": element,
    }


def field_inputs(kind: RequestType) -> list[Json]:
    """The type's fields as input blocks, in the desk file's order."""
    return [
        {
            "type": "input",
            "block_id": field_block_id(kind.id, field.id),
            "optional": not field.required,
            "label": _plain(clip(field.label, LABEL_MAX)),
            "element": {"action_id": "value", **_element(field)},
        }
        for field in kind.fields
    ]


def _element(field: FormField) -> Json:
    kind = field.type
    if kind is FieldType.TEXT:
        return {"type": "plain_text_input", "max_length": FIELD_VALUE_MAX}
    if kind is FieldType.LONG_TEXT:
        return {"type": "plain_text_input", "multiline": True, "max_length": LONG_TEXT_MAX}
    if kind is FieldType.NUMBER:
        return {"type": "number_input", "is_decimal_allowed": True}
    if kind is FieldType.SELECT:
        return {"type": "static_select", "options": _options(field)}
    if kind is FieldType.MULTI_SELECT:
        return {"type": "multi_static_select", "options": _options(field)}
    if kind is FieldType.USER:
        return {"type": "users_select"}
    if kind is FieldType.DATE:
        return {"type": "datepicker"}
    if kind is FieldType.CHECKBOX:
        return {"type": "checkboxes", "options": [_option(field.label, "true")]}
    if kind is FieldType.URL:
        return {"type": "url_text_input"}
    return {"type": "email_text_input"}


def _options(field: FormField) -> list[Json]:
    # The option's text is its value too: the desk file's options are their names.
    return [_option(option, option) for option in field.options[:OPTIONS_MAX]]


# -- a ticket's field values, as the card and `/ticket show` list them ---------------

# A long text is shown up to this much; `/ticket show` and the export have it whole.
SHOWN_VALUE_MAX = 300


def fields_section(lang: Language, ticket: TicketSummary) -> SectionBlock | None:
    """ "Label: value" a line per field (as many as fit); None without field values."""
    if not ticket.fields:
        return None
    lines = [f"*{escape(field.label)}:* {_shown(lang, field)}" for field in ticket.fields]
    kept = fitting_lines(lines)
    if len(kept) < len(lines):
        kept.append("…")
    return SectionBlock(block_id="fields", text=MarkdownTextObject(text="\n".join(kept)))


def _shown(lang: Language, field: FieldValue) -> str:
    if field.type == FieldType.USER:
        # A person someone chose in a people picker: named as the mention it is.
        return ", ".join(mention(value) for value in field.values)
    if field.type == FieldType.CHECKBOX:
        return _t("field.checked", lang)
    return escape(clip(" ".join(field.text.split()), SHOWN_VALUE_MAX))
