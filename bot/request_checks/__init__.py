"""The HTTP edge: what a request must be before Bolt sees it.

Bolt answers 500 to a non-numeric timestamp, a body that is not UTF-8 or a payload of
the wrong shape, and it reads deep into a payload while building its context, before
any listener runs (`user.id`, `channel.id`, `team.id`, `authorizations[0]`,
`actions[0]`, `view.callback_id`, `response_urls[0]`, `event.function`, ...). Here a bad
or stale signature is a 401 and anything else Bolt or the listeners could trip over is
a 400, so nothing a client sends can make the server fail:

- the JSON is parsed once, here, and that same dict is what Bolt gets, so Bolt and
  this check can never read a body differently;
- one pass over the parsed payload bounds its nesting and refuses strings holding a
  NUL or a lone surrogate (Slack's UTF-8 cannot carry either, and the database driver
  fails on them long after the answer went out);
- every field that Bolt or a listener reads has its type checked against the shapes
  below, which follow Slack's documented payloads; fields nobody reads are ignored.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import Clock, SignatureVerifier

from flashticket_core.service_layer.common import SLACK_USER_ID

MAX_BODY_BYTES = 1 << 20
MAX_CLOCK_SKEW_SECONDS = 60 * 5
# Slack's deepest payloads (a rich-text list in an edited message) nest about 15 levels.
MAX_DEPTH = 64
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


@dataclass(frozen=True)
class Checked:
    """A signed, fresh request: its text as signed, and the payload Bolt is to handle."""

    text: str
    body: dict[str, Any]


def verify(
    headers: Mapping[str, str],
    body: bytes,
    signing_secret: str,
    *,
    now: Callable[[], float] = time.time,
) -> Rejection | Checked:
    """The request if it is signed, fresh and of a shape the bot can handle; else why not."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or len(timestamp) > 12:
        return Rejection(401, "missing or malformed X-Slack-Request-Timestamp")
    if abs(now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return Rejection(401, "stale request timestamp")
    if not signature.startswith("v0="):
        return Rejection(401, "missing or malformed X-Slack-Signature")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    verifier = SignatureVerifier(signing_secret, clock=_FixedClock(now()))
    if not verifier.is_valid(text, timestamp, signature):
        return Rejection(401, "invalid signature")
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    parsed = parse(media_type, text)
    if isinstance(parsed, str):
        return Rejection(400, parsed)
    return Checked(text=text, body=parsed)


class _FixedClock(Clock):
    """SignatureVerifier's clock protocol, pinned to the time already checked above."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def parse(media_type: str, text: str) -> dict[str, Any] | str:
    """The payload as Bolt is to see it, or what is wrong with the body."""
    if media_type == JSON:
        return _checked_payload(text)
    if media_type != FORM:
        return f"unsupported content type {media_type or 'none'!r}"
    try:
        # errors="strict": a percent-escape that is no UTF-8 is refused, not made U+FFFD.
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except ValueError:  # UnicodeDecodeError included
        return "malformed form body"
    if any(len(values) > 1 for values in form.values()):
        # Slack sends each field once; which copy would count is not ours to guess.
        return "repeated form field"
    fields = {name: values[0] for name, values in form.items()}
    if any("\x00" in name or "\x00" in value for name, value in fields.items()):
        return "form body holds a NUL character"
    if "payload" in fields:
        return _checked_payload(fields["payload"])
    # Bolt builds its context from every field it is given (a text `authorizations`
    # makes it fail): it is given the fields Slack documents and nothing else.
    if "ssl_check" in fields:
        return {name: fields[name] for name in SSL_CHECK_FIELDS if name in fields}
    problem = _problem_of(fields, SLASH_COMMAND)
    if problem is not None:
        return problem
    return {name: fields[name] for name in SLASH_COMMAND_FIELDS if name in fields}


def socket_mode_payload(kind: str, payload: Any) -> dict[str, Any] | str:
    """A Socket Mode request's payload as Bolt is to see it, or what is wrong with it.

    Slack's WebSocket carries the same payloads as HTTP (a slash command as the form's
    fields in an object), already parsed: the same checks apply, after the parse."""
    if not isinstance(payload, dict):
        return "payload must be an object"
    problem = _nesting_problem(payload, strings=True)
    if problem is not None:
        return problem
    if kind == "slash_commands":
        if not all(isinstance(value, str) for value in payload.values()):
            return "slash command fields must be text"
        problem = _problem_of(payload, SLASH_COMMAND)
        if problem is not None:
            return problem
        return {name: payload[name] for name in SLASH_COMMAND_FIELDS if name in payload}
    if kind not in ("events_api", "interactive"):
        return f"unknown Socket Mode request type {kind[:40]!r}"
    return _problem_of(payload, PAYLOAD) or payload


def _checked_payload(text: str) -> dict[str, Any] | str:
    data = _json_object(text)
    if isinstance(data, str):
        return data
    problem = _problem_of(data, PAYLOAD)
    return data if problem is None else problem


# -- JSON: parsed once, nesting and strings checked in one pass ------------------------

# A lone surrogate or a NUL can only reach a parsed string through a \u escape.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_object(text: str) -> dict[str, Any] | str:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError:
        return "malformed JSON"
    if not isinstance(data, dict):
        return "JSON body must be an object"
    return _nesting_problem(data, strings=_SUSPECT_ESCAPE.search(text) is not None) or data


def _nesting_problem(data: dict[str, Any], *, strings: bool) -> str | None:
    """Depth beyond MAX_DEPTH, or (if `strings`) a string with a NUL or a lone surrogate."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"JSON nested deeper than {MAX_DEPTH} levels"
        if isinstance(container, dict):
            if strings and any(_BAD_CHARACTER.search(key) for key in container):
                return "JSON holds a NUL or a lone surrogate"
            items = container.values()
        else:
            items = container
        for item in items:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
            elif strings and isinstance(item, str) and _BAD_CHARACTER.search(item):
                return "JSON holds a NUL or a lone surrogate"
    return None


