"""What Slack sends, as types: each payload is validated once, at the edge, into its
model (`kinds`, built of `objects`); Bolt gets the parsed dict, which carries the model
to the listeners (`model_of`).

A payload of a shape the bot cannot handle is refused with where and what is wrong
("actions[0].action_id must be a string"), the edge's 400.
"""

from __future__ import annotations

from bot.incoming.kinds import (
    COMMAND_FIELDS,
    SSL_CHECK_FIELDS,
    BadPayload,
    BlockActions,
    CheckedBody,
    EventCallback,
    Incoming,
    Payload,
    Shortcut,
    SlashCommand,
    ViewPayload,
    checked_command,
    checked_payload,
    model_of,
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
