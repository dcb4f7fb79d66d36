"""What Slack sends, as types: each payload is validated once, at the edge, into its
model (`kinds`, built of `objects`); Bolt gets the parsed dict, which carries the model
to the listeners (`model_of`).

A payload of a shape the bot cannot handle is refused with where and what is wrong
("actions[0].action_id must be a string"), the edge's 400.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.incoming.kinds import (
    COMMAND_FIELDS,
    PAYLOAD,
    SSL_CHECK_FIELDS,
    BlockActions,
    EventCallback,
    Payload,
    Shortcut,
    SlashCommand,
    ViewPayload,
)

__all__ = [
    "COMMAND_FIELDS",
    "SSL_CHECK_FIELDS",
    "BadPayload",
    "BlockActions",
    "CheckedBody",
    "EventCallback",
    "Incoming",
    "Payload",
    "Shortcut",
    "SlashCommand",
    "ViewPayload",
    "checked_command",
    "checked_payload",
    "model_of",
]

Incoming = Payload | SlashCommand


class BadPayload(ValueError):
    """The payload is not what the bot sent or Slack documents (a forged or stale shape)."""


class CheckedBody(dict[str, Any]):
    """The payload as Bolt is to see it, carrying the model it was validated into."""

    __slots__ = ("model",)

    def __init__(self, fields: dict[str, Any], model: Incoming | None) -> None:
        super().__init__(fields)
        self.model = model


def checked_payload(data: dict[str, Any]) -> CheckedBody | str:
    """An interaction or an event envelope, typed; or what is wrong with it."""
    try:
        model = PAYLOAD.validate_python(data)
    except ValidationError as error:
        return reason(error)
    return CheckedBody(data, model)


def checked_command(fields: dict[str, Any]) -> CheckedBody | str:
    """A slash command's form fields, typed, and only those Slack documents."""
    try:
        model = SlashCommand.model_validate(fields)
    except ValidationError as error:
        return reason(error)
    return CheckedBody({name: fields[name] for name in COMMAND_FIELDS if name in fields}, model)


def model_of(body: dict[str, Any]) -> Incoming:
    """The model of a payload Bolt handles: validated at the edge, or here for a body
    that did not come through it (the console hands Bolt its text)."""
    if isinstance(body, CheckedBody):
        checked: CheckedBody | str = body
    else:
        checked = checked_command(body) if "command" in body else checked_payload(body)
    if isinstance(checked, str):
        raise BadPayload(checked)
    if checked.model is None:
        raise BadPayload("no payload")
    return checked.model


# -- where and what is wrong ------------------------------------------------------------

_WHAT = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is missing",
}


def reason(error: ValidationError) -> str:
    """The first problem, said from the payload's top: `payload must have a type`,
    `view.callback_id is missing`, `actions[0].value must be a string`."""
    first = error.errors(include_url=False, include_input=False)[0]
    return f"{_where(first) or 'payload'} {_what(first)}"


def _where(error: ErrorDetails) -> str:
    where = ""
    for part in error["loc"]:
        if isinstance(part, int):
            where += f"[{part}]"
        elif not part.startswith("~"):  # a kind's tag, not a field
            where += f".{part}" if where else part
    return where


def _what(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "too_short":
        return f"must be a list of at least {error.get('ctx', {}).get('min_length', 1)}"
    return _WHAT.get(kind) or error["msg"]
