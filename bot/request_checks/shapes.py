"""The shapes of the payloads Slack sends, as far as Bolt or a listener reads them.

They follow Slack's documented payloads. Every field Bolt reads while building its
context, and every field a listener reads, has its type checked; fields nobody reads
are ignored.
"""

from __future__ import annotations

from typing import Any

from bot.request_checks.shape_checks import (
    Check,
    id_or_object,
    instance_of,
    later,
    list_of,
    never,
    nullable,
    nullable_all,
    object_of,
    pattern,
    values_of,
)
from flashticket_core.service_layer.common import SLACK_USER_ID

# -- the values fields take ------------------------------------------------------------

STR = instance_of(str, "a string")
INT = instance_of(int, "an integer")
BOOL = instance_of(bool, "true or false")
ANY_OBJECT = instance_of(dict, "an object")
# Channel, team, app, view, file and event IDs; also what Bolt's own tests use ("T-auth").
ID = pattern(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", "a Slack ID")
USER_ID_PATTERN = SLACK_USER_ID.pattern.strip("^$")
USER_ID = pattern(USER_ID_PATTERN, "a Slack user ID")
TRIGGER = pattern(r"[A-Za-z0-9._-]{1,128}", "a trigger ID")
TS = pattern(r"[0-9]{1,16}(?:\.[0-9]{1,16})?", "a Slack timestamp")
# The bot posts to a response_url; anything but a web address is never called. Printable
# ASCII only: the HTTP client refuses control characters and cannot send non-ASCII; and
# of a length servers take (Slack's own are about 100 characters).
URL = pattern(
    r"https?://(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
    r"(?:[/?#][!-~]{0,2000})?",
    "an http(s) URL",
)
COMMAND_NAME = pattern(r"/\S{1,64}", "a slash command")

# -- the objects inside payloads --------------------------------------------------------

TEXT_OBJECT = object_of(nullable_all({"type": STR, "text": STR, "emoji": BOOL, "verbatim": BOOL}))
OPTION = object_of(
    {"value": STR, "text": TEXT_OBJECT, "description": TEXT_OBJECT}, required=("value",)
)
USER_OBJECT = object_of(nullable_all({"id": USER_ID, "username": STR, "name": STR, "team_id": ID}))
TEAM_OBJECT = object_of(
    nullable_all({"id": ID, "domain": STR, "enterprise_id": ID, "enterprise_name": STR})
)
NAMED_OBJECT = object_of(nullable_all({"id": ID, "name": STR}))

# What Bolt reads to build its context, at every level it looks (the payload, its event,
# message, previous_message, item, assistant_thread and first authorization).
CONTEXT: dict[str, Check] = {
    "user": nullable(id_or_object(USER_ID, USER_OBJECT)),
    "user_id": nullable(USER_ID),
    "team": nullable(id_or_object(ID, TEAM_OBJECT)),
    "team_id": nullable(ID),
    "enterprise": nullable(id_or_object(ID, NAMED_OBJECT)),
    "enterprise_id": nullable(ID),
    "channel": nullable(id_or_object(ID, NAMED_OBJECT)),
    "channel_id": nullable(ID),
    "thread_ts": nullable(TS),
    "function_execution_id": nullable(ID),
    "bot_access_token": nullable(STR),
    "authorizations": nullable(list_of(later(lambda: AUTHORIZATION))),
    "message": later(lambda: MESSAGE),
    "previous_message": later(lambda: MESSAGE),
    "item": later(lambda: ITEM),
    "assistant_thread": later(lambda: ASSISTANT_THREAD),
    "event": later(lambda: _event),
    "bot_id": nullable(ID),
}

AUTHORIZATION: Check = object_of(
    CONTEXT | nullable_all({"user_id": ID, "is_bot": BOOL, "is_enterprise_install": BOOL})
)
ITEM: Check = object_of(CONTEXT | nullable_all({"type": STR, "channel": ID, "ts": TS, "file": ID}))
ASSISTANT_THREAD: Check = object_of(CONTEXT)

# A file of another organisation (Slack Connect) names no user (`"user": ""`) and no
# URL: `file_access: "check_file_info"` says files.info tells the rest.
FILE_USER = pattern(r"(?:" + USER_ID_PATTERN + r")?", "a Slack user ID or empty")
FILE = object_of(
    nullable_all(
        {
            "id": ID,
            "name": STR,
            "title": STR,
            "mimetype": STR,
            "filetype": STR,
            "mode": STR,
            "size": INT,
            "user": FILE_USER,
            "file_access": STR,
            "url_private": URL,
            "url_private_download": URL,
            "permalink": URL,
        }
    ),
    required=("id",),
)

# A message as events, shortcuts and clicks carry it.
MESSAGE_FIELDS: dict[str, Check] = CONTEXT | nullable_all(
    {
        "type": STR,
        "subtype": STR,
        "channel": ID,
        "channel_type": STR,
        "user": USER_ID,
        "text": STR,
        "ts": TS,
        "event_ts": TS,
        "deleted_ts": TS,
        "hidden": BOOL,
        "files": list_of(FILE),
        "blocks": list_of(ANY_OBJECT),
        "attachments": list_of(ANY_OBJECT),
        # Who edited or wrote it: a person, or a bot's own ID.
        "edited": object_of(nullable_all({"user": ID, "ts": TS})),
        "parent_user_id": USER_ID,
        "client_msg_id": STR,
    }
)
MESSAGE: Check = object_of(MESSAGE_FIELDS)

STATE_ELEMENT = object_of(
    nullable_all(
        {
            "type": STR,
            "value": STR,
            "selected_option": OPTION,
            "selected_options": list_of(OPTION),
            "selected_user": USER_ID,
            "selected_users": list_of(USER_ID),
            "selected_channel": ID,
            "selected_conversation": ID,
            "selected_date": STR,
            "selected_time": STR,
        }
    )
)
VIEW = object_of(
    {
        "id": ID,
        "type": STR,
        "callback_id": STR,
        "private_metadata": STR,
        "hash": STR,
        "state": object_of({"values": values_of(values_of(STATE_ELEMENT))}),
        "blocks": list_of(ANY_OBJECT),
        "title": TEXT_OBJECT,
        "external_id": STR,
    }
    | nullable_all(
        {
            "team_id": ID,
            "app_id": ID,
            "bot_id": ID,
            "app_installed_team_id": ID,
            "root_view_id": ID,
            "previous_view_id": ID,
        }
    )
)
ACTION = object_of(
    {"action_id": STR}
    | nullable_all(
        {
            "block_id": STR,
            "type": STR,
            "value": STR,
            "action_ts": TS,
            "text": TEXT_OBJECT,
            "selected_option": OPTION,
            "selected_options": list_of(OPTION),
            "selected_user": USER_ID,
        }
    ),
    required=("action_id",),
)
CONTAINER = object_of(
    nullable_all(
        {
            "type": STR,
            "message_ts": TS,
            "thread_ts": TS,
            "channel_id": ID,
            "view_id": ID,
            "is_ephemeral": BOOL,
        }
    )
)

# -- events: what each one the bot may receive carries -----------------------------------

EVENT_COMMON: dict[str, Check] = CONTEXT | {
    "type": STR,
    "event_ts": nullable(TS),
    "ts": nullable(TS),
    # Bolt reads event.function.callback_id of any event with a function_execution_id.
    "function": object_of({"callback_id": nullable(STR)}),
    "view": nullable(VIEW),
}
EVENTS: dict[str, Check] = {
    "message": object_of(EVENT_COMMON | MESSAGE_FIELDS),
    "app_home_opened": object_of(
        EVENT_COMMON | nullable_all({"user": USER_ID, "channel": ID, "tab": STR})
    ),
    "member_joined_channel": object_of(
        EVENT_COMMON
        | nullable_all(
            {"user": USER_ID, "channel": ID, "channel_type": STR, "team": ID, "inviter": USER_ID}
        )
    ),
    "channel_created": object_of(
        EVENT_COMMON
        | {
            "channel": object_of(
                {"id": ID} | nullable_all({"name": STR, "created": INT, "creator": USER_ID}),
                required=("id",),
            )
        }
    ),
    "reaction_added": object_of(
        EVENT_COMMON
        | nullable_all({"user": USER_ID, "reaction": STR, "item_user": ID, "item": ITEM})
    ),
    # Steps from apps are retired; Bolt fails on one that lacks its workflow_step.
    "workflow_step_execute": never("is a retired workflow step"),
}
EVENTS["reaction_removed"] = EVENTS["reaction_added"]
ANY_EVENT = object_of(EVENT_COMMON)


def _event(value: Any) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return " must be an object with a type"
    return EVENTS.get(value["type"], ANY_EVENT)(value)


# -- whole payloads --------------------------------------------------------------------

ENVELOPE_FIELDS: dict[str, Check] = CONTEXT | {
    "type": STR,
    "token": nullable(STR),
    "api_app_id": nullable(ID),
    "trigger_id": nullable(TRIGGER),
    "response_url": URL,
    "response_urls": list_of(
        object_of(
            {"response_url": URL} | nullable_all({"block_id": STR, "action_id": STR}),
            required=("response_url",),
        )
    ),
    "event_id": ID,
    "event_time": nullable(INT),
    "view": VIEW,
    "container": CONTAINER,
    "actions": list_of(ACTION),
    "callback_id": STR,
    "action_id": STR,
    "message_ts": nullable(TS),
    "action_ts": nullable(TS),
    # Bolt takes any body with a "command" for a slash command; only forms are those.
    "command": never("is only for slash commands"),
}
_USER_REQUIRED = object_of(
    {"user": object_of({"id": USER_ID}, required=("id",))}, required=("user",)
)
# What each kind needs beyond the envelope's field types (checked first).
KINDS: dict[str, Check] = {
    "block_actions": object_of({"actions": list_of(ANY_OBJECT, at_least=1)}, required=("actions",)),
    "view_submission": object_of(
        {
            "view": object_of(
                {"type": pattern(r"(?!workflow_step$).*", "a view type"), "callback_id": STR},
                required=("type", "callback_id"),
            )
        },
        required=("view",),
    ),
    "shortcut": object_of({"callback_id": STR}, required=("callback_id",)),
    "message_action": object_of({"callback_id": STR}, required=("callback_id",)),
    "block_suggestion": object_of({"action_id": STR}, required=("action_id",)),
    "workflow_step_edit": never("is a retired workflow step"),
    "event_callback": object_of({}, required=("event",)),
    "url_verification": object_of({"challenge": STR}, required=("challenge",)),
}
KINDS["view_closed"] = KINDS["view_submission"]
# A person did something: who it was must be known.
ACTED = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")


def _payload(envelope: Check) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value.get("type"), str):
            return " must have a type"
        kind = value["type"]
        problem = envelope(value) or (KINDS[kind](value) if kind in KINDS else None)
        if problem is None and kind in ACTED:
            problem = _USER_REQUIRED(value)
        return problem

    return check


PAYLOAD = _payload(object_of(ENVELOPE_FIELDS))


def _or_empty(check: Check) -> Check:
    """Slack may leave an optional form field empty."""
    return lambda value: None if value == "" else check(value)


SLASH_COMMAND = object_of(
    {"command": COMMAND_NAME, "user_id": USER_ID}
    | {
        name: _or_empty(check)
        for name, check in {
            "channel_id": ID,
            "team_id": ID,
            "enterprise_id": ID,
            "api_app_id": ID,
            "trigger_id": TRIGGER,
            "response_url": URL,
        }.items()
    },
    required=("command", "user_id"),
)
SLASH_COMMAND_FIELDS = (
    "token",
    "team_id",
    "team_domain",
    "enterprise_id",
    "enterprise_name",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "response_url",
    "trigger_id",
    "api_app_id",
    "is_enterprise_install",
)
SSL_CHECK_FIELDS = ("ssl_check", "token")
