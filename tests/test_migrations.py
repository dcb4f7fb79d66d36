"""Alembic owns the schema: it matches the models and migrates both ways on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect, text
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters import schema
from flashticket_core.adapters.db import make_engine
from flashticket_core.adapters.search import is_search_table
from flashticket_core.domain.model import Base


def table_names(engine: Engine) -> set[str]:
    """The tables the models describe; the full-text search tables are checked apart."""
    names = set(inspect(engine).get_table_names()) - {"alembic_version", "sqlite_sequence"}
    return {name for name in names if not is_search_table(name)}


def test_migrations_build_exactly_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        schema.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": schema.include_name}
            )
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        assert table_names(engine) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_a_model_change_without_a_migration_is_noticed(empty_database_url: str) -> None:
    """The check above would catch a forgotten migration (here: an extra column)."""
    engine = make_engine(empty_database_url)
    try:
        schema.upgrade(engine)
        changed = MetaData()
        for table in Base.metadata.sorted_tables:
            table.to_metadata(changed)
        Table("tickets", changed, Column("sla_minutes", Integer), extend_existing=True)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": schema.include_name}
            )
            differences = compare_metadata(context, changed)
        assert [d[0] for d in differences] == ["add_column"]
    finally:
        engine.dispose()


def test_empty_database_migrates_up_down_and_up_again(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert schema.current_revision(engine) is None
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision(engine)
        assert table_names(engine) == set(Base.metadata.tables)
        schema.downgrade(engine, "base")
        assert schema.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version", "sqlite_sequence"}
        schema.upgrade(engine)
        assert table_names(engine) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/fk.db")
    try:
        schema.upgrade(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO ticket_entries (ticket_id, kind, author_id, text, at) "
                    "VALUES (4242, 'support_reply', 'U1', 'orphan', '2026-01-01 00:00:00')"
                )
            )
    finally:
        engine.dispose()


def test_data_directory_is_created_for_the_default_layout(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "data" / "tickets.db"
    engine = make_engine(f"sqlite:///{target}")
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    assert target.exists()