# -- shapes ------------------------------------------------------------------------------
#
# A check answers None for a good value, else what is wrong: " must be ..." for the value
# itself, or "key must be ..." / "key[0] must be ..." for something inside it.

Check = Callable[[Any], "str | None"]


def _problem_of(payload: dict[str, Any], shape: Check) -> str | None:
    problem = shape(payload)
    return None if problem is None else ("payload" + problem if problem[0] == " " else problem)


def _at(key: str, problem: str) -> str:
    return key + problem if problem[0] in " [" else f"{key}.{problem}"


def _pattern(regex: str, what: str) -> Check:
    compiled = re.compile(regex)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and compiled.fullmatch(value):
            return None
        return f" must be {what}"

    return check


def _kind(types: type | tuple[type, ...], what: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, types) and not (isinstance(value, bool) and types is int):
            return None
        return f" must be {what}"

    return check


def _nullable(inner: Check) -> Check:
    def check(value: Any) -> str | None:
        return None if value is None else inner(value)

    return check


def _id_or_object(id_check: Check, object_check: Check) -> Check:
    """Slack sends some references as an ID in one payload and an object in another."""

    def check(value: Any) -> str | None:
        return object_check(value) if isinstance(value, dict) else id_check(value)

    return check


def _list(item: Check, *, at_least: int = 0) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or len(value) < at_least:
            return " must be a list" + (f" of at least {at_least}" if at_least else "")
        for index, element in enumerate(value):
            problem = item(element)
            if problem is not None:
                return _at(f"[{index}]", problem)
        return None

    return check


