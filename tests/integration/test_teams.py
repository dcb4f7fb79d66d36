"""Every ticket belongs to a team: the one team Support without a desk file, the desk
file's first team with one (until tickets are routed); the teams are recorded as the
desk starts, and a team the file drops keeps its row for its tickets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from bot.settings import Settings
from flashticket_core.bootstrap import bootstrap
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ALICE, Clock

TWO_TEAMS = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR, private: true}
request_types:
  - {id: hardware, name: Hardware defect, team: it}
"""


def teams_of(engine: Engine) -> list[tuple[str, str, str | None, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name, channel, private FROM teams ORDER BY id"))
        return [(row.id, row.name, row.channel, bool(row.private)) for row in rows]


def ticket_team(engine: Engine, ticket_id: int) -> tuple[str, str | None]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT team_id, request_type FROM tickets WHERE id = :id"), {"id": ticket_id}
        ).one()
    return row.team_id, row.request_type


def test_without_a_desk_file_every_ticket_is_supports(desk: HelpDesk, engine: Engine) -> None:
    ticket = desk.tickets.open_ticket(ALICE, title="Printer jams")
    assert ticket_team(engine, ticket.id) == ("support", None)
    assert teams_of(engine) == [("support", "Support", None, False)]


def test_with_a_desk_file_tickets_are_the_first_teams_and_the_teams_are_recorded(
    database_url: str, clock: Clock, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(TWO_TEAMS)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_support_channel="C0SUPPORT",
        flashticket_desk_file=str(desk_file),
    )
    core = bootstrap(settings, clock=clock)
    try:
        ticket = core.desk.tickets.open_ticket(ALICE, title="Laptop broken")
        assert ticket_team(core.engine, ticket.id) == ("it", None)
        assert teams_of(core.engine) == [
            ("hr", "HR", "G0HR", True),
            ("it", "IT-Support", "C0IT", False),
            ("support", "Support", None, False),
        ]
    finally:
        core.close()
    # The file changes between restarts: a renamed team is updated, a dropped one stays.
    desk_file.write_text("teams:\n  - {id: it, name: IT, channel: C0IT2}\n")
    core = bootstrap(settings, clock=clock)
    try:
        assert teams_of(core.engine) == [
            ("hr", "HR", "G0HR", True),
            ("it", "IT", "C0IT2", False),
            ("support", "Support", None, False),
        ]
        assert ticket_team(core.engine, ticket.id) == ("it", None)
    finally:
        core.close()
    # Without the file again: Support, in the support channel, takes the new tickets.
    core = bootstrap(
        settings.model_copy(update={"flashticket_desk_file": None}),
        clock=clock,
        support_channel=settings.flashticket_support_channel,
    )
    try:
        again = core.desk.tickets.open_ticket(ALICE, title="Mouse")
        assert ticket_team(core.engine, again.id) == ("support", None)
        assert ("support", "Support", "C0SUPPORT", False) in teams_of(core.engine)
    finally:
        core.close()
