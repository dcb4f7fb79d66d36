"""The HTTP edge: what a request must be before Bolt sees it.

Bolt answers 500 to a non-numeric timestamp, a body that is not UTF-8 or a payload of
the wrong shape, and it reads deep into a payload while building its context, before
any listener runs (`user.id`, `channel.id`, `team.id`, `authorizations[0]`,
`actions[0]`, `view.callback_id`, `response_urls[0]`, `event.function`, ...). Here a bad
or stale signature is a 401 and anything else Bolt or the listeners could trip over is
a 400, so nothing a client sends can make the server fail:

- the signature and the timestamp are checked here (`verify`), before anything else;
- the body is parsed once (`body`), and that same dict is what Bolt gets, so Bolt and
  this check can never read a body differently; one pass over the parsed payload
  bounds its nesting and refuses strings holding a NUL or a lone surrogate;
- the payload is validated into its model (`bot.incoming`: every field Bolt or a
  listener reads, typed as Slack documents it; fields nobody reads are ignored), and
  the dict Bolt gets carries that model to the listeners.

Socket Mode payloads arrive parsed, and get the same checks (`socket_mode_payload`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import Clock, SignatureVerifier

from bot.incoming import CheckedBody, checked_command, checked_payload
from bot.request_checks.body import MAX_DEPTH, nesting_problem, parse

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CLOCK_SKEW_SECONDS",
    "MAX_DEPTH",
    "Checked",
    "Rejection",
    "parse",
    "socket_mode_payload",
    "verify",
]

MAX_BODY_BYTES = 1 << 20
MAX_CLOCK_SKEW_SECONDS = 60 * 5


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


@dataclass(frozen=True)
class Checked:
    """A signed, fresh request: its text as signed, and the payload Bolt is to handle."""

    text: str
    body: CheckedBody


SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


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
    # ASCII digits only: "²" and "١٢" are digits to str.isdigit but no number to int().
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return Rejection(401, "missing or malformed X-Slack-Request-Timestamp")
    if abs(now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return Rejection(401, "stale request timestamp")
    # The form Slack sends: v0= and a SHA-256 in hex. Anything else (a non-ASCII byte
    # included, which hmac.compare_digest refuses with a TypeError) is no signature.
    if not SIGNATURE.fullmatch(signature):
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


def socket_mode_payload(kind: str, payload: Any) -> CheckedBody | str:
    """A Socket Mode request's payload as Bolt is to see it, or what is wrong with it.

    Slack's WebSocket carries the same payloads as HTTP (a slash command as the form's
    fields in an object), already parsed: the same checks apply, after the parse."""
    if not isinstance(payload, dict):
        return "payload must be an object"
    problem = nesting_problem(payload, strings=True)
    if problem is not None:
        return problem
    if kind == "slash_commands":
        if not all(isinstance(value, str) for value in payload.values()):
            return "slash command fields must be text"
        return checked_command(payload)
    if kind not in ("events_api", "interactive"):
        return f"unknown Socket Mode request type {kind[:40]!r}"
    return checked_payload(payload)
