"""Requests shaped and signed exactly as Slack sends them (form bodies for commands,
`payload=` JSON for interactivity, JSON envelopes for events)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM = {"id": "T000001", "domain": "flashticket-test"}


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature over the raw bytes (so garbage bodies can be signed too)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if body.isascii():  # the same as slack_sdk computes, where slack_sdk can compute it
        assert signature == SignatureVerifier(secret).generate_signature(
            timestamp=ts, body=body.decode()
        )
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def command_body(
    command: str, text: str, user_id: str, *, trigger_id: str = "t", **extra: str
) -> bytes:
    form = {
        "token": "deprecated-verification-token",
        "team_id": TEAM["id"],
        "team_domain": TEAM["domain"],
        "channel_id": extra.pop("channel_id", "C0GENERAL1"),
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A000001",
        "response_url": extra.pop("response_url", "https://hooks.slack.invalid/commands/1"),
        "trigger_id": trigger_id,
        **extra,
    }
    return urlencode(form).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_action(
    user_id: str,
    action_id: str,
    *,
    value: str | None = None,
    selected: str | None = None,
    channel: str = "C0SUPPORT1",
    message_ts: str = "1.0",
    response_url: str = "https://hooks.slack.invalid/actions/1",
    trigger_id: str = "t",
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "actions",
        "action_ts": f"{time.time():.6f}",
    }
    if selected is not None:
        action.update(
            type="static_select",
            selected_option={"text": {"type": "plain_text", "text": "x"}, "value": selected},
        )
    else:
        action.update(type="button", value=value, text={"type": "plain_text", "text": "x"})
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A000001",
        "token": "deprecated",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id,
        "team": TEAM,
        "channel": {"id": channel, "name": "support"},
        "message": {"type": "message", "ts": message_ts, "text": "card"},
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(
    user_id: str,
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    view_id: str | None = None,
) -> dict[str, Any]:
    """`values`: block_id -> the element state, e.g. {"title": {"type": "plain_text_input", "value": "x"}}."""
    submitted = dict(view)
    submitted.update(
        id=view_id or f"V{uuid.uuid4().hex[:10].upper()}",
        team_id=TEAM["id"],
        state={"values": {block: {"value": state} for block, state in values.items()}},
        hash=f"{int(time.time())}.abc",
    )
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A000001",
        "token": "deprecated",
        "trigger_id": "t",
        "view": submitted,
        "response_urls": [],
    }


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "deprecated",
        "team_id": TEAM["id"],
        "api_app_id": "A000001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM["id"], "user_id": "UBOT00001", "is_bot": True}],
    }


def dm_thread_reply(user_id: str, channel: str, thread_ts: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user_id,
        "text": text,
        "ts": f"{time.time():.6f}",
        "thread_ts": thread_ts,
        "event_ts": f"{time.time():.6f}",
    }


def dm_reply_edited(
    user_id: str, channel: str, thread_ts: str, ts: str, old_text: str, new_text: str
) -> dict[str, Any]:
    """Slack's `message_changed`: the message as it is now, and as it was."""
    now = f"{time.time():.6f}"
    before = {
        "type": "message",
        "user": user_id,
        "text": old_text,
        "ts": ts,
        "thread_ts": thread_ts,
    }
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": "im",
        "ts": now,
        "event_ts": now,
        "message": before
        | {
            "text": new_text,
            "parent_user_id": "UBOT00001",
            "edited": {"user": user_id, "ts": now},
            "client_msg_id": str(uuid.uuid4()),
        },
        "previous_message": before,
    }


def dm_reply_deleted(
    user_id: str, channel: str, thread_ts: str, ts: str, text: str
) -> dict[str, Any]:
    """Slack's `message_deleted`: which message went, and what it was."""
    now = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "channel_type": "im",
        "ts": now,
        "deleted_ts": ts,
        "event_ts": now,
        "previous_message": {
            "type": "message",
            "user": user_id,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
        },
    }


class SlackClientSimulator:
    """Sends signed requests to the bot over real HTTP, as Slack's servers would."""

    def __init__(self, port: int, signing_secret: str) -> None:
        self.port = port
        self.signing_secret = signing_secret

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
        path: str = "/slack/events",
    ) -> Response:
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers.update(sign(body, self.signing_secret, timestamp))
        all_headers.update(headers or {})
        return self.request("POST", path, body, all_headers)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.read(), dict(response.getheaders()))
        finally:
            connection.close()

    def command(self, command: str, text: str, user_id: str, **extra: str) -> Response:
        return self.post(
            command_body(command, text, user_id, **extra),
            content_type="application/x-www-form-urlencoded",
        )

    def interact(self, payload: dict[str, Any], **options: Any) -> Response:
        return self.post(
            interaction_body(payload), content_type="application/x-www-form-urlencoded", **options
        )

    def event(self, envelope: dict[str, Any], **options: Any) -> Response:
        return self.post(json.dumps(envelope).encode(), content_type="application/json", **options)
