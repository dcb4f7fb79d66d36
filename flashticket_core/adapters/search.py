"""Full-text search over the documents the database keeps itself.

Migration 0007 creates them and the triggers that keep them in step with tickets and
conversation. SQLite: FTS5 tables `ticket_search` (title, body, notes, owner) and
`ticket_search_titles` (title, owner). PostgreSQL: `ticket_search` with a `title`
tsvector and a `document` tsvector weighted A title, B description and public
conversation, D internal notes, each under a GIN index. Every live ticket has one
document whose id is the ticket's id. These tables are not ORM models: their shape
differs between the two databases.

What a person typed becomes terms in `service_layer/search_terms.py`. Whole words read
the index lazily, newest first, and stop at the limit; a prefix
gathers every word it begins first, so its cost follows how common it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from flashticket_core.service_layer.search_terms import Term

SEARCH_TABLE = "ticket_search"


def is_search_table(name: str) -> bool:
    """The document tables and, on SQLite, FTS5's own shadow tables."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


@dataclass(frozen=True)
class Scope:
    """What a search may look at: a reporter's own tickets, or every ticket."""

    owner: str | None
    include_notes: bool


def matching_ids(
    session: Session, terms: list[Term], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    """Ids of live tickets containing every term, newest first."""
    if not terms:
        return []
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite(session, terms, scope, title_only=title_only, limit=limit)
    return _postgresql(session, terms, scope, title_only=title_only, limit=limit)


def _sqlite(
    session: Session, terms: list[Term], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    # Words hold only letters and digits, so quoting them as FTS5 strings is safe.
    every_term = " AND ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in terms)
    if title_only:
        table, columns = f"{SEARCH_TABLE}_titles", "title"
    else:
        table = SEARCH_TABLE
        columns = "{title body notes}" if scope.include_notes else "{title body}"
    query = f"{columns} : ({every_term})"
    if scope.owner is not None:
        owner = scope.owner.replace('"', '""')
        query = f'owner : "{owner}" AND {query}'
    # FTS5 walks its index in rowid order, so newest first with a limit stops early.
    rows = session.execute(
        text(f"SELECT rowid FROM {table} WHERE {table} MATCH :query ORDER BY rowid DESC LIMIT :n"),
        {"query": query, "n": limit},
    )
    return [int(row[0]) for row in rows]


def _postgresql(
    session: Session, terms: list[Term], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    # Weights of `document`: A the title, B description and public conversation, D notes.
    column = "title" if title_only else "document"
    weights = "" if title_only or scope.include_notes else "AB"
    query = " & ".join(
        t.word + (f":*{weights}" if t.prefix else f":{weights}" if weights else "") for t in terms
    )
    owner = "AND owner = :owner" if scope.owner is not None else ""
    rows = session.execute(
        text(
            f"SELECT ticket_id FROM {SEARCH_TABLE} "
            f"WHERE {column} @@ to_tsquery('simple', :query) {owner} "
            "ORDER BY ticket_id DESC LIMIT :n"
        ),
        {"query": query, "owner": scope.owner, "n": limit},
    )
    return [int(row[0]) for row in rows]
