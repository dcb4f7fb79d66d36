"""A team's assignment keys in the desk file (`assignment`, `reassign_after`): read,
defaulted, refused in one line naming file, entry and problem, and summed up by
`flashticket desk check`; FLASHTICKET_AWAY_EMOJI read."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from flashticket_core.desk_file import DeskFileError, parse_desk_text
from flashticket_core.domain.enums import AssignmentRule

TEAM = "teams:\n  - {id: it, name: IT, channel: C0IT"


def problem(text: str) -> str:
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(text, source="desk.yaml")
    line = str(raised.value)
    assert "\n" not in line
    return line


def test_the_keys_are_read_and_default_to_no_rule() -> None:
    desk = parse_desk_text(
        TEAM + ", assignment: round_robin, reassign_after: 30m}\n"
        "  - {id: hr, name: HR, channel: C0HR, assignment: least_open}\n"
        "  - {id: fm, name: Facilities, channel: C0FM}\n",
        source="desk.yaml",
    )
    it, hr, fm = desk.teams
    assert (it.assignment, it.reassign_delay) == (AssignmentRule.ROUND_ROBIN, timedelta(minutes=30))
    assert (hr.assignment, hr.reassign_delay) == (AssignmentRule.LEAST_OPEN, None)
    assert (fm.assignment, fm.reassign_after) == (AssignmentRule.NONE, None)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            "assignment: roundrobin",
            "desk.yaml: teams[0] (it).assignment: unknown assignment 'roundrobin': one of "
            "none, round_robin, least_open",
        ),
        (
            "assignment: round_robin, reassign_after: soon",
            "desk.yaml: teams[0] (it).reassign_after: 'soon' is not a duration such as",
        ),
        (
            "assignment: round_robin, reassign_after: 1d",
            "desk.yaml: teams[0] (it).reassign_after: '1d': say it in hours or minutes",
        ),
        (
            "assignment: least_open, reassign_after: 0m",
            "desk.yaml: teams[0] (it).reassign_after: '0m': a target must be longer than zero",
        ),
        (
            "reassign_after: 30m",
            "desk.yaml: teams[0] (it): reassign_after needs an assignment rule",
        ),
    ],
)
def test_each_mistake_is_one_line(keys: str, expected: str) -> None:
    assert problem(f"{TEAM}, {keys}}}\n").startswith(expected)


def test_desk_check_names_the_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(TEAM + ", members: [U0SAM], assignment: round_robin, reassign_after: 2h}\n")
    assert main(["desk", "check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "team it (IT): channel C0IT, 1 member, assignment round_robin, reassign after 2h"
    )


def test_the_away_emoji_setting_takes_names_with_or_without_colons() -> None:
    default = Settings(_env_file=None)  # type: ignore[call-arg]
    assert default.away_emoji == frozenset({"palm_tree", "face_with_thermometer"})
    given = Settings(_env_file=None, flashticket_away_emoji=":beach: , sick,")  # type: ignore[call-arg]
    assert given.away_emoji == frozenset({"beach", "sick"})