def _values(item: Check) -> Check:
    """An object whose keys are free (block IDs, action IDs) and whose values share a shape."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return " must be an object"
        for key, element in value.items():
            problem = item(element)
            if problem is not None:
                return _at(key, problem)
        return None

    return check


def _object(fields: Mapping[str, Check], *, required: tuple[str, ...] = ()) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return " must be an object"
        for key in required:
            if key not in value:
                return f"{key} is missing"
        for key, field in fields.items():
            if key in value:
                problem = field(value[key])
                if problem is not None:
                    return _at(key, problem)
        return None

    return check


def _later(resolve: Callable[[], Check]) -> Check:
    """A shape that contains itself (a message holds its previous version)."""

    def check(value: Any) -> str | None:
        return resolve()(value)

    return check


def _never(reason: str) -> Check:
    def check(_value: Any) -> str | None:
        return f" {reason}"

    return check


STR = _kind(str, "a string")
INT = _kind(int, "an integer")
BOOL = _kind(bool, "true or false")
ANY_OBJECT = _kind(dict, "an object")
# Channel, team, app, view, file and event IDs; also what Bolt's own tests use ("T-auth").
ID = _pattern(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", "a Slack ID")
USER_ID = _pattern(SLACK_USER_ID.pattern.strip("^$"), "a Slack user ID")
TRIGGER = _pattern(r"[A-Za-z0-9._-]{1,128}", "a trigger ID")
TS = _pattern(r"[0-9]{1,16}(?:\.[0-9]{1,16})?", "a Slack timestamp")
# The bot posts to a response_url; anything but a web address is never called. Printable
# ASCII only: the HTTP client refuses control characters and cannot send non-ASCII; and
# of a length servers take (Slack's own are about 100 characters).
URL = _pattern(
    r"https?://(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
    r"(?:[/?#][!-~]{0,2000})?",
    "an http(s) URL",
)
COMMAND_NAME = _pattern(r"/\S{1,64}", "a slash command")


def _nullable_all(fields: Mapping[str, Check]) -> dict[str, Check]:
    return {key: _nullable(check) for key, check in fields.items()}


TEXT_OBJECT = _object(_nullable_all({"type": STR, "text": STR, "emoji": BOOL, "verbatim": BOOL}))
OPTION = _object(
    {"value": STR, "text": TEXT_OBJECT, "description": TEXT_OBJECT}, required=("value",)
)
USER_OBJECT = _object(_nullable_all({"id": USER_ID, "username": STR, "name": STR, "team_id": ID}))
TEAM_OBJECT = _object(
    _nullable_all({"id": ID, "domain": STR, "enterprise_id": ID, "enterprise_name": STR})
)
NAMED_OBJECT = _object(_nullable_all({"id": ID, "name": STR}))

# What Bolt reads to build its context, at every level it looks (the payload, its event,
# message, previous_message, item, assistant_thread and first authorization).
CONTEXT: dict[str, Check] = {
    "user": _nullable(_id_or_object(USER_ID, USER_OBJECT)),
    "user_id": _nullable(USER_ID),
    "team": _nullable(_id_or_object(ID, TEAM_OBJECT)),
    "team_id": _nullable(ID),
    "enterprise": _nullable(_id_or_object(ID, NAMED_OBJECT)),
    "enterprise_id": _nullable(ID),
    "channel": _nullable(_id_or_object(ID, NAMED_OBJECT)),
    "channel_id": _nullable(ID),
    "thread_ts": _nullable(TS),
    "function_execution_id": _nullable(ID),
    "bot_access_token": _nullable(STR),
    "authorizations": _nullable(_list(_later(lambda: AUTHORIZATION))),
    "message": _later(lambda: MESSAGE),
    "previous_message": _later(lambda: MESSAGE),
    "item": _later(lambda: ITEM),
    "assistant_thread": _later(lambda: ASSISTANT_THREAD),
    "event": _later(lambda: _event),
    "bot_id": _nullable(ID),
}

AUTHORIZATION: Check = _object(
    CONTEXT | _nullable_all({"user_id": ID, "is_bot": BOOL, "is_enterprise_install": BOOL})
)
ITEM: Check = _object(CONTEXT | _nullable_all({"type": STR, "channel": ID, "ts": TS, "file": ID}))
ASSISTANT_THREAD: Check = _object(CONTEXT)

FILE = _object(
    _nullable_all(
        {
            "id": ID,
            "name": STR,
            "title": STR,
            "mimetype": STR,
            "filetype": STR,
            "mode": STR,
            "size": INT,
            "user": USER_ID,
            "url_private": URL,
            "url_private_download": URL,
            "permalink": URL,
        }
    ),
    required=("id",),
)

# A message as events, shortcuts and clicks carry it.
MESSAGE_FIELDS: dict[str, Check] = CONTEXT | _nullable_all(
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
        "files": _list(FILE),
        "blocks": _list(ANY_OBJECT),
        "attachments": _list(ANY_OBJECT),
        # Who edited or wrote it: a person, or a bot's own ID.
        "edited": _object(_nullable_all({"user": ID, "ts": TS})),
        "parent_user_id": USER_ID,
        "client_msg_id": STR,
    }
)
MESSAGE: Check = _object(MESSAGE_FIELDS)

STATE_ELEMENT = _object(
    _nullable_all(
        {
            "type": STR,
            "value": STR,
            "selected_option": OPTION,
            "selected_options": _list(OPTION),
            "selected_user": USER_ID,
            "selected_users": _list(USER_ID),
            "selected_channel": ID,
            "selected_conversation": ID,
            "selected_date": STR,
            "selected_time": STR,
        }
    )
)
VIEW = _object(
    {
        "id": ID,
        "type": STR,
        "callback_id": STR,
        "private_metadata": STR,
        "hash": STR,
        "state": _object({"values": _values(_values(STATE_ELEMENT))}),
        "blocks": _list(ANY_OBJECT),
        "title": TEXT_OBJECT,
        "external_id": STR,
    }
    | _nullable_all(
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
ACTION = _object(
    {"action_id": STR}
    | _nullable_all(
        {
            "block_id": STR,
            "type": STR,
            "value": STR,
            "action_ts": TS,
            "text": TEXT_OBJECT,
            "selected_option": OPTION,
            "selected_options": _list(OPTION),
            "selected_user": USER_ID,
        }
    ),
    required=("action_id",),
)
CONTAINER = _object(
    _nullable_all(
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
    "event_ts": _nullable(TS),
    "ts": _nullable(TS),
    # Bolt reads event.function.callback_id of any event with a function_execution_id.
    "function": _object({"callback_id": _nullable(STR)}),
    "view": _nullable(VIEW),
}
EVENTS: dict[str, Check] = {
    "message": _object(EVENT_COMMON | MESSAGE_FIELDS),
    "app_home_opened": _object(
        EVENT_COMMON | _nullable_all({"user": USER_ID, "channel": ID, "tab": STR})
    ),
    "member_joined_channel": _object(
        EVENT_COMMON
        | _nullable_all(
            {"user": USER_ID, "channel": ID, "channel_type": STR, "team": ID, "inviter": USER_ID}
        )
    ),
    "channel_created": _object(
        EVENT_COMMON
        | {
            "channel": _object(
                {"id": ID} | _nullable_all({"name": STR, "created": INT, "creator": USER_ID}),
                required=("id",),
            )
        }
    ),
    "reaction_added": _object(
        EVENT_COMMON
        | _nullable_all({"user": USER_ID, "reaction": STR, "item_user": ID, "item": ITEM})
    ),
    # Steps from apps are retired; Bolt fails on one that lacks its workflow_step.
    "workflow_step_execute": _never("is a retired workflow step"),
}
EVENTS["reaction_removed"] = EVENTS["reaction_added"]
ANY_EVENT = _object(EVENT_COMMON)


def _event(value: Any) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return " must be an object with a type"
    return EVENTS.get(value["type"], ANY_EVENT)(value)


# -- whole payloads --------------------------------------------------------------------

ENVELOPE_FIELDS: dict[str, Check] = CONTEXT | {
    "type": STR,
    "token": _nullable(STR),
    "api_app_id": _nullable(ID),
    "trigger_id": _nullable(TRIGGER),
    "response_url": URL,
    "response_urls": _list(
        _object(
            {"response_url": URL} | _nullable_all({"block_id": STR, "action_id": STR}),
            required=("response_url",),
        )
    ),
    "event_id": ID,
    "event_time": _nullable(INT),
    "view": VIEW,
    "container": CONTAINER,
    "actions": _list(ACTION),
    "callback_id": STR,
    "action_id": STR,
    "message_ts": _nullable(TS),
    "action_ts": _nullable(TS),
    # Bolt takes any body with a "command" for a slash command; only forms are those.
    "command": _never("is only for slash commands"),
}
_USER_REQUIRED = _object({"user": _object({"id": USER_ID}, required=("id",))}, required=("user",))
# What each kind needs beyond the envelope's field types (checked first).
KINDS: dict[str, Check] = {
    "block_actions": _object({"actions": _list(ANY_OBJECT, at_least=1)}, required=("actions",)),
    "view_submission": _object(
        {
            "view": _object(
                {"type": _pattern(r"(?!workflow_step$).*", "a view type"), "callback_id": STR},
                required=("type", "callback_id"),
            )
        },
        required=("view",),
    ),
    "shortcut": _object({"callback_id": STR}, required=("callback_id",)),
    "message_action": _object({"callback_id": STR}, required=("callback_id",)),
    "block_suggestion": _object({"action_id": STR}, required=("action_id",)),
    "workflow_step_edit": _never("is a retired workflow step"),
    "event_callback": _object({}, required=("event",)),
    "url_verification": _object({"challenge": STR}, required=("challenge",)),
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


PAYLOAD = _payload(_object(ENVELOPE_FIELDS))


def _or_empty(check: Check) -> Check:
    """Slack may leave an optional form field empty."""
    return lambda value: None if value == "" else check(value)


SLASH_COMMAND = _object(
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
