"""The HTTP edge rejects what Bolt would choke on: 401 for signatures, 400 for shapes."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.edge import Rejection, verify
from tests.slack_requests import block_action, command_body, interaction_body, sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000
FORM = "application/x-www-form-urlencoded"


def check(body: bytes, content_type: str = FORM, **header_overrides: str) -> Rejection | str:
    headers = {k.lower(): v for k, v in sign(body, SECRET, NOW).items()}
    headers["content-type"] = content_type
    headers.update({k.lower().replace("_", "-"): v for k, v in header_overrides.items()})
    return verify(headers, body, SECRET, now=lambda: NOW)


def test_a_signed_slash_command_passes() -> None:
    body = command_body("/ticket", "list", "U1")
    assert check(body) == body.decode()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"x_slack_request_timestamp": "abc"}, "timestamp"),
        ({"x_slack_request_timestamp": ""}, "timestamp"),
        ({"x_slack_request_timestamp": str(NOW - 301)}, "stale"),
        ({"x_slack_request_timestamp": str(NOW + 301)}, "stale"),
        ({"x_slack_signature": ""}, "signature"),
        ({"x_slack_signature": "v0=" + "0" * 64}, "invalid signature"),
        ({"x_slack_signature": "v1=abc"}, "signature"),
    ],
)
def test_bad_or_stale_signatures_are_401(headers: dict[str, str], reason: str) -> None:
    result = check(command_body("/ticket", "", "U1"), **headers)
    assert isinstance(result, Rejection)
    assert result.status == 401
    assert reason in result.reason.lower()


def test_signature_of_another_secret_is_401() -> None:
    body = command_body("/ticket", "", "U1")
    headers = {k.lower(): v for k, v in sign(body, "other-secret", NOW).items()}
    headers["content-type"] = FORM
    result = verify(headers, body, SECRET, now=lambda: NOW)
    assert result == Rejection(401, "invalid signature")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", FORM),
        (b"payload=%7Bnot-json", FORM),
        (urlencode({"payload": "[1, 2]"}).encode(), FORM),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "block_actions", "actions": "x", "user": {"id": "U1"}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "block_actions", "actions": [1], "user": {"id": "U1"}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "view_submission", "view": "x", "user": {"id": "U1"}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "view_submission", "view": {"state": []}, "user": {"id": "U1"}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}).encode(),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "view_submission", "view": {"state": {}}, "user": {"id": "U1"}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            b'{"type": "event_callback", "event": {"type": "workflow_step_execute"}}',
            "application/json",
        ),
        (b"text=hello", FORM),
        (b"&&&==", FORM),
        (b"{", "application/json"),
        (b"[]", "application/json"),
        (b'{"type": "event_callback", "event": "x"}', "application/json"),
        (b"hello", "text/plain"),
    ],
)
def test_malformed_signed_bodies_are_400(body: bytes, content_type: str) -> None:
    result = check(body, content_type)
    assert isinstance(result, Rejection)
    assert result.status == 400


def test_well_formed_interaction_and_event_pass() -> None:
    body = interaction_body(block_action("U1", "ticket.take", value='{"t":1,"v":1}'))
    assert isinstance(check(body), str)
    event = json.dumps({"type": "event_callback", "event": {"type": "message"}}).encode()
    assert isinstance(check(event, "application/json"), str)
    challenge = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    assert isinstance(check(challenge, "application/json; charset=utf-8"), str)
