"""Full-text search over the `ticket_search` documents the database keeps itself.

Migration 0007 creates them and the triggers that keep them in step: SQLite FTS5
(columns title, body, notes, owner) or a PostgreSQL tsvector with weights (A title,
B description and public conversation, D internal notes) under a GIN index. Each
live ticket has one document whose id is the ticket's id. The table is not an ORM
model: its shape differs between the two databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

SEARCH_TABLE = "ticket_search"
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
# Letters and digits; everything else (punctuation, underscores, spaces) separates
# words, as both databases' tokenizers do.
_TERM = re.compile(r"[^\W_]+")


def is_search_table(name: str) -> bool:
    """The document table and, on SQLite, FTS5's own shadow tables."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def terms_of(words: str) -> list[str]:
    """The search terms in what a person typed: lower case, at most MAX_TERMS."""
    terms: list[str] = []
    for term in _TERM.findall(words.lower()):
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class Scope:
    """What a search may look at: a reporter's own tickets, or every ticket."""

    owner: str | None
    include_notes: bool


def matching_ids(
    session: Session, terms: list[str], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    """Ids of live tickets containing every term (as a word prefix), newest first."""
    if not terms:
        return []
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite(session, terms, scope, title_only=title_only, limit=limit)
    return _postgresql(session, terms, scope, title_only=title_only, limit=limit)


def _sqlite(
    session: Session, terms: list[str], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    # Terms hold only letters and digits, so quoting them as FTS5 strings is safe.
    every_term = " AND ".join(f'"{term}"*' for term in terms)
    columns = (
        "title" if title_only else "{title body notes}" if scope.include_notes else "{title body}"
    )
    query = f"{columns} : ({every_term})"
    if scope.owner is not None:
        owner = scope.owner.replace('"', '""')
        query = f'owner : "{owner}" AND {query}'
    # FTS5 walks its index in rowid order, so newest-first with a limit stops early.
    rows = session.execute(
        text(
            f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :query "
            "ORDER BY rowid DESC LIMIT :limit"
        ),
        {"query": query, "limit": limit},
    )
    return [int(row[0]) for row in rows]


def _postgresql(
    session: Session, terms: list[str], scope: Scope, *, title_only: bool, limit: int
) -> list[int]:
    # Weights: A the title, B description and public conversation, D internal notes.
    weights = "A" if title_only else "ABD" if scope.include_notes else "AB"
    query = " & ".join(f"{term}:*{weights}" for term in terms)
    owner = "AND owner = :owner" if scope.owner is not None else ""
    rows = session.execute(
        text(
            f"SELECT ticket_id FROM {SEARCH_TABLE} "
            f"WHERE document @@ to_tsquery('simple', :query) {owner} "
            "ORDER BY ticket_id DESC LIMIT :limit"
        ),
        {"query": query, "owner": scope.owner, "limit": limit},
    )
    return [int(row[0]) for row in rows]
