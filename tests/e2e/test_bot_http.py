"""The HTTP edge of `flashticket serve`: signatures, malformed bodies, health, routing."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from flashticket_core.adapters.db import make_engine
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ALICE
from tests.databases import SqliteTemplate
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import command_body, interaction_body

FORM = "application/x-www-form-urlencoded"


def assert_still_serving(bot: Bot) -> None:
    assert bot.http.request("GET", "/healthz").status == 200
    assert bot.command(ALICE, "help").status == 200


def test_health_answers_while_the_database_does(
    sqlite_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = sqlite_bot.http.request("GET", "/healthz")
    assert (response.status, response.json()) == (200, {"status": "ok"})
    gone = make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    monkeypatch.setattr(sqlite_bot.running.http.wsgi, "engine", gone)
    assert sqlite_bot.http.request("GET", "/healthz").status == 503
    monkeypatch.undo()
    assert sqlite_bot.http.request("GET", "/healthz").status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Signature": "v0=" + "a" * 64},  # forged
    ],
)
def test_unsigned_or_forged_requests_get_401(sqlite_bot: Bot, headers: dict[str, str]) -> None:
    body = command_body("/ticket", "list", ALICE)
    signed = bool(headers.get("X-Slack-Signature", "").startswith("v0=a"))
    response = sqlite_bot.http.post(body, content_type=FORM, headers=headers, signed=signed)
    assert response.status == 401
    assert sqlite_bot.slack.calls("views.open") == []
    assert_still_serving(sqlite_bot)


def test_stale_signature_gets_401(sqlite_bot: Bot) -> None:
    body = command_body("/ticket", "", ALICE)
    stale = int(time.time()) - 6 * 60
    assert sqlite_bot.http.post(body, content_type=FORM, timestamp=stale).status == 401
    assert sqlite_bot.slack.calls("views.open") == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\x80\x81\x82", FORM),
        (b"payload=%7B%7B%7B", FORM),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "view_submission", "view": [], "user": {"id": ALICE}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "block_actions", "actions": {"a": 1}, "user": {"id": ALICE}}
                    )
                }
            ).encode(),
            FORM,
        ),
        (
            urlencode(
                {"payload": json.dumps({"type": "block_actions", "actions": [], "user": "me"})}
            ).encode(),
            FORM,
        ),
        (b'{"type": "event_callback", "event": []}', "application/json"),
        (b"null", "application/json"),
        (b"<xml/>", "application/xml"),
    ],
)
def test_malformed_signed_bodies_get_4xx_and_the_server_keeps_serving(
    sqlite_bot: Bot, body: bytes, content_type: str
) -> None:
    response = sqlite_bot.http.post(body, content_type=content_type)
    assert 400 <= response.status < 500
    assert_still_serving(sqlite_bot)


def test_signed_payloads_of_unexpected_shape_never_answer_500(sqlite_bot: Bot) -> None:
    """Shapes the edge lets through (Bolt's own business) must still not fail the server."""
    weird = [
        {
            "type": "block_actions",
            "user": {"id": ALICE},
            "actions": [{"action_id": "ticket.take", "value": None}],
        },
        {
            "type": "block_actions",
            "user": {"id": ALICE},
            "actions": [{"action_id": "ticket.take", "value": '{"t": "x"}'}],
        },
        {
            "type": "block_actions",
            "user": {"id": ALICE},
            "actions": [{"action_id": "unknown.action"}],
        },
        {"type": "view_submission", "user": {"id": ALICE}, "view": {"callback_id": "new_ticket"}},
        {
            "type": "view_submission",
            "user": {"id": ALICE},
            "view": {
                "callback_id": "support_reply",
                "private_metadata": "nope",
                "state": {"values": {}},
            },
        },
        {"type": "shortcut", "user": {"id": ALICE}, "callback_id": "nothing"},
        {"type": "something_new"},
    ]
    for payload in weird:
        response = sqlite_bot.http.interact(payload)
        assert response.status < 500, (payload, response.status, response.body)
    assert_still_serving(sqlite_bot)


def test_huge_body_is_refused_without_reading_it(sqlite_bot: Bot) -> None:
    body = b"text=" + b"x" * (2 << 20)
    try:
        status = sqlite_bot.http.post(body, content_type=FORM).status
    except ConnectionError:
        # The server answered 413 from the Content-Length and closed the connection
        # while the client was still sending (test_http_limits.py reads that answer).
        status = 413
    assert status == 413
    assert_still_serving(sqlite_bot)


def test_routing(sqlite_bot: Bot) -> None:
    assert sqlite_bot.http.request("GET", "/slack/events").status == 405
    assert sqlite_bot.http.request("GET", "/").status == 404
    assert sqlite_bot.http.request("POST", "/healthz", b"", {"Content-Length": "0"}).status == 405


def test_url_verification_challenge(sqlite_bot: Bot) -> None:
    body = json.dumps(
        {
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "token": "x",
        }
    ).encode()
    response = sqlite_bot.http.post(body, content_type="application/json")
    assert response.status == 200
    assert b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.body


def test_every_web_api_call_went_to_slack_api_url(sqlite_bot: Bot) -> None:
    sqlite_bot.open_ticket(ALICE, "Printer")
    methods = {c.method for c in sqlite_bot.slack.calls()}
    assert {"auth.test", "views.open", "chat.postMessage"} <= methods
    assert all(
        c.headers.get("authorization") == "Bearer xoxb-test-token"
        for c in sqlite_bot.slack.calls()
        if c.method != "response_url"
    )


def test_interaction_without_signature_changes_nothing(sqlite_bot: Bot) -> None:
    ticket_id = sqlite_bot.open_ticket(ALICE, "Printer")
    payload = {
        "type": "block_actions",
        "user": {"id": "UADMIN0001"},
        "actions": [
            {
                "action_id": "ticket.status",
                "selected_option": {"value": json.dumps({"t": ticket_id, "v": 1}) + "|closed"},
            }
        ],
    }
    response = sqlite_bot.http.post(interaction_body(payload), content_type=FORM, signed=False)
    assert response.status == 401
    assert "New" in str(sqlite_bot.command(ALICE, f"show {ticket_id}").json())


def test_stopping_waits_for_work_the_app_does_after_answering(
    tmp_path: Path, sqlite_template: SqliteTemplate, slack: FakeSlack
) -> None:
    """An export or a chart runs after Slack has its answer; a stop lets it finish (it
    reaches Slack) before the rest of the bot goes, instead of leaving it to fail later."""
    bot = Bot(slack, bot_settings(sqlite_template.fresh_database(tmp_path), slack)).start()
    assert bot.running is not None
    background = bot.running.background
    assert background is not None
    release = threading.Event()
    done: list[bool] = []
    background.submit(lambda: done.append(release.wait(timeout=60)))
    stopper = threading.Thread(target=bot.stop)
    stopper.start()
    stopper.join(timeout=1)
    assert stopper.is_alive()  # still waiting for the work under way
    release.set()
    stopper.join(timeout=60)
    assert not stopper.is_alive()
    assert done == [True]
