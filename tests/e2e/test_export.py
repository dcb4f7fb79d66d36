"""`/ticket-admin export` through the running bot: the CSV reaches the admin's DM with the
names Slack sent, refusals are answered, and a file Slack refuses is apologised for."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from flashticket_core.service_layer.export import COLUMNS
from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, SUPPORT
from tests.integration.test_export import parse


def test_export_is_uploaded_to_the_admins_dm(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Bildschirm flackert")
    bot.command(ADMIN, f"grant <@{SUPPORT}> support", command="/ticket-admin")
    bot.click(SUPPORT, ticket_id, "ticket.take")
    # The names Slack sends with a command or a click are kept for the export.
    desk = bot.running.core.desk
    bot.slack.wait_for(
        lambda _calls: (
            desk.people.knows_name(ALICE, ALICE.lower())
            and desk.people.knows_name(SUPPORT, SUPPORT.lower())
        )
    )
    response = bot.command(ADMIN, "export", command="/ticket-admin")
    assert "Preparing the export" in json.dumps(response.json())
    complete = bot.slack.wait_for("files.completeUploadExternal")[-1]
    assert complete.ok
    opened = bot.slack.calls("conversations.open")[-1]
    assert opened.args["users"] == ADMIN
    assert complete.args["channel_id"] == opened.response["channel"]["id"]
    assert "Export of 1 ticket (all time, times in UTC)" in complete.args["initial_comment"]
    file_id = complete.args["files"][0]["id"]
    uploaded = bot.slack.upload(file_id)
    assert uploaded is not None
    rows = parse(uploaded.decode("utf-8"), ",")
    assert rows[1][1] == "Bildschirm flackert"
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert (row["reporter_id"], row["reporter_name"]) == (ALICE, ALICE.lower())
    assert (row["assignee_id"], row["assignee_name"]) == (SUPPORT, SUPPORT.lower())


def test_export_refusals(bot: Bot) -> None:
    refused = bot.command(SUPPORT, "export", command="/ticket-admin")
    assert "not allowed to export" in json.dumps(refused.json())
    bad = bot.command(ADMIN, "export 2026-13-01", command="/ticket-admin")
    assert "YYYY-MM-DD" in json.dumps(bad.json())
    assert bot.slack.calls("files.getUploadURLExternal") == []


@pytest.mark.parametrize("command", ["export", "stats"])
def test_a_file_that_cannot_be_sent_is_apologised_for_in_the_dm(
    bot: Bot, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The export and the charts go out after the answer: when Slack refuses the
    upload, the person waiting for the file is told, with the error id of the log."""
    bot.slack.fail_next("files.completeUploadExternal", error="internal_error")
    response = bot.command(
        ADMIN, command, command="/ticket" if command == "stats" else "/ticket-admin"
    )
    assert response.status == 200

    def apologies(calls: list[Any]) -> list[Any]:
        return [
            c
            for c in calls
            if c.method == "chat.postMessage"
            and c.args["channel"] == ADMIN
            and "error id" in c.args["text"]
        ]

    told = apologies(bot.slack.wait_for(lambda calls: bool(apologies(calls))))[0]
    error_id = re.search(r"`([0-9a-f]{10})`", told.args["text"])
    assert error_id is not None
    assert any(error_id.group(1) in r.getMessage() for r in caplog.records)
