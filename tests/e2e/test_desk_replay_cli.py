"""`flashticket desk replay FILE` as an operator runs it: a real process over the live
database (both databases), per team what it would have received and how its targets
would have gone; a wrong file, a missing database and a wrong --days are one clear line
and a non-zero exit, with nothing made."""

from __future__ import annotations

from pathlib import Path

from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import MessageSource
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ALICE, SUPPORT
from tests.e2e.test_cli import run_cli

TWO_TEAMS = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT, sla: "high=1h/4h"}
  - {id: hr, name: HR, channel: C0HR, private: true, intake_channels: [C0HELPHR]}
"""


def test_the_replay_prints_each_team_and_its_targets(
    desk: HelpDesk, database_url: str, tmp_path: Path
) -> None:
    desk.tickets.open_ticket(ALICE, title="Printer", priority=Priority.HIGH)
    desk.tickets.open_ticket(ALICE, title="Screen", priority=Priority.LOW)
    desk.tickets.open_ticket(
        SUPPORT,
        title="Payslip",
        reporter_id=ALICE,
        source=MessageSource("C0HELPHR", "1700000000.000100", "1700000000.000100"),
    )
    (tmp_path / "desk.yaml").write_text(TWO_TEAMS)
    # The tickets were opened on the tests' clock, long before today: a wide window.
    result = run_cli(
        "desk", "replay", "desk.yaml", "--days", "3650", cwd=tmp_path, DATABASE_URL=database_url
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("desk.yaml: 3 tickets of the last 3,650 days (opened since ")
    assert lines[1:] == [
        "team it (IT-Support): 2 tickets",
        "  first response: 0 met, 1 missed, 0 still open, 1 without a target",
        "  resolution: 0 met, 1 missed, 0 still open, 1 without a target",
        "team hr (HR): 1 ticket",
        "  first response: 0 met, 1 missed, 0 still open",
        "  resolution: 0 met, 1 missed, 0 still open",
    ]


def test_tickets_older_than_the_window_are_left_out(
    desk: HelpDesk, database_url: str, tmp_path: Path
) -> None:
    desk.tickets.open_ticket(ALICE, title="Printer")
    (tmp_path / "desk.yaml").write_text(TWO_TEAMS)
    result = run_cli("desk", "replay", "desk.yaml", cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("desk.yaml: 0 tickets of the last 90 days")
    assert "team it (IT-Support): 0 tickets" in result.stdout


def test_a_wrong_desk_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "desk.yaml").write_text("teams:\n  - {id: it, name: IT, channel: nope}\n")
    result = run_cli("desk", "replay", "desk.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "flashticket: desk.yaml: teams[0] (it).channel: 'nope' is not a channel ID such as "
        "C0123456789"
    )


def test_a_missing_database_is_refused_and_not_made(tmp_path: Path) -> None:
    (tmp_path / "desk.yaml").write_text(TWO_TEAMS)
    result = run_cli("desk", "replay", "desk.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "there is no database at its default" in result.stderr
    assert not (tmp_path / "data").exists()
    named = tmp_path / "elsewhere.db"
    result = run_cli("desk", "replay", "desk.yaml", cwd=tmp_path, DATABASE_URL=f"sqlite:///{named}")
    assert result.returncode == 1
    assert "which does not exist" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.yaml"]


def test_days_must_be_a_positive_number(tmp_path: Path) -> None:
    (tmp_path / "desk.yaml").write_text(TWO_TEAMS)
    for days in ("0", "ninety"):
        result = run_cli("desk", "replay", "desk.yaml", "--days", days, cwd=tmp_path)
        assert result.returncode == 2
        assert "--days" in result.stderr
