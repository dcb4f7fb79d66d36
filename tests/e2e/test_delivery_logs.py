"""The JSON log line of a delivery that fails names Slack's error code and the ticket,
and never the token, the signing secret or what the reporter typed."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator

import pytest

from bot import logs
from tests.bot_harness import BOT_TOKEN, SIGNING_SECRET, Bot
from tests.fakes.slack_api import FakeSlack

ALICE = "UALICE0001"
TITLE = "My payslip shows the wrong salary"
DESCRIPTION = "It says 4242 instead of 5151"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    logs.configure("json", secrets=[BOT_TOKEN, SIGNING_SECRET], stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def lines_with(stream: io.StringIO, field: str, timeout: float = 10) -> list[dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        found = [line for line in lines if field in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)  # the delivery worker logs from its own thread


def test_a_failed_delivery_names_the_slack_error_and_the_ticket(
    sqlite_bot: Bot, slack: FakeSlack, json_log: io.StringIO
) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")
    slack.fail_next("chat.postMessage", status=500, error="internal_error")
    view = sqlite_bot.open_modal(ALICE)
    response = sqlite_bot.submit(
        ALICE,
        view,
        {
            "title": {"type": "plain_text_input", "value": TITLE},
            "description": {"type": "plain_text_input", "value": DESCRIPTION},
            "priority": {"type": "static_select", "selected_option": {"value": "high"}},
        },
    )
    assert response.status == 200
    failed = lines_with(json_log, "slack_error")
    assert failed, json_log.getvalue()
    first = failed[0]
    assert first["slack_error"] == "channel_not_found"
    assert first["level"] == "ERROR"
    assert "failed for good" in first["message"]
    assert first["ticket_id"].isdigit()
    assert first["outbox_message"].isdigit()
    # The next message of the ticket meets a 500: retried, with its own code.
    retried = lines_with(json_log, "slack_error", timeout=0)
    deadline = time.monotonic() + 10
    while len(retried) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        retried = lines_with(json_log, "slack_error", timeout=0)
    assert retried[1]["slack_error"] == "internal_error"
    assert retried[1]["level"] == "WARNING"
    assert retried[1]["ticket_id"] == first["ticket_id"]
    everything = json_log.getvalue()
    for secret in (BOT_TOKEN, SIGNING_SECRET, TITLE, "payslip", "4242", "5151"):
        assert secret not in everything
