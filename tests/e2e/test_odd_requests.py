"""Signed requests of odd shapes, one by one, through the real server: each once made
the server answer 500 or log a traceback (the fuzz test in test_fuzz_http.py looks for
more of them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot import blocks
from tests.bot_harness import Bot, errors_in
from tests.conftest import ADMIN, ALICE
from tests.fakes.trap import Trap
from tests.slack_requests import block_action, dm_thread_reply, event_envelope, view_submission


@pytest.fixture
def elsewhere() -> Iterator[Trap]:
    """A web server on loopback that is not Slack."""
    trap = Trap()
    yield trap
    trap.stop()


def garbage_click(response_url: Any) -> dict[str, Any]:
    """A click the bot can only answer with words: its value is no ticket."""
    return block_action(ADMIN, blocks.TAKE, value="not json", response_url=response_url)


def test_a_response_url_outside_slack_is_never_called(
    sqlite_bot: Bot, elsewhere: Trap, caplog: pytest.LogCaptureFixture
) -> None:
    assert sqlite_bot.http.interact(garbage_click(elsewhere.url)).status == 200
    # The answer went out as an ephemeral message in the channel instead.
    told = sqlite_bot.slack.wait_for("chat.postEphemeral")[-1]
    assert "old message" in told.args["text"]
    assert told.args["user"] == ADMIN
    assert elsewhere.hits == []  # no request arrived
    assert errors_in(caplog) == []


def test_a_response_url_that_leads_nowhere_falls_back_to_an_ephemeral_message(
    sqlite_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    gone = sqlite_bot.slack.issue_response_url().rsplit("/", 1)[0] + "/never-issued"
    assert sqlite_bot.http.interact(garbage_click(gone)).status == 200
    assert "old message" in sqlite_bot.slack.wait_for("chat.postEphemeral")[-1].args["text"]
    assert errors_in(caplog) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", 12345, "ftp://hooks.slack.com/x"])
def test_a_response_url_that_is_no_web_address_is_400(sqlite_bot: Bot, url: Any) -> None:
    response = sqlite_bot.http.interact(garbage_click(url))
    assert (response.status, response.body) == (400, b"response_url must be an http(s) URL")
    assert sqlite_bot.slack.calls("chat.postEphemeral") == []


def test_a_reply_click_with_a_stale_trigger_tells_the_person(
    sqlite_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    ticket_id = sqlite_bot.open_ticket(ALICE, "Printer")
    card = sqlite_bot.card(ticket_id)
    reply = next(
        e
        for b in card.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == blocks.REPLY
    )
    payload = block_action(
        ADMIN,
        blocks.REPLY,
        value=reply["value"],
        trigger_id="never-issued",
        response_url=sqlite_bot.slack.issue_response_url(),
    )
    assert sqlite_bot.http.interact(payload).status == 200
    assert sqlite_bot.slack.calls("views.open")[-1].response["error"] == "invalid_trigger_id"
    assert "error id" in sqlite_bot.slack.wait_for("response_url")[-1].args["text"]
    assert errors_in(caplog) == []


def test_a_modal_with_several_response_urls_is_submitted(sqlite_bot: Bot) -> None:
    # Bolt logged through a logger its context did not have yet, and answered 500.
    view = sqlite_bot.open_modal(ALICE)
    payload = view_submission(
        ALICE,
        view,
        {
            "title": {"type": "plain_text_input", "value": "Two channels"},
            "description": {"type": "plain_text_input", "value": None},
            "priority": {"type": "static_select", "selected_option": {"value": "low"}},
        },
    )
    payload["response_urls"] = [
        {
            "block_id": f"b{n}",
            "action_id": "channel",
            "channel_id": "C0GENERAL1",
            "response_url": sqlite_bot.slack.issue_response_url(),
        }
        for n in range(2)
    ]
    response = sqlite_bot.http.interact(payload)
    assert (response.status, response.body) == (200, b"")
    sqlite_bot.slack.wait_for(
        lambda calls: any("Two channels" in str(c.args.get("text")) for c in calls)
    )


def test_a_command_whose_text_says_payload_is_still_a_command(sqlite_bot: Bot) -> None:
    # Bolt took any body containing "payload" for an interaction and found none.
    response = sqlite_bot.command(ALICE, "search payload")
    assert response.status == 200
    assert "payload" in response.json()["text"]


@pytest.mark.parametrize("text", ["show ²", "show #³", "stats ²", "stats ١٢x"])
def test_numbers_that_are_digits_but_no_integers_get_the_usage(
    sqlite_bot: Bot, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = sqlite_bot.command(ALICE, text)
    assert response.status == 200
    assert "Usage" in response.json()["text"]
    assert errors_in(caplog) == []


def test_a_rating_that_is_no_digit_is_a_stale_click(
    sqlite_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    value = blocks.action_value(1, 1) + "|²"
    payload = block_action(
        ALICE, blocks.RATE, selected=value, response_url=sqlite_bot.slack.issue_response_url()
    )
    assert sqlite_bot.http.interact(payload).status == 200
    assert "old message" in sqlite_bot.slack.wait_for("response_url")[-1].args["text"]
    assert errors_in(caplog) == []


def test_a_lone_surrogate_in_a_submission_is_400_and_opens_nothing(bot: Bot) -> None:
    view = bot.open_modal(ALICE)
    payload = view_submission(
        ALICE, view, {"title": {"type": "plain_text_input", "value": "Printer"}}
    )
    # JSON carries it as the escape \udc00; the database driver would fail on it later.
    payload["view"]["title"] = {"type": "plain_text", "text": "\udc00"}
    response = bot.http.interact(payload)
    assert (response.status, response.body) == (400, b"JSON holds a NUL or a lone surrogate")
    assert "(0)" in bot.command(ALICE, "list").json()["text"]


def test_an_event_nested_5000_deep_is_400(sqlite_bot: Bot) -> None:
    envelope = event_envelope(dm_thread_reply(ALICE, "D1", "1.0", "@"))
    text = json.dumps(envelope).replace('"@"', "[" * 5000 + "]" * 5000)
    response = sqlite_bot.http.post(text.encode(), content_type="application/json")
    assert (response.status, response.body) == (400, b"JSON nested too deeply")
    assert sqlite_bot.http.request("GET", "/healthz").status == 200


@pytest.mark.parametrize(
    "event",
    [
        {"type": "member_joined_channel", "user": ALICE, "channel": "C0SUPPORT1"},
        {"type": "channel_created", "channel": {"id": "C0NEW0001", "name": "new"}},
        {"type": "reaction_added", "user": ALICE, "reaction": "eyes"},
    ],
)
def test_an_event_no_listener_wants_is_acknowledged(sqlite_bot: Bot, event: dict[str, Any]) -> None:
    """Slack resends an event until it gets a 2xx (and turns off an app that keeps
    failing them): one the bot does not handle is answered 200 and does nothing."""
    before = len(sqlite_bot.slack.calls())
    response = sqlite_bot.http.event(event_envelope(event))
    assert (response.status, response.body) == (200, b"")
    # Nothing done (Bolt may look up its own token on the first request it takes).
    assert {c.method for c in sqlite_bot.slack.calls()[before:]} <= {"auth.test"}
