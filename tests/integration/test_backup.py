"""`flashticket backup`: a consistent, checked copy of a live SQLite database, taken while
tickets are being written, that a new server can start from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from flashticket_core.adapters.backup import BackupError, backup_sqlite, sqlite_path
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import bootstrap
from flashticket_core.domain.model import Ticket
from migrations import runner
from tests.conftest import ALICE


def settings_for(database: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{database}")  # type: ignore[call-arg]


def test_a_backup_taken_during_writes_holds_every_ticket_and_restores(tmp_path: Path) -> None:
    live = tmp_path / "tickets.db"
    core = bootstrap(settings_for(live), migrate=runner.upgrade)
    try:
        for n in range(40):
            core.desk.tickets.open_ticket(ALICE, title=f"Before {n}", description="x" * 2000)
        written_during: list[int] = []

        def write_between_steps(_status: int, _remaining: int, _total: int) -> None:
            # A ticket committed between two steps of the copy, for the first few steps.
            if len(written_during) < 3:
                ticket = core.desk.tickets.open_ticket(ALICE, title="During the backup")
                written_during.append(ticket.id)

        made = backup_sqlite(
            live, tmp_path / "copy.db", pages_per_step=1, after_step=write_between_steps
        )
        assert len(written_during) == 3
        assert made.tickets == 43
        assert made.bytes > 0
    finally:
        core.close()

    # Restoring is starting from the copy: it migrates, and every ticket is there whole.
    restored = bootstrap(settings_for(tmp_path / "copy.db"), migrate=runner.upgrade)
    try:
        with restored.database.reading() as session:
            assert session.scalar(select(func.count()).select_from(Ticket)) == 43
            # Each ticket's messages came with it (written in the ticket's transaction).
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2 * 43
        for ticket_id in written_during:
            assert restored.desk.queries.show(ALICE, ticket_id).ticket.title == "During the backup"
    finally:
        restored.close()


def test_a_backup_never_overwrites_and_leaves_no_partial_file(tmp_path: Path) -> None:
    live = tmp_path / "tickets.db"
    bootstrap(settings_for(live), migrate=runner.upgrade).close()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="exists already"):
        backup_sqlite(live, existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="no database"):
        backup_sqlite(tmp_path / "missing.db", tmp_path / "new.db")
    with pytest.raises(BackupError, match="does not exist"):
        backup_sqlite(live, tmp_path / "no-such-folder" / "new.db")
    left = {p.name for p in tmp_path.iterdir()}
    assert "new.db" not in left
    assert not any("partial" in name for name in left)


def test_only_sqlite_files_are_copied() -> None:
    assert sqlite_path("sqlite:///data/tickets.db") == Path("data/tickets.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql://postgres@127.0.0.1:5432/test") is None
