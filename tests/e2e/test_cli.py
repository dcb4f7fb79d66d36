"""`flashticket migrate` as an operator runs it: a real process, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from flashticket_core.adapters.db import make_engine
from migrations import runner
from tests.processes import clean_environment


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment(**env)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_creates_the_data_folder_and_the_newest_schema(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    database = tmp_path / "data" / "tickets.db"
    assert database.exists()
    engine = make_engine(f"sqlite:///{database}")
    try:
        assert runner.current_revision(engine) == runner.head_revision(engine)
        assert "tickets" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    # Running it again is harmless.
    again = run_cli("migrate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_migrate_upgrades_an_older_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        runner.upgrade(engine)
        runner.downgrade(engine, "base")
        assert runner.current_revision(engine) is None
    finally:
        engine.dispose()
    result = run_cli("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    try:
        assert runner.current_revision(engine) == runner.head_revision(engine)
    finally:
        engine.dispose()


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(
        "migrate",
        cwd=tmp_path,
        DATABASE_URL="postgresql://nobody:s3cret-pw@127.0.0.1:1/none",
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("flashticket: cannot migrate the database")
    assert "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_malformed_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path, PORT="not-a-port")
    assert result.returncode != 0
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_from_an_unknown_future_is_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    engine = make_engine(url)
    try:
        runner.upgrade(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    finally:
        engine.dispose()
    result = run_cli("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("flashticket: cannot migrate the database")
    assert "ffffffffffff" in last
    assert "Traceback" not in result.stderr


def test_backup_copies_the_live_database_and_says_what_it_holds(tmp_path: Path) -> None:
    assert run_cli("migrate", cwd=tmp_path).returncode == 0
    result = run_cli("backup", "tickets-copy.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 tickets" in result.stdout
    assert "checked" in result.stdout
    copy = make_engine(f"sqlite:///{tmp_path / 'tickets-copy.db'}")
    try:
        assert runner.current_revision(copy) == runner.head_revision(copy)
    finally:
        copy.dispose()
    again = run_cli("backup", "tickets-copy.db", cwd=tmp_path)
    assert again.returncode == 1
    assert "exists already" in again.stderr


def test_backup_of_postgresql_points_to_pg_dump_without_the_password(tmp_path: Path) -> None:
    result = run_cli(
        "backup",
        "x.db",
        cwd=tmp_path,
        DATABASE_URL="postgresql://desk:s3cret-pw@db.example:5433/tickets",
    )
    assert result.returncode == 2
    assert "pg_dump -h db.example -p 5433 -U desk -Fc -f flashticket.dump tickets" in result.stderr
    assert "pg_restore" in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert not (tmp_path / "x.db").exists()
