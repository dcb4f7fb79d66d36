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


def checked_length(
    cleaned: str, *, field: str, limit: int, too_long: str, empty: str | None = None
) -> str:
    """A person's text, already trimmed, refused when empty (with `empty`'s message,
    if it may not be) or over `limit` characters (with `too_long`'s)."""
    if empty is not None and not cleaned:
        raise InvalidInput(empty, field=field)
    if len(cleaned) > limit:
        raise InvalidInput(too_long, field=field, limit=limit, length=len(cleaned))
    return cleaned


def validate_title(title: str) -> str:
    return checked_length(
        " ".join(title.split()),
        field="title",
        limit=TITLE_MAX,
        too_long="error.title_too_long",
        empty="error.title_empty",
    )


def validate_description(description: str) -> str:
    return checked_length(
        description.strip(),
        field="description",
        limit=DESCRIPTION_MAX,
        too_long="error.description_too_long",
    )


def validate_text(text: str) -> str:
    return checked_length(
        text.strip(),
        field="text",
        limit=ENTRY_MAX,
        too_long="error.text_too_long",
        empty="error.text_empty",
    )
