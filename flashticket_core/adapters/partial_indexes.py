"""An index over some of a table's rows (a partial index), as SQLite and PostgreSQL
both declare it: the tables' modules share it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, text
from sqlalchemy.orm import InstrumentedAttribute


def partial_index(name: str, *columns: str | InstrumentedAttribute[Any], where: str) -> Index:
    """An index over the rows that satisfy `where`, on SQLite and PostgreSQL alike."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))
