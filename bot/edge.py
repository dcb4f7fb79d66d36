"""The HTTP edge: what a request must be before Bolt sees it.

Bolt answers 500 to a non-numeric timestamp, a body that is not UTF-8 or a payload of
the wrong shape. Here a bad or stale signature is a 401 and a malformed body a 400,
so nothing a client sends can make the server fail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import Clock, SignatureVerifier

MAX_BODY_BYTES = 1 << 20
MAX_CLOCK_SKEW_SECONDS = 60 * 5


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


def verify(
    headers: Mapping[str, str],
    body: bytes,
    signing_secret: str,
    *,
    now: Callable[[], float] = time.time,
) -> Rejection | str:
    """The body as text if the request is signed, fresh and well-formed; else why not."""
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
    problem = shape_problem(headers.get("content-type", ""), text)
    if problem is not None:
        return Rejection(400, problem)
    return text


class _FixedClock(Clock):
    """SignatureVerifier's clock protocol, pinned to the time already checked above."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def shape_problem(content_type: str, text: str) -> str | None:
    """None if the body has the shape of a Slack request Bolt can handle."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        data = _json_object(text)
        if data is None or not isinstance(data.get("type"), str):
            return "JSON body must be an object with a type"
        return _event_problem(data)
    if media_type == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
        except ValueError:
            return "malformed form body"
        if "payload" in form:
            payload = _json_object(form["payload"][0])
            if payload is None or not isinstance(payload.get("type"), str):
                return "payload must be a JSON object with a type"
            return _interaction_problem(payload)
        if "ssl_check" in form:
            return None
        if not _str(form, "command") or not _str(form, "user_id"):
            return "slash command without command or user_id"
        return None
    return f"unsupported content type {media_type or 'none'!r}"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _str(form: dict[str, list[str]], name: str) -> bool:
    values = form.get(name) or [""]
    return bool(values[0])


def _user_problem(payload: dict[str, Any]) -> str | None:
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "interaction without user.id"
    return None


def _interaction_problem(payload: dict[str, Any]) -> str | None:
    kind = payload["type"]
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            return "block_actions without a list of actions"
        if not all(isinstance(a.get("action_id"), str) for a in actions):
            return "action without action_id"
        return _user_problem(payload)
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not isinstance(view, dict):
            return "view payload without a view object"
        if not isinstance(view.get("type"), str) or not isinstance(view.get("callback_id"), str):
            return "view without type or callback_id"
        state = view.get("state", {})
        if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
            return "view state must be an object"
        return _user_problem(payload)
    if kind in ("shortcut", "message_action"):
        return _user_problem(payload)
    return None


def _event_problem(data: dict[str, Any]) -> str | None:
    if data["type"] == "event_callback":
        event = data.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event_callback without an event object"
        if event["type"] == "workflow_step_execute" and not isinstance(
            event.get("callback_id"), str
        ):
            return "workflow_step_execute without callback_id"
    return None
