"""Alembic owns the schema: it matches the models and migrates both ways on both databases."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import migrations
from flashticket_core.adapters.db import make_engine
from flashticket_core.adapters.search import Scope, is_search_table, matching_ids
from flashticket_core.adapters.tables import metadata
from flashticket_core.domain.model import queue_rank_sql
from flashticket_core.service_layer.search_terms import Term
from migrations import runner
from tests.databases import PostgresServer, require_postgres


def table_names(engine: Engine) -> set[str]:
    """The tables the models describe; the full-text search tables are checked apart."""
    names = set(inspect(engine).get_table_names()) - {"alembic_version", "sqlite_sequence"}
    return {name for name in names if not is_search_table(name)}


def test_migrations_build_exactly_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        runner.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": runner.include_name}
            )
            differences = compare_metadata(context, metadata)
        assert differences == []
        assert table_names(engine) == set(metadata.tables)
    finally:
        engine.dispose()


def test_a_model_change_without_a_migration_is_noticed(empty_database_url: str) -> None:
    """The check above would catch a forgotten migration (here: an extra column)."""
    engine = make_engine(empty_database_url)
    try:
        runner.upgrade(engine)
        changed = MetaData()
        for table in metadata.sorted_tables:
            table.to_metadata(changed)
        Table("tickets", changed, Column("sla_minutes", Integer), extend_existing=True)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": runner.include_name}
            )
            differences = compare_metadata(context, changed)
        assert [d[0] for d in differences] == ["add_column"]
    finally:
        engine.dispose()


def test_empty_database_migrates_up_down_and_up_again(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert runner.current_revision(engine) is None
        runner.upgrade(engine)
        assert runner.current_revision(engine) == runner.head_revision(engine)
        assert table_names(engine) == set(metadata.tables)
        runner.downgrade(engine, "base")
        assert runner.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version", "sqlite_sequence"}
        runner.upgrade(engine)
        assert table_names(engine) == set(metadata.tables)
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/fk.db")
    try:
        runner.upgrade(engine)
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
        runner.upgrade(engine)
    finally:
        engine.dispose()
    assert target.exists()


def _migration_0007() -> ModuleType:
    path = Path(migrations.__file__).parent / "versions" / "0007_dashboard_tallies_search_people.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_queue_rank_of_the_model_is_the_one_the_migration_created() -> None:
    assert queue_rank_sql() == _migration_0007().QUEUE_RANK


def test_tickets_from_before_the_summaries_are_counted_and_searchable(
    empty_database_url: str,
) -> None:
    """0007 fills the tallies, histograms and search documents from existing tickets."""
    engine = make_engine(empty_database_url)
    try:
        runner.upgrade(engine, "aed235a7a74a")
        tickets = [
            # id, title, status, priority, assignee, created, first reply, resolved, deleted
            (1, "Drucker streikt", "new", "low", None, "2026-03-01 10:00:00", None, None, None),
            (2, "VPN", "resolved", "high", "US", "2026-03-01 11:00:00",
             "2026-03-01 11:30:00", "2026-03-02 11:00:00", None),
            (3, "Gone", "new", "high", None, "2026-03-02 09:00:00", None, None,
             "2026-03-03 00:00:00"),
            (4, "Mail", "in_progress", "high", "US", "2026-03-02 10:00:00",
             "2026-03-02 10:00:42", None, None),
        ]  # fmt: skip
        with engine.begin() as connection:
            for row in tickets:
                connection.execute(
                    text(
                        "INSERT INTO tickets (id, title, description, priority, status, "
                        "reporter_id, assignee_id, created_at, updated_at, first_response_at, "
                        "resolved_at, deleted_at, version) VALUES (:id, :title, '', :priority, "
                        ":status, 'UR', :assignee, :created, :created, :replied, :resolved, "
                        ":deleted, 1)"
                    ),
                    dict(
                        zip(
                            [
                                "id",
                                "title",
                                "status",
                                "priority",
                                "assignee",
                                "created",
                                "replied",
                                "resolved",
                                "deleted",
                            ],
                            row,
                            strict=True,
                        )
                    ),
                )
            connection.execute(
                text(
                    "INSERT INTO ticket_entries (ticket_id, kind, author_id, text, at) VALUES "
                    "(2, 'support_reply', 'US', 'Zertifikat erneuert', '2026-03-01 11:30:00'), "
                    "(2, 'internal_note', 'US', 'gateway reboot', '2026-03-01 11:31:00')"
                )
            )
        runner.upgrade(engine)
        with engine.connect() as connection:
            tallies = connection.execute(
                text("SELECT day, status, priority, tickets FROM ticket_tallies ORDER BY 1, 2")
            ).all()
            durations = connection.execute(
                text("SELECT measure, bucket, tickets FROM ticket_durations")
            ).all()
            details = connection.execute(
                text("SELECT measure, bucket, fine, tickets, seconds FROM ticket_duration_details")
            ).all()
            ranks = connection.execute(text("SELECT id, queue_rank FROM tickets ORDER BY id")).all()
        assert [(str(d), s, p, n) for d, s, p, n in tallies] == [
            ("2026-03-01", "new", "low", 1),
            ("2026-03-01", "resolved", "high", 1),
            ("2026-03-02", "in_progress", "high", 1),
        ]
        assert sorted(tuple(row) for row in durations) == [
            ("first_reply", 40, 1),
            ("first_reply", 1000, 1),
            ("resolution", 80000, 1),
        ]
        assert sorted(tuple(row) for row in details) == [
            ("first_reply", 40, 42, 1, 42),
            ("first_reply", 1000, 1800, 1, 1800),
            ("resolution", 80000, 86000, 1, 86400),
        ]
        # Unassigned new low: 0 + 0 + 2; assigned, in progress, high: 6 + 3 + 0.
        assert [tuple(row) for row in ranks] == [(1, 2), (2, None), (3, None), (4, 9)]
        support = Scope(owner=None, include_notes=True)
        reporter = Scope(owner="UR", include_notes=False)
        with Session(engine) as session:

            def search(word: str, scope: Scope) -> list[int]:
                return matching_ids(session, [Term(word)], scope, title_only=False, limit=5)

            assert search("drucker", reporter) == [1]
            assert search("zertifikat", reporter) == [2]
            assert search("gateway", reporter) == []
            assert search("gateway", support) == [2]
            assert search("gone", support) == []
    finally:
        engine.dispose()


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    require_postgres(postgres_server)
    yield from postgres_server.scratch_database()


def test_replicas_that_start_together_migrate_one_after_the_other(
    empty_postgres_url: str,
) -> None:
    """Two servers on a new PostgreSQL database, migrating at the same moment (replicas
    share PostgreSQL; SQLite serves one process): the second waits for the first's lock
    and then finds the schema at head."""
    engines = [make_engine(empty_postgres_url) for _ in range(2)]
    errors: list[BaseException] = []

    def migrate(engine: Engine) -> None:
        try:
            runner.upgrade(engine)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        assert errors == []
        assert runner.current_revision(engines[0]) == runner.head_revision(engines[0])
    finally:
        for engine in engines:
            engine.dispose()


def test_tickets_from_before_the_stored_standing_take_it_from_their_targets(
    empty_database_url: str,
) -> None:
    """0014 fills in each ticket's place in the support queue from its targets, and goes
    back down without it."""
    engine = make_engine(empty_database_url)
    targets = [
        # ticket, kind, met, reminded, missed
        (1, "first_response", None, False, False),
        (2, "first_response", None, True, False),
        (3, "first_response", None, True, True),
        (4, "first_response", "2026-03-01 10:20:00", True, True),
        (4, "resolution", None, True, False),
        (5, "first_response", "2026-03-01 10:20:00", True, True),
    ]  # fmt: skip
    try:
        runner.upgrade(engine, "c3f8a1d2e4b6")
        with engine.begin() as connection:
            for ticket_id in range(1, 7):
                connection.execute(
                    text(
                        "INSERT INTO tickets (id, title, description, priority, status, "
                        "reporter_id, created_at, updated_at, version) VALUES (:id, 'T', '', "
                        "'high', 'new', 'UR', '2026-03-01 10:00:00', '2026-03-01 10:00:00', 1)"
                    ),
                    {"id": ticket_id},
                )
            for ticket_id, kind, met_at, warned, breached in targets:
                connection.execute(
                    text(
                        "INSERT INTO ticket_targets (ticket_id, kind, length_seconds, "
                        "consumed_seconds, met_at, warned, breached) VALUES (:ticket_id, "
                        ":kind, 1800, 0, :met_at, :warned, :breached)"
                    ),
                    {
                        "ticket_id": ticket_id,
                        "kind": kind,
                        "met_at": met_at,
                        "warned": warned,
                        "breached": breached,
                    },
                )
        runner.upgrade(engine)
        with engine.connect() as connection:
            standings = connection.execute(
                text("SELECT id, target_urgency FROM tickets ORDER BY id")
            ).all()
        # Missed and not met 0, reminded and not met 1, the rest (6 has no targets) 2.
        assert [tuple(row) for row in standings] == [(1, 2), (2, 1), (3, 0), (4, 1), (5, 2), (6, 2)]
        runner.downgrade(engine, "c3f8a1d2e4b6")
        columns = {column["name"] for column in inspect(engine).get_columns("tickets")}
        indexes = {index["name"] for index in inspect(engine).get_indexes("tickets")}
        assert "target_urgency" not in columns
        assert {"ix_tickets_queue", "ix_tickets_assignee_queue"} <= indexes
        assert not {"ix_tickets_support_queue", "ix_tickets_assignee_support_queue"} & indexes
    finally:
        engine.dispose()


def test_tickets_from_before_the_teams_are_supports_and_go_back_without_a_team(
    empty_database_url: str,
) -> None:
    """0020 makes the teams table with the one team Support, puts every existing ticket
    into it, and goes back down without either."""
    engine = make_engine(empty_database_url)
    try:
        runner.upgrade(engine, "5b9e2d7a4c13")
        with engine.begin() as connection:
            for ticket_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO tickets (id, title, description, priority, status, "
                        "reporter_id, created_at, updated_at, version) VALUES (:id, 'T', '', "
                        "'high', 'new', 'UR', '2026-03-01 10:00:00', '2026-03-01 10:00:00', 1)"
                    ),
                    {"id": ticket_id},
                )
        runner.upgrade(engine)
        with engine.connect() as connection:
            tickets = connection.execute(
                text("SELECT id, team_id, request_type FROM tickets ORDER BY id")
            ).all()
            teams = connection.execute(text("SELECT id, name, channel, private FROM teams")).all()
        assert [tuple(row) for row in tickets] == [(1, "support", None), (2, "support", None)]
        assert [(row.id, row.name, row.channel, bool(row.private)) for row in teams] == [
            ("support", "Support", None, False)
        ]
        columns = {column["name"]: column for column in inspect(engine).get_columns("tickets")}
        assert columns["team_id"]["nullable"] is False
        assert columns["request_type"]["nullable"] is True
        runner.downgrade(engine, "5b9e2d7a4c13")
        assert "teams" not in inspect(engine).get_table_names()
        columns = {column["name"]: column for column in inspect(engine).get_columns("tickets")}
        assert not {"team_id", "request_type"} & set(columns)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM tickets")).scalar() == 2
        runner.upgrade(engine)
        assert runner.current_revision(engine) == runner.head_revision(engine)
    finally:
        engine.dispose()
