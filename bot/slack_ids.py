"""What Slack's IDs and timestamps look like, in one place.

The core knows a person by an opaque id (present, and not absurdly long); that a person
is `U…` or `W…` and a channel `C…`, `D…` or `G…` is Slack's business, and this module's.
The payload models (`bot.incoming`) type their fields with the annotated types below,
so a field of the wrong syntax is the edge's 400, said as "`field` must be a Slack ID".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

# A person: a user (`U…`) or an Enterprise Grid user (`W…`).
USER_ID = r"[UW][A-Z0-9]{2,31}"
# Channel, team, app, view, file and event IDs; also what Bolt's own tests use ("T-auth").
ID = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# A channel the help desk posts in (its settings): public or private.
CHANNEL_ID = r"[CG][A-Z0-9]{2,}"
# A Slack user group (a desk file's team may name one).
USERGROUP_ID = r"S[A-Z0-9]{2,}"
# A conversation the bot writes to: a channel, a DM, a private channel.
CONVERSATION_ID = r"[CDG][A-Z0-9]{2,30}"
FILE_ID = r"F[A-Z0-9]{2,30}"
TS = r"[0-9]{1,16}(?:\.[0-9]{1,16})?"
# A message's ts as the bot stores it: always with its fraction.
MESSAGE_TS = r"[0-9]{1,16}\.[0-9]{1,16}"
TRIGGER = r"[A-Za-z0-9._-]{1,128}"
COMMAND = r"/\S{1,64}"
# The bot posts to a response_url; anything but a web address is never called. Printable
# ASCII only: the HTTP client refuses control characters and cannot send non-ASCII; and
# of a length servers take (Slack's own are about 100 characters).
URL = (
    r"https?://(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
    r"(?:[/?#][!-~]{0,2000})?"
)

_USER = re.compile(USER_ID)
_CHANNEL = re.compile(CHANNEL_ID)
_USERGROUP = re.compile(USERGROUP_ID)
# `<@U123|name>` or `<@U123>`, as Slack writes a person it was asked to name.
MENTION = re.compile(r"<@(" + USER_ID + r")(?:\|[^>]*)?>")


def is_user_id(value: str) -> bool:
    return _USER.fullmatch(value) is not None


def is_channel_id(value: str) -> bool:
    return _CHANNEL.fullmatch(value) is not None


def is_usergroup_id(value: str) -> bool:
    return _USERGROUP.fullmatch(value) is not None


def is_dm(channel: str) -> bool:
    """A direct message's conversation (of an ID checked as a Slack ID already)."""
    return channel.startswith("D")


def user_of_mention(token: str) -> str | None:
    """`<@U123|name>`, `<@U123>` or a bare `U123`, as Slack sends them with escaping on."""
    match = MENTION.fullmatch(token)
    if match:
        return match.group(1)
    return token if is_user_id(token) else None


@dataclass(frozen=True)
class Syntax:
    """A string field of Slack's syntax `pattern`; anything else (another type included)
    is one error, "must be `what`", checked inside pydantic's core."""

    pattern: str
    what: str
    empty_too: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # Slack may leave an optional form field empty.
        pattern = f"^(?:{self.pattern}){'?' if self.empty_too else ''}$"
        return core_schema.custom_error_schema(
            core_schema.str_schema(pattern=pattern, strict=True),
            custom_error_type="slack_syntax",
            custom_error_message=f"must be {self.what}",
        )


UserId = Annotated[str, Syntax(USER_ID, "a Slack user ID")]
SlackId = Annotated[str, Syntax(ID, "a Slack ID")]
Ts = Annotated[str, Syntax(TS, "a Slack timestamp")]
TriggerId = Annotated[str, Syntax(TRIGGER, "a trigger ID")]
Url = Annotated[str, Syntax(URL, "an http(s) URL")]
CommandName = Annotated[str, Syntax(COMMAND, "a slash command")]
# A file of another organisation (Slack Connect) names no user (`"user": ""`).
UserIdOrEmpty = Annotated[str, Syntax(USER_ID, "a Slack user ID or empty", empty_too=True)]
SlackIdOrEmpty = Annotated[str, Syntax(ID, "a Slack ID", empty_too=True)]
TriggerIdOrEmpty = Annotated[str, Syntax(TRIGGER, "a trigger ID", empty_too=True)]
UrlOrEmpty = Annotated[str, Syntax(URL, "an http(s) URL", empty_too=True)]
# What the bot writes into its own modals' metadata.
ConversationId = Annotated[str, Syntax(CONVERSATION_ID, "a conversation ID")]
FileId = Annotated[str, Syntax(FILE_ID, "a file ID")]
MessageTs = Annotated[str, Syntax(MESSAGE_TS, "a message timestamp")]
