"""`flashticket manifest`: valid YAML that asks for exactly what the bot registers and uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from slack_bolt import BoltRequest

from bot import doctor
from bot.app import create_app
from bot.console.workspace.objects import SharedFile
from bot.manifest import BOT_EVENTS, BOT_SCOPES, MESSAGE_SHORTCUTS, SLASH_COMMANDS
from flashticket_core.bootstrap import Core
from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import event_envelope

ROOT = Path(__file__).resolve().parents[2]

# Which bot scope each Web API method the bot calls needs (Slack's method docs).
SCOPE_OF_METHOD = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "views.open": None,
    "views.publish": None,
    "auth.test": None,
    "conversations.open": "im:write",
    # Start-up reads the support channel; on a private channel that takes groups:read.
    "conversations.info": "groups:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    # A file someone attached is looked up, then downloaded from url_private.
    "files.info": "files:read",
    "users.info": "users:read",
    # A team's assignment rule passes over a member Slack shows away.
    "users.getPresence": "users:read",
    # `flashticket doctor` checks that each team's user group in the desk file exists.
    "usergroups.list": "usergroups:read",
}
# conversations.history and .replies take the scope of the kind of conversation read.
SCOPE_OF_READ = {"C": "channels:history", "G": "groups:history", "D": "im:history"}
SCOPE_OF_EVENT = {
    "message.im": "im:history",
    "app_home_opened": None,
    "reaction_added": "reactions:read",
}


def run_manifest(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "manifest", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded: dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


def test_http_manifest_points_every_request_url_at_slack_events() -> None:
    manifest = run_manifest("--url", "https://tickets.example.org/")
    url = "https://tickets.example.org/slack/events"
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/ticket", "/ticket-admin"]
    assert {c["url"] for c in commands} == {url}
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert settings["socket_mode_enabled"] is False
    assert manifest["oauth_config"]["scopes"]["bot"] == [
        "commands",
        "chat:write",
        "im:history",
        "reactions:read",
        "channels:history",
        "groups:history",
        "im:write",
        "files:write",
        "files:read",
        "groups:read",
        "users:read",
        "usergroups:read",
    ]
    assert settings["event_subscriptions"]["bot_events"] == [
        "message.im",
        "reaction_added",
        "app_home_opened",
    ]
    assert manifest["features"]["shortcuts"] == [
        {
            "name": "Create ticket",
            "type": "message",
            "callback_id": "ticket.from_message",
            "description": "Open a help desk ticket from this message",
        }
    ]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


def test_socket_mode_manifest_has_no_request_urls() -> None:
    manifest = run_manifest("--socket-mode")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
    assert "url" not in json.dumps(manifest["features"]["slash_commands"])


def dispatch(app: Any, body: str, content_type: str) -> int:
    response = app.dispatch(BoltRequest(body=body, headers={"content-type": [content_type]}))
    return int(response.status)


def test_the_bot_handles_exactly_the_manifests_commands_and_events(
    core: Core, slack: FakeSlack
) -> None:
    from slack_sdk import WebClient

    app = create_app(
        core, WebClient(token="xoxb-test-token", base_url=slack.base_url), verify_token=False
    )
    for command in SLASH_COMMANDS:
        body = urlencode({"command": command, "text": "help", "user_id": ALICE, "team_id": "T1"})
        assert dispatch(app, body, "application/x-www-form-urlencoded") == 200, command
    unknown = urlencode({"command": "/not-ours", "text": "", "user_id": ALICE, "team_id": "T1"})
    assert dispatch(app, unknown, "application/x-www-form-urlencoded") == 404
    for event in BOT_EVENTS:
        event_type, _, channel_type = event.partition(".")
        envelope = {
            "type": "event_callback",
            "team_id": "T1",
            "event_id": "Ev1",
            "event": {
                "type": event_type,
                "channel_type": channel_type,
                "user": ALICE,
                "text": "x",
                "ts": "1.0",
                "channel": "D1",
            },
        }
        assert dispatch(app, json.dumps(envelope), "application/json") == 200, event
    other = {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev2",
        "event": {"type": "member_joined_channel", "user": ALICE},
    }
    assert dispatch(app, json.dumps(other), "application/json") == 404
    for callback_id in MESSAGE_SHORTCUTS:
        shortcut = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": "T1"},
            "user": {"id": ALICE},
            "channel": {"id": "C1"},
            "message": {"type": "message", "user": ALICE, "ts": "1.0", "text": "x"},
            "trigger_id": "1.2.3",
        }
        body = urlencode({"payload": json.dumps(shortcut)})
        assert dispatch(app, body, "application/x-www-form-urlencoded") == 200, callback_id


def test_scopes_are_exactly_what_the_bot_uses(bot: Bot, tmp_path: Path) -> None:
    """Walk the story, and `flashticket doctor` with a desk file; record every Web API
    method the bot called, map them to scopes."""
    ticket_id = bot.open_ticket(ALICE, "Scanner jams")
    bot.click(ALICE, ticket_id, "ticket.take")  # refused: an ephemeral answer
    bot.command(ADMIN, f"grant <@{ALICE}> support", command="/ticket-admin")
    bot.click(ALICE, ticket_id, "ticket.take")
    bot.slack.wait_for(lambda calls: any(c.method == "chat.update" for c in calls))
    bot.command(ADMIN, "export", command="/ticket-admin")
    bot.slack.wait_for("files.completeUploadExternal")
    # The ticket reaction in a public and a private channel, and the offer under a DM.
    bot.slack.set_channel("C0GENERAL1", is_private=False)
    for channel in ("C0GENERAL1", "G0PRIVATE1", "D" + ALICE[1:]):
        # With a file attached, which goes to the support thread with the ticket.
        hosted = bot.slack.host_file(ALICE, "wifi.png", b"\x89PNG...", "image/png")
        attached = [SharedFile(hosted["id"], "wifi.png", "wifi.png")]
        message = bot.slack.person_posts(ALICE, channel, "Wifi is down", files=attached)
        event = bot.slack.reaction_added(ADMIN, message, "ticket")
        assert bot.http.event(event_envelope(event)).status == 200
    bot.slack.wait_for("download", count=3)
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text("teams:\n  - {id: it, name: IT, channel: C0IT, usergroup: S0IT}\n")
    bot.slack.set_usergroup("S0IT", handle="it", users=[ALICE])
    checks = doctor.run(bot.settings.model_copy(update={"flashticket_desk_file": str(desk_file)}))
    assert next(check for check in checks if check.name == "team it user group").ok
    reads = [c for c in bot.slack.calls() if c.method.startswith("conversations.") and c.ok]
    read_scopes = {
        SCOPE_OF_READ[str(c.args["channel"])[0]]
        for c in reads
        if c.method in ("conversations.history", "conversations.replies")
    }
    not_by_method = (
        "response_url",
        "upload",
        "download",
        "conversations.history",
        "conversations.replies",
    )
    used_methods = {c.method for c in bot.slack.calls() if c.method not in not_by_method}
    assert used_methods <= set(SCOPE_OF_METHOD), used_methods - set(SCOPE_OF_METHOD)
    needed = (
        {SCOPE_OF_METHOD[m] for m in used_methods}
        | read_scopes
        | set(SCOPE_OF_EVENT.values())
        | {"commands"}
    )
    needed.discard(None)
    assert needed == set(BOT_SCOPES)
