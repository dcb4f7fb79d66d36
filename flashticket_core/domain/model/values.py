"""The ticket's values: how long its texts may be, where in chat it came from, and the
checks its texts pass."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.errors import InvalidInput

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
# Slack's own limit for a message's text: a reply pasted into a DM thread is kept whole
# (the column is unlimited text; the chat adapter splits what it relays).
ENTRY_MAX = 40_000
USER_ID_MAX = 32
CHAT_ID_MAX = 64
FILE_NAME_MAX = 255
FILE_TYPE_MAX = 128
# Where a message is in chat: its channel and its timestamp.
ChatMessage = tuple[str, str]
# A chat channel ID and a message's ts, as Slack writes them.
SOURCE_CHANNEL_MAX = 64
SOURCE_TS_MAX = 32
NAME_MAX = 100
# A team's and a request type's id, as the desk file names them (`[a-z0-9_-]{1,32}`).
DESK_ID_MAX = 32
# The one team of a help desk without a desk file, and of the tickets from before teams.
DEFAULT_TEAM_ID = "support"
# The reason of a status change that closes a ticket its reporter withdrew.
WITHDRAWN = "withdrawn"
# The history field of an assignment by a team's rule; its new value says why.
ASSIGNED_BY_RULE = "assigned_by_rule"


@dataclass(frozen=True)
class MessageSource:
    """The chat message a ticket is made from: where it is, and the thread it is in
    (its own ts when it starts none)."""

    channel: str
    ts: str
    thread_ts: str


def validate_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("error.title_empty", field="title")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            "error.title_too_long", field="title", limit=TITLE_MAX, length=len(cleaned)
        )
    return cleaned


def validate_description(description: str) -> str:
    cleaned = description.strip()
    if len(cleaned) > DESCRIPTION_MAX:
        raise InvalidInput(
            "error.description_too_long",
            field="description",
            limit=DESCRIPTION_MAX,
            length=len(cleaned),
        )
    return cleaned


def validate_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("error.text_empty", field="text")
    if len(cleaned) > ENTRY_MAX:
        raise InvalidInput(
            "error.text_too_long", field="text", limit=ENTRY_MAX, length=len(cleaned)
        )
    return cleaned
