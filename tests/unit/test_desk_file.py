"""The desk file: the SPEC's example reads into typed teams and request types, and every
kind of mistake is one line naming the file, the entry and what is wrong."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.startup_checks import checked_desk_file
from flashticket_core.desk_file import (
    DEFAULT_TEAM_ID,
    DeskFileError,
    FieldType,
    desk_structure,
    load_desk_file,
    parse_desk_text,
)
from flashticket_core.domain.enums import Priority

SPEC_EXAMPLE = """\
teams:
  - id: it                      # [a-z0-9_-], 1–32, unique
    name: IT-Support
    channel: CIT                # the team's private triage channel: its cards go here
    members: [USAM, UBOB]       # support within this team (optional)
    usergroup: S0ITSUPPORT      # optional: members of this Slack user group are members too
    intake_channels: [CHELPIT]  # optional: tickets made from messages here go to this team
    escalation_channel: CITESC  # optional; else FLASHTICKET_ESCALATION_CHANNEL
    private: false              # true: only this team's members and admins see its tickets
    sla: "high=30m/4h,medium=4h/2d,low=1d/5d"   # optional; else FLASHTICKET_SLA
    business_hours: "mon-fri 08:00-17:00"         # optional; else FLASHTICKET_BUSINESS_HOURS
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    priority: medium            # default priority of this type (optional)
    fields:                     # extra inputs of this type's form (optional)
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}
"""

TWO_TEAMS = """\
teams:
  - {id: it, name: IT, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR, private: true}
request_types:
  - {id: hardware, name: Hardware, team: it}
  - id: access
    name: Access
    team: hr
    fields:
      - {id: system, label: System, type: text}
