"""`flashticket doctor` with a desk file, against the fake Slack: the file, then each
team's channels and user group, one line each, naming the team whose check failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import doctor
from bot.doctor import Check
from bot.manifest import BOT_SCOPES
from bot.settings import Settings
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.fakes.slack_api import FakeSlack

DESK = """\
teams:
  - id: it
    name: IT-Support
    channel: C0ITTRIAGE
    usergroup: S0ITSUPPORT
  - id: hr
    name: HR
    channel: G0HRTRIAGE
    private: true
    escalation_channel: G0HRESCAL
    usergroup: S0HRTEAM
request_types:
  - {id: hardware, name: Hardware defect, team: it}
"""
TEAM_CHECKS = (
    "team it channel",
    "team it user group",
    "team hr channel",
    "team hr escalation channel",
    "team hr user group",
)


def run_doctor(slack: FakeSlack, database_url: str, desk_file: Path | None) -> dict[str, Check]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="0123456789abcdef0123456789abcdef",
        slack_api_url=slack.base_url,
        flashticket_support_channel=SUPPORT_CHANNEL,
        database_url=database_url,
        flashticket_desk_file=str(desk_file) if desk_file else None,
    )
    return {check.name: check for check in doctor.run(settings)}


def set_up_rightly(slack: FakeSlack) -> None:
    slack.set_usergroup("S0ITSUPPORT", handle="it-support", users=["U0SAM0001", "U0BOB0001"])
    slack.set_usergroup("S0HRTEAM", handle="hr", users=["U0ANNA001"])


def test_a_rightly_set_up_workspace_passes_every_team_check(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    set_up_rightly(slack)
    checks = run_doctor(slack, sqlite_database_url, desk_file)
    assert all(check.ok for check in checks.values()), [c.line() for c in checks.values()]
    assert checks["desk file"].line() == f"ok    desk file: {desk_file}: 2 teams, 1 request type"
    assert [name for name in checks if name.startswith("team ")] == list(TEAM_CHECKS)
    assert checks["team it channel"].detail == "C0ITTRIAGE, private, the bot is in it"
    assert checks["team it user group"].detail == "S0ITSUPPORT (@it-support), 2 members"
    assert checks["team hr user group"].detail == "S0HRTEAM (@hr), 1 members"
    channels = [call.args["channel"] for call in slack.calls("conversations.info")]
    assert {"C0ITTRIAGE", "G0HRTRIAGE", "G0HRESCAL"} <= set(channels)
    (listed,) = slack.calls("usergroups.list")  # once for every team
    assert listed.ok


def test_a_wrongly_set_up_workspace_says_which_teams_check_failed(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    slack.set_channel("C0ITTRIAGE", is_private=False)
    slack.set_channel("G0HRESCAL", is_private=True, is_member=False)
    slack.set_usergroup("S0HRTEAM", handle="hr", users=[], disabled=True)
    checks = run_doctor(slack, sqlite_database_url, desk_file)
    failed = {name: check.problem for name, check in checks.items() if not check.ok}
    assert set(failed) == {
        "team it channel",
        "team it user group",
        "team hr escalation channel",
        "team hr user group",
    }
    assert "the team it channel C0ITTRIAGE is public" in str(failed["team it channel"])
    assert str(failed["team it user group"]).startswith(
        "the user group S0ITSUPPORT of the team it was not found"
    )
    assert str(failed["team hr escalation channel"]).startswith(
        "the team hr's escalation channel G0HRESCAL was not found"
    )
    assert str(failed["team hr user group"]).startswith("the user group S0HRTEAM (@hr) is disabled")
    assert checks["team hr channel"].ok
    assert checks["support channel"].ok  # the rest is checked as before


def test_a_token_without_usergroups_read_fails_the_user_group_checks_only(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    set_up_rightly(slack)
    slack.grant(*(scope for scope in BOT_SCOPES if scope != "usergroups:read"))
    checks = run_doctor(slack, sqlite_database_url, desk_file)
    assert "usergroups:read" in str(checks["scopes"].problem)
    for team in ("it", "hr"):
        problem = str(checks[f"team {team} user group"].problem)
        assert problem.startswith("the bot token lacks usergroups:read: reinstall")
    assert checks["team it channel"].ok


def test_a_wrong_desk_file_fails_its_line_and_checks_no_team(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK.replace("channel: G0HRTRIAGE", "channel: hr-triage"))
    checks = run_doctor(slack, sqlite_database_url, desk_file)
    assert checks["desk file"].problem == (
        f"FLASHTICKET_DESK_FILE {desk_file}: teams[1] (hr).channel: 'hr-triage' is not a "
        "channel ID such as C0123456789"
    )
    assert not [name for name in checks if name.startswith("team ")]
    assert slack.calls("usergroups.list") == []


def test_without_a_desk_file_the_doctor_checks_what_it_checked_before(
    slack: FakeSlack, sqlite_database_url: str
) -> None:
    checks = run_doctor(slack, sqlite_database_url, None)
    assert not [name for name in checks if name.startswith(("desk", "team "))]
    assert slack.calls("usergroups.list") == []


def test_the_fake_answers_the_user_group_methods_in_slacks_shapes(slack: FakeSlack) -> None:
    set_up_rightly(slack)
    slack.set_usergroup("S0OLD", handle="old", users=["U0OLD0001"], disabled=True)
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url)
    listed = client.usergroups_list()["usergroups"]
    assert [group["id"] for group in listed] == ["S0ITSUPPORT", "S0HRTEAM"]
    first = listed[0]
    assert (first["handle"], first["is_usergroup"], first["date_delete"]) == ("it-support", True, 0)
    assert "users" not in first
    assert "user_count" not in first
    every = client.usergroups_list(include_disabled=True, include_users=True, include_count=True)
    old = every["usergroups"][-1]
    assert (old["id"], old["users"], old["user_count"]) == ("S0OLD", ["U0OLD0001"], 1)
    assert old["date_delete"] > 0
    users = client.usergroups_users_list(usergroup="S0ITSUPPORT")
    assert users["users"] == ["U0SAM0001", "U0BOB0001"]
    for usergroup in ("S0NONE", "S0OLD"):
        with pytest.raises(SlackApiError) as refused:
            client.usergroups_users_list(usergroup=usergroup)
        assert refused.value.response.data == {"ok": False, "error": "no_such_subteam"}


APPROVAL_DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0ITTRIAGE}
request_types:
  - {id: access, name: Access request, team: it, approver_group: S0APPROVERS}
  - {id: keys, name: Keys, team: it, approvers: [U0ANN0001], approver_group: S0GONE0001}
"""


def test_each_approver_group_is_checked_and_a_missing_one_named_with_its_request_type(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(APPROVAL_DESK)
    slack.set_usergroup("S0APPROVERS", handle="approvers", users=["U0ANN0001", "U0MAX0001"])
    checks = run_doctor(slack, sqlite_database_url, desk_file)
    found = checks["request type access approver group"]
    assert found.ok
    assert found.detail == "S0APPROVERS (@approvers), 2 members"
    missing = checks["request type keys approver group"]
    assert not missing.ok
    assert str(missing.problem).startswith(
        "the user group S0GONE0001 of the request type keys was not found"
    )
