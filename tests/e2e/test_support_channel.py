"""The support channel is the help desk's access boundary: `serve` starts only when it is
private and the bot is in it, and otherwise says in one line what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.slack_checks import check_support_channel
from bot.startup_checks import StartupError
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, serve_environment, serve_once


def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=2)


def test_a_private_channel_the_bot_is_in_passes(slack: FakeSlack) -> None:
    assert check_support_channel(client(slack), SUPPORT_CHANNEL, allow_public=False) == []
    assert [c.args["channel"] for c in slack.calls("conversations.info")] == [SUPPORT_CHANNEL]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"is_private": False}, "is public"),
        ({"is_private": False, "is_member": False}, "is public"),
        ({"is_private": True, "is_member": False}, "was not found"),  # invisible to the bot
        ({"exists": False}, "was not found"),
        ({"is_archived": True}, "is archived"),
    ],
)
def test_a_wrongly_set_up_channel_is_refused_with_what_to_do(
    slack: FakeSlack, setup: dict[str, bool], expected: str
) -> None:
    slack.set_channel(SUPPORT_CHANNEL, **setup)
    with pytest.raises(StartupError) as refused:
        check_support_channel(client(slack), SUPPORT_CHANNEL, allow_public=False)
    message = str(refused.value)
    assert expected in message
    assert SUPPORT_CHANNEL in message
    assert "\n" not in message


def test_a_public_channel_can_be_allowed_on_purpose_with_a_warning(slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=False)
    warnings = check_support_channel(client(slack), SUPPORT_CHANNEL, allow_public=True)
    assert len(warnings) == 1
    assert "public" in warnings[0]
    assert "internal notes" in warnings[0]
    # ... but the bot must still be in it.
    slack.set_channel(SUPPORT_CHANNEL, is_private=False, is_member=False)
    with pytest.raises(StartupError, match="/invite @FlashTicket"):
        check_support_channel(client(slack), SUPPORT_CHANNEL, allow_public=True)


def test_a_token_without_the_scope_is_told_to_reinstall(slack: FakeSlack) -> None:
    slack.fail_next("conversations.info", error="missing_scope")
    with pytest.raises(StartupError, match="reinstall the app"):
        check_support_channel(client(slack), SUPPORT_CHANNEL, allow_public=False)


def test_serve_stops_on_a_public_support_channel(tmp_path: Path, slack: FakeSlack) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=False)
    env = serve_environment(f"sqlite:///{tmp_path / 'tickets.db'}", slack.base_url)
    result = serve_once(env, tmp_path)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "is public" in last
    assert "FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL" in last
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "tickets.db").exists()  # refused before anything was set up


def test_serve_warns_and_runs_when_a_public_channel_is_allowed(
    tmp_path: Path, slack: FakeSlack
) -> None:
    slack.set_channel(SUPPORT_CHANNEL, is_private=False)
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}",
        slack.base_url,
        FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL="true",
    )
    server = ServeProcess(env, tmp_path).wait_healthy()
    stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert "is public" in stderr
    assert "everyone in the workspace can read internal notes" in stderr


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"is_private": False}, "is public"),
        ({"is_private": True, "is_member": False}, "was not found"),
        ({"is_archived": True}, "is archived"),
    ],
)
def test_serve_stops_on_an_escalation_channel_set_up_wrongly(
    tmp_path: Path, slack: FakeSlack, setup: dict[str, bool], expected: str
) -> None:
    escalation = "C0ESCALAT1"
    slack.set_channel(escalation, **setup)
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}",
        slack.base_url,
        FLASHTICKET_ESCALATION_CHANNEL=escalation,
    )
    result = serve_once(env, tmp_path)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert expected in last
    assert "FLASHTICKET_ESCALATION_CHANNEL" in last or "escalation channel" in last