"""


def problem(text: str) -> str:
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(text, source="desk.yaml")
    line = str(raised.value)
    assert "\n" not in line
    assert line.startswith("desk.yaml: ")
    return line


def test_the_specs_example_is_read_into_typed_values() -> None:
    desk = parse_desk_text(SPEC_EXAMPLE, source="desk.yaml")
    (team,) = desk.teams
    assert (team.id, team.name, team.channel, team.private) == ("it", "IT-Support", "CIT", False)
    assert team.members == ("USAM", "UBOB")
    assert (team.usergroup, team.intake_channels, team.escalation_channel) == (
        "S0ITSUPPORT",
        ("CHELPIT",),
        "CITESC",
    )
    assert team.sla == "high=30m/4h,medium=4h/2d,low=1d/5d"
    assert team.business_hours == "mon-fri 08:00-17:00"
    (kind,) = desk.request_types
    assert (kind.id, kind.name, kind.team, kind.priority) == (
        "hardware",
        "Hardware defect",
        "it",
        Priority.MEDIUM,
    )
    asset, floor = kind.fields
    assert (asset.id, asset.label, asset.type, asset.required) == (
        "asset_tag",
        "Asset tag",
        FieldType.TEXT,
        True,
    )
    assert (floor.type, floor.required, floor.options) == (
        FieldType.SELECT,
        False,
        ("EG", "1. OG", "2. OG"),
    )
    assert desk.default_team is team


def test_optional_keys_have_their_defaults_and_types_belong_to_their_team() -> None:
    desk = parse_desk_text(TWO_TEAMS, source="desk.yaml")
    it, hr = desk.teams
    assert (it.members, it.usergroup, it.private, it.sla, it.business_hours) == (
        (),
        None,
        False,
        None,
        None,
    )
    assert hr.private is True
    assert [kind.id for kind in desk.request_types_of("hr")] == ["access"]
    assert desk.request_types[0].fields == ()
    assert desk.request_types[0].priority is None
    assert desk.team("hr") is hr
    assert desk.team("nobody") is None


def test_without_a_desk_file_the_desk_is_one_team_support_in_the_support_channel() -> None:
    desk = desk_structure(None, support_channel="C0SUPPORT")
    (team,) = desk.teams
    assert (team.id, team.name, team.channel, team.private) == (
        DEFAULT_TEAM_ID,
        "Support",
        "C0SUPPORT",
        False,
    )
    assert desk.request_types == ()


def test_every_field_type_of_the_spec_is_known() -> None:
    assert [kind.value for kind in FieldType] == [
        "text",
        "long_text",
        "number",
        "select",
        "multi_select",
        "user",
        "date",
        "checkbox",
        "url",
        "email",
    ]


TEAM = "teams:\n  - {id: it, name: IT, channel: C0IT}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            TEAM + "  - {id: hr, name: HR, channel: C0HR}\nrequest_types:\n"
            "  - {id: a, name: A, team: it}\n  - {id: b, name: B, team: it}\n"
            "  - {id: c, name: C, team: it}\n  - {id: access, name: Access, team: hrr}\n",
            "desk.yaml: request_types[3] (access).team: unknown team 'hrr' (teams: it, hr)",
        ),
        (
            TEAM + "  - {id: it, name: IT again, channel: C0IT2}\n",
            "desk.yaml: teams[1] (it).id: duplicate id 'it': teams[0] has it too",
        ),
        (
            TEAM
            + "request_types:\n  - {id: a, name: A, team: it}\n  - {id: a, name: B, team: it}\n",
            "desk.yaml: request_types[1] (a).id: duplicate id 'a': request_types[0] has it too",
        ),
        (
            TEAM + "request_types:\n  - id: a\n    name: A\n    team: it\n    fields:\n"
            "      - {id: f, label: F, type: text}\n      - {id: f, label: G, type: url}\n",
            "desk.yaml: request_types[0] (a).fields[1] (f).id: duplicate id 'f': "
            "request_types[0] (a).fields[0] has it too",
        ),
        (
            TEAM + "request_types:\n  - id: access\n    name: Access\n    team: it\n"
            "    fields: [{id: system, label: System, type: select}]\n",
            "desk.yaml: request_types[0] (access).fields[0] (system): a select needs options",
        ),
        (
            TEAM + "request_types:\n  - id: access\n    name: Access\n    team: it\n"
            "    fields: [{id: system, label: System, type: multi_select, options: []}]\n",
            "desk.yaml: request_types[0] (access).fields[0] (system): a multi_select needs options",
        ),
        (
            TEAM + "request_types:\n  - id: access\n    name: Access\n    team: it\n"
            "    fields: [{id: system, label: System, type: dropdown}]\n",
            "desk.yaml: request_types[0] (access).fields[0] (system).type: unknown field type "
            "'dropdown': one of text, long_text",
        ),
        (
            "teams:\n  - {id: IT, name: IT, channel: C0IT}\n",
            "desk.yaml: teams[0] (IT).id: the id 'IT' must be 1 to 32 of a-z, 0-9, _ and -",
        ),
        (
            TEAM + "request_types:\n  - {id: 'hard ware', name: A, team: it}\n",
            "desk.yaml: request_types[0] (hard ware).id: the id 'hard ware' must be",
        ),
        (
            "teams:\n  - {id: it, name: IT, channel: C0IT, sla: 'high=fast'}\n",
            "desk.yaml: teams[0] (it).sla: 'high=fast'",
        ),
        (
            "teams:\n  - {id: it, name: IT, channel: C0IT, business_hours: 'mon-fri 8-17'}\n",
            "desk.yaml: teams[0] (it).business_hours: 'mon-fri 8-17': '8-17' is not a range",
        ),
        (
            "teams:\n  - id: it\n    name: IT: Support\n    channel: C0IT\n",
            "desk.yaml: YAML syntax error at line 3, column 13: mapping values are not allowed",
        ),
        ("teams:\n\t- id: it\n", "desk.yaml: YAML syntax error at line 2"),
        (
            "teams:\n  - {id: it, name: \x07, channel: C0IT}\n",
            "desk.yaml: YAML syntax error at line 2: a control character (U+0007)",
        ),
        ("teams:\n  - {id: it, name: IT}\n", "desk.yaml: teams[0] (it).channel: is missing"),
        (
            "teams:\n  - {id: it, name: IT, channel: C0IT, usergroups: S0IT}\n",
            "desk.yaml: teams[0] (it).usergroups: is not a key of this entry",
        ),
        ("teams: []\n", "desk.yaml: teams: needs at least one team"),
        ("request_types: []\n", "desk.yaml: teams: is missing"),
        ("", "desk.yaml: is empty"),
        ("- it\n- hr\n", "desk.yaml: must be a mapping with teams: and request_types:"),
        (
            TEAM + "request_types:\n  - {id: a, name: A, team: it, priority: urgent}\n",
            "desk.yaml: request_types[0] (a).priority: input should be 'high', 'medium' or 'low'",
        ),
        (
            TEAM + "request_types:\n  - id: a\n    name: A\n    team: it\n"
            "    fields: [{id: f, label: F, type: text, options: [x]}]\n",
            "desk.yaml: request_types[0] (a).fields[0] (f): a text takes no options",
        ),
        (
            "teams:\n  - {id: it, name: IT, channel: C0IT, intake_channels: [C0HELP]}\n"
            "  - {id: hr, name: HR, channel: C0HR, intake_channels: [C0HELP]}\n",
            "desk.yaml: teams[1] (hr).intake_channels: C0HELP is already an intake channel "
            "of the team it",
        ),
    ],
    ids=[
        "unknown-team",
        "duplicate-team",
        "duplicate-request-type",
        "duplicate-field",
        "select-without-options",
        "multi-select-with-empty-options",
        "unknown-field-type",
        "id-in-capitals",
        "id-with-a-space",
        "bad-sla",
        "bad-business-hours",
        "yaml-unclosed",
        "yaml-tab",
        "yaml-control-character",
        "missing-channel",
        "misspelt-key",
        "no-teams",
        "teams-missing",
        "empty-file",
        "not-a-mapping",
        "unknown-priority",
        "options-on-a-text",
        "intake-channel-twice",
    ],
)
def test_each_mistake_is_one_line_naming_file_entry_and_problem(text: str, expected: str) -> None:
    assert problem(text).startswith(expected)


_ID_CHARACTERS = string.ascii_lowercase + string.digits + "_-"


@given(st.text(alphabet=_ID_CHARACTERS, min_size=1, max_size=32))
def test_every_id_of_the_allowed_characters_and_length_is_taken(team_id: str) -> None:
    desk = parse_desk_text(
        f"teams:\n  - {{id: '{team_id}', name: T, channel: C0T}}\n", source="desk.yaml"
    )
    assert desk.teams[0].id == team_id


@given(
    st.one_of(
        st.text(alphabet=_ID_CHARACTERS, min_size=33, max_size=60),
        st.text(min_size=1, max_size=20).filter(lambda t: any(c not in _ID_CHARACTERS for c in t)),
    )
)
def test_every_other_id_is_refused_in_one_line(team_id: str) -> None:
    quoted = team_id.replace("'", "''")
    text = f"teams:\n  - {{id: '{quoted}', name: T, channel: C0T}}\n"
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(text, source="desk.yaml")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("desk.yaml: ")


@given(st.text(max_size=200))
def test_any_text_is_a_desk_or_one_line_of_what_is_wrong(text: str) -> None:
    line = ""
    try:
        parse_desk_text(text, source="desk.yaml")
    except DeskFileError as error:
        line = str(error)
    assert "\n" not in line
    assert not line or line.startswith("desk.yaml: ")


def test_numbers_in_yaml_are_taken_as_the_texts_they_were_meant_as() -> None:
    desk = parse_desk_text(
        TEAM + "request_types:\n  - id: a\n    name: A\n    team: it\n"
        "    fields: [{id: floor, label: Floor, type: select, options: [1, 2, 3]}]\n",
        source="desk.yaml",
    )
    assert desk.request_types[0].fields[0].options == ("1", "2", "3")


def test_a_missing_or_unreadable_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DeskFileError, match=r"missing\.yaml: cannot read it \(No such file"):
        load_desk_file(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("teams:\n  - {id: it, name: Büro, channel: C0IT}\n".encode("latin-1"))
    with pytest.raises(DeskFileError, match=r"latin\.yaml: is not UTF-8 text"):
        load_desk_file(latin)


@pytest.mark.parametrize(
    ("team", "expected"),
    [
        (
            "{id: hr, name: HR, channel: hr-triage}",
            "teams[1] (hr).channel: 'hr-triage' is not a channel ID such as C0123456789",
        ),
        (
            "{id: hr, name: HR, channel: '#hr'}",
            "teams[1] (hr).channel: '#hr' is not a channel ID",
        ),
        (
            "{id: hr, name: HR, channel: C0HR, intake_channels: [C0HELP, help]}",
            "teams[1] (hr).intake_channels[1]: 'help' is not a channel ID",
        ),
        (
            "{id: hr, name: HR, channel: C0HR, escalation_channel: D0DM}",
            "teams[1] (hr).escalation_channel: 'D0DM' is not a channel ID",
        ),
        (
            "{id: hr, name: HR, channel: C0HR, members: [U0ANNA, '@bob']}",
            "teams[1] (hr).members[1]: '@bob' is not a user ID such as U0123456789",
        ),
        (
            "{id: hr, name: HR, channel: C0HR, usergroup: '@hr-team'}",
            "teams[1] (hr).usergroup: '@hr-team' is not a user group ID such as S0123456789",
        ),
    ],
)
def test_slack_ids_of_the_wrong_shape_are_one_line_too(
    tmp_path: Path, team: str, expected: str
) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(f"teams:\n  - {{id: it, name: IT, channel: C0IT}}\n  - {team}\n")
    with pytest.raises(DeskFileError) as raised:
        checked_desk_file(str(path))
    assert str(raised.value).startswith(f"{path}: {expected}")


def test_desk_check_prints_a_summary_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(TWO_TEAMS.replace("channel: C0IT}", "channel: C0IT, members: [U0SAM]}"))
    assert main(["desk", "check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: 2 teams, 2 request types",
        "team it (IT): channel C0IT, 1 member",
        "  request type hardware (Hardware): no fields",
        "team hr (HR): private, channel G0HR",
        "  request type access (Access): system (text)",
    ]


def test_desk_check_of_a_wrong_file_prints_its_one_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(TWO_TEAMS.replace("team: hr", "team: hrr"))
    assert main(["desk", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"flashticket: {path}: request_types[1] (access).team: unknown team 'hrr' (teams: it, hr)\n"
    )
    assert main(["desk", "check", str(tmp_path / "none.yaml")]) == 1
    assert "none.yaml: cannot read it" in capsys.readouterr().err


def test_an_id_that_yaml_folds_into_a_line_break_is_named_on_one_line() -> None:
    # Found by Hypothesis: in a single-quoted scalar YAML folds '\x85\x85' into '\n'.
    text = "teams:\n  - {id: '\x85\x85', name: T, channel: C0T}\n"
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(text, source="desk.yaml")
    assert "\n" not in str(raised.value)
    assert "teams[0] ('\\n')" in str(raised.value)
