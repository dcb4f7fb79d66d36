"""A desk replay reads the live tickets from a database opened for reading only, on both
databases: the tickets the service layer made are routed and measured, and nothing in
the database changes; a SQLite file that is not there is not made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from flashticket_core.adapters.sql_replay import SqlPastTickets, read_only_engine
from flashticket_core.adapters.tables import Base
from flashticket_core.bootstrap import Core
from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import parse_desk_text
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.replay import TargetCount, replay_desk
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock

DESK = parse_desk_text(
    """\
teams:
  - {id: it, name: IT, channel: C0IT, sla: "high=1h/4h,medium=1h/4h,low=1h/4h"}
  - {id: hr, name: HR, channel: C0HR, intake_channels: [C0HELPHR], sla: "medium=1h/4h"}
""",
    source="desk.yaml",
)
SETTINGS = CoreSettings(_env_file=None, flashticket_business_hours="always")  # type: ignore[call-arg]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                text(f'SELECT count(*) FROM "{table.name}"')
            ).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def test_the_replay_reads_the_tickets_and_changes_nothing(
    core: Core, desk: HelpDesk, database_url: str, clock: Clock
) -> None:
    opened = clock.now
    answered = desk.tickets.open_ticket(ALICE, title="Printer", priority=Priority.HIGH)
    desk.tickets.open_ticket(
        SUPPORT,
        title="Payslip",
        reporter_id=ALICE,
        source=MessageSource("C0HELPHR", "1700000000.000100", "1700000000.000100"),
    )
    forgotten = desk.tickets.open_ticket(ALICE, title="Old one")
    deleted = desk.tickets.open_ticket(ALICE, title="Deleted")
    clock.now += timedelta(minutes=30)
    desk.conversation.add_support_reply(SUPPORT, answered.id, "On it")
    clock.now += timedelta(hours=2)
    desk.tickets.change_status(SUPPORT, answered.id, Status.RESOLVED)
    desk.tickets.delete(ADMIN, deleted.id)
    with core.engine.begin() as connection:  # opened long before the replay's window
        connection.execute(
            text("UPDATE tickets SET created_at = :at WHERE id = :id"),
            {"at": (opened - timedelta(days=40)).replace(tzinfo=None), "id": forgotten.id},
        )
    before = row_counts(core.engine)

    engine = read_only_engine(database_url)
    try:
        replay = replay_desk(
            SqlPastTickets(engine, batch=1), DESK, SETTINGS, now=clock.now, days=30
        )
    finally:
        engine.dispose()

    it, hr = replay.teams
    assert (it.received, hr.received) == (1, 1)
    assert it.first_response == TargetCount(met=1)
    assert it.resolution == TargetCount(met=1)
    assert hr.first_response == TargetCount(missed=1)  # 2.5 h, no reply
    assert hr.resolution == TargetCount(still_open=1)
    assert row_counts(core.engine) == before


def test_the_replays_engine_cannot_write(core: Core, database_url: str) -> None:
    engine = read_only_engine(database_url)
    try:
        with pytest.raises(SQLAlchemyError), engine.begin() as connection:
            connection.execute(text("DELETE FROM teams"))
    finally:
        engine.dispose()
    assert row_counts(core.engine)["teams"] == 1


def test_a_missing_sqlite_file_is_an_error_and_stays_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "tickets.db"
    engine = read_only_engine(f"sqlite:///{missing}")
    with pytest.raises(SQLAlchemyError):
        list(SqlPastTickets(engine).opened_since(datetime(2026, 1, 1, tzinfo=UTC)))
    engine.dispose()
    assert not missing.parent.exists()
