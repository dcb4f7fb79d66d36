"""Compare whole databases: a refused operation must leave every row as it was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from flashticket_core.adapters.tables import metadata


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }
