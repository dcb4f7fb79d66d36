"""`flashticket doctor` as a process against the fake Slack: every check ok exits 0;
each thing wrong is one line saying what to do, and exits 1; no secret is printed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from bot.manifest import BOT_SCOPES
from flashticket_core.adapters.tables import OutboxMessage
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.fakes.slack_api import FakeSlack
from tests.processes import ROOT, clean_environment

SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
ESCALATION = "C0ESCALAT1"
CHECKS = (
    "bot token",
    "scopes",
    "support channel",
    "escalation channel",
    "signing secret",
    "app token",
    "database",
    "outbox",
)


def doctor(
    slack: FakeSlack, database_url: str, cwd: Path, **overrides: str
) -> subprocess.CompletedProcess[str]:
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "FLASHTICKET_SUPPORT_CHANNEL": SUPPORT_CHANNEL,
        "FLASHTICKET_ESCALATION_CHANNEL": ESCALATION,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "doctor"],
        env=clean_environment(**{**settings, **overrides}),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def lines_of(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each check's line by its name."""
    found = {}
    for line in result.stdout.splitlines():
        for name in CHECKS:
            if line.split(":")[0].split(None, 1)[-1] == name:
                found[name] = line
    return found


def test_a_ready_installation_is_all_ok(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    result = doctor(slack, sqlite_database_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = lines_of(result)
    assert set(lines) == set(CHECKS), result.stdout
    assert all(line.startswith("ok ") for line in lines.values()), result.stdout
    assert result.stdout.strip().splitlines()[-1] == f"all {len(CHECKS)} checks ok"
    assert [c.args["channel"] for c in slack.calls("conversations.info")] == [
        SUPPORT_CHANNEL,
        ESCALATION,
    ]


def _fewer_scopes(slack: FakeSlack) -> None:
    slack.grant(*(s for s in BOT_SCOPES if s not in ("groups:read", "users:read")))


def _public_support(slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=False)


def _bot_not_in_public_support(slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=False, is_member=False)


def _bot_not_in_private_escalation(slack: FakeSlack) -> None:
    slack.set_channel(ESCALATION, is_private=True, is_member=False)


def _bot_not_in_private_support(slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=True, is_member=False)


def _public_escalation(slack: FakeSlack) -> None:
    slack.set_channel(ESCALATION, is_private=False)


def _archived_support(slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_archived=True)


ALLOW_PUBLIC = {"FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL": "true"}


@pytest.mark.parametrize(
    ("setup", "overrides", "check", "advice"),
    [
        (_fewer_scopes, {}, "scopes", "lacks groups:read, users:read: reinstall the app"),
        (_public_support, {}, "support channel", "is public"),
        (_public_escalation, {}, "escalation channel", "make it private"),
        (_bot_not_in_public_support, ALLOW_PUBLIC, "support channel", "/invite @FlashTicket"),
        (_bot_not_in_private_support, {}, "support channel", "invite the bot there"),
        (_bot_not_in_private_escalation, {}, "escalation channel", "invite the bot there"),
        (_archived_support, {}, "support channel", "unarchive it"),
    ],
)
def test_each_slack_problem_says_what_to_do(
    slack: FakeSlack,
    sqlite_database_url: str,
    tmp_path: Path,
    setup: Callable[[FakeSlack], None],
    overrides: dict[str, str],
    check: str,
    advice: str,
) -> None:
    setup(slack)
    result = doctor(slack, sqlite_database_url, tmp_path, **overrides)
    assert result.returncode == 1, result.stdout
    lines = lines_of(result)
    assert lines[check].startswith(f"FAIL  {check}: "), result.stdout
    assert advice in lines[check]
    failed = [name for name, line in lines.items() if line.startswith("FAIL")]
    assert failed == [check], result.stdout
    assert result.stdout.strip().splitlines()[-1] == f"1 of {len(CHECKS)} checks failed"


@pytest.mark.parametrize(
    ("overrides", "check", "advice"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-revoked-0000"}, "bot token", "Slack refused SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-a-user-token"}, "bot token", "must be a bot token"),
        ({"SLACK_SIGNING_SECRET": "not-the-secret-xyz"}, "signing secret", "32 hexadecimal"),
        ({"SLACK_SIGNING_SECRET": ""}, "signing secret", "SLACK_SIGNING_SECRET is not set"),
        ({"FLASHTICKET_SUPPORT_CHANNEL": ""}, "support channel", "is not set"),
        ({"FLASHTICKET_ESCALATION_CHANNEL": "#escalate"}, "escalation channel", "channel ID"),
    ],
)
def test_each_setting_problem_says_what_to_do(
    slack: FakeSlack,
    sqlite_database_url: str,
    tmp_path: Path,
    overrides: dict[str, str],
    check: str,
    advice: str,
) -> None:
    result = doctor(slack, sqlite_database_url, tmp_path, **overrides)
    assert result.returncode == 1, result.stdout
    line = lines_of(result)[check]
    assert line.startswith(f"FAIL  {check}: "), result.stdout
    assert advice in line
    for value in overrides.values():
        if value and check in ("bot token", "signing secret"):
            assert value not in result.stdout + result.stderr  # a secret is never printed
    assert SIGNING_SECRET not in result.stdout + result.stderr
    assert BOT_TOKEN not in result.stdout + result.stderr


def test_a_public_support_channel_allowed_on_purpose_is_ok(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    _public_support(slack)
    result = doctor(slack, sqlite_database_url, tmp_path, **ALLOW_PUBLIC)
    assert result.returncode == 0, result.stdout
    assert "public as FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL allows" in result.stdout


def test_a_bad_token_leaves_the_slack_checks_to_after_it_is_fixed(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    result = doctor(slack, sqlite_database_url, tmp_path, SLACK_BOT_TOKEN="xoxb-revoked-0000")
    lines = lines_of(result)
    for check in ("scopes", "support channel", "escalation channel"):
        assert "fix the bot token first" in lines[check]
    assert lines["database"].startswith("ok ")


def test_an_unmigrated_or_unreachable_database_says_what_to_do(
    slack: FakeSlack, tmp_path: Path
) -> None:
    (tmp_path / "empty.db").touch()  # a database with no tables yet
    empty = doctor(slack, f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    assert empty.returncode == 1
    assert "run `flashticket migrate`" in lines_of(empty)["database"]
    assert "fix the database first" in lines_of(empty)["outbox"]
    unreachable = doctor(slack, "postgresql://nobody:hunter22@127.0.0.1:1/none", tmp_path)
    assert unreachable.returncode == 1
    assert "check DATABASE_URL" in lines_of(unreachable)["database"]
    assert "hunter22" not in unreachable.stdout + unreachable.stderr


def _outbox_row(database_url: str, *, status: str, age: timedelta) -> None:
    engine = create_engine(database_url)
    created = datetime.now(UTC) - age
    with engine.begin() as connection:
        connection.execute(
            insert(OutboxMessage).values(
                kind="direct",
                payload="{}",
                status=status,
                last_error="is_archived" if status == "failed" else None,
                attempts=3,
                next_attempt_at=created,
                created_at=created,
            )
        )
    engine.dispose()


def test_a_stuck_or_failed_outbox_says_what_to_do(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    _outbox_row(sqlite_database_url, status="pending", age=timedelta(minutes=1))
    assert doctor(slack, sqlite_database_url, tmp_path).returncode == 0
    _outbox_row(sqlite_database_url, status="pending", age=timedelta(hours=2))
    stuck = doctor(slack, sqlite_database_url, tmp_path)
    assert stuck.returncode == 1
    assert "is `flashticket serve` running?" in lines_of(stuck)["outbox"]
    assert "120 minutes old" in lines_of(stuck)["outbox"]
    _outbox_row(sqlite_database_url, status="failed", age=timedelta(minutes=5))
    failed = doctor(slack, sqlite_database_url, tmp_path)
    assert failed.returncode == 1
    assert "1 messages failed for good" in lines_of(failed)["outbox"]
    assert "/ticket-admin outbox retry" in lines_of(failed)["outbox"]
    # Each failed message is listed under it with Slack's reason.
    assert "      - message 3 (direct) after 3 attempts: is_archived" in failed.stdout


def test_a_ready_installation_prints_its_checks_and_nothing_else(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    result = doctor(slack, sqlite_database_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(CHECKS) + 1
    assert result.stderr == ""  # no alembic or slack_sdk lines among them


def test_nothing_configured_creates_no_database_and_says_what_is_missing(
    slack: FakeSlack, tmp_path: Path
) -> None:
    result = doctor(slack, "", tmp_path)  # DATABASE_URL unset: the default data/tickets.db
    assert result.returncode == 1
    lines = lines_of(result)
    assert "DATABASE_URL is not set" in lines["database"]
    assert "flashticket migrate" in lines["database"]
    assert "fix the database first" in lines["outbox"]
    assert not (tmp_path / "data").exists()
    named = doctor(slack, f"sqlite:///{tmp_path / 'elsewhere.db'}", tmp_path)
    assert "elsewhere.db, which does not exist" in lines_of(named)["database"]
    assert not (tmp_path / "elsewhere.db").exists()


def test_an_unset_support_channel_fails_the_escalation_channel_too(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path
) -> None:
    result = doctor(
        slack,
        sqlite_database_url,
        tmp_path,
        FLASHTICKET_SUPPORT_CHANNEL="",
        FLASHTICKET_ESCALATION_CHANNEL="",
    )
    lines = lines_of(result)
    assert lines["support channel"].startswith("FAIL")
    assert lines["escalation channel"].startswith("FAIL  escalation channel: ")
    assert "fix the support channel first" in lines["escalation channel"]


@pytest.mark.parametrize(
    ("app_token", "expected"),
    [
        ("xapp-test-token", "ok    app token: Slack opens Socket Mode connections with it"),
        ("xoxb-not-an-app-token", "FAIL  app token: SLACK_APP_TOKEN must be an app-level token"),
        ("xapp-revoked-0000", "FAIL  app token: Slack refused SLACK_APP_TOKEN: invalid_auth"),
    ],
)
def test_socket_mode_checks_the_app_token(
    slack: FakeSlack, sqlite_database_url: str, tmp_path: Path, app_token: str, expected: str
) -> None:
    result = doctor(
        slack, sqlite_database_url, tmp_path, SLACK_APP_TOKEN=app_token, SLACK_SIGNING_SECRET=""
    )
    assert lines_of(result)["app token"].startswith(expected), result.stdout
    assert lines_of(result)["signing secret"].startswith("ok ")
    assert app_token not in result.stdout + result.stderr
    if expected.startswith("ok"):
        assert result.returncode == 0, result.stdout
        assert slack.calls("apps.connections.open")
