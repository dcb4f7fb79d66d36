"""Files both ways (SPEC, "Tickets from where people already talk"): a file a reporter
attaches in their DM thread reaches the support thread as a file, fetched once with the
bot token from Slack's file host and shared once; what cannot be passed on is a note
naming the file. Real payload shapes through the real bot over signed HTTP, on both
databases."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from slack_sdk import WebClient

from bot import file_relay
from bot.console.workspace.objects import SharedFile
from tests.bot_harness import SUPPORT_CHANNEL, Bot
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import dm_thread_reply, event_envelope

SUPPORTER = "USUPPORT02"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4000


def text_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def share_in_dm(bot: Bot, ticket_id: int, files: list[dict[str, Any]], *, event_id: str) -> int:
    root = bot.dm_root(ticket_id).response
    event = dm_thread_reply(ALICE, root["channel"], root["ts"], "Here it is")
    event.update(subtype="file_share", upload=False, display_as_bot=False, files=files)
    return bot.http.event(event_envelope(event, event_id=event_id)).status


def shared_into(bot: Bot, ticket_id: int) -> list[Any]:
    ts = bot.posted_card_ts(ticket_id)
    if ts is None:
        return []  # the card is not out yet
    return [
        c
        for c in bot.slack.calls("files.completeUploadExternal")
        if c.args.get("channel_id") == SUPPORT_CHANNEL and c.args.get("thread_ts") == ts
    ]


def test_a_file_in_the_dm_thread_is_fetched_once_and_shared_once_even_when_redelivered(
    bot: Bot,
) -> None:
    ticket_id = bot.open_ticket(ALICE, "Printer")
    file = bot.slack.host_file(ALICE, "error.png", PNG, "image/png")
    assert share_in_dm(bot, ticket_id, [file], event_id="Ev0FILE1") == 200
    # Slack redelivers the event, and the file_shared event arrives too: both harmless.
    assert share_in_dm(bot, ticket_id, [file], event_id="Ev0FILE1") == 200
    shared = {
        "type": "file_shared",
        "file_id": file["id"],
        "user_id": ALICE,
        "file": {"id": file["id"]},
    }
    assert bot.http.event(event_envelope(shared, event_id="Ev0FILE2")).status == 200
    bot.slack.wait_for(lambda _: len(shared_into(bot, ticket_id)) == 1)
    (complete,) = shared_into(bot, ticket_id)
    (entry,) = complete.args["files"]
    assert bot.slack.upload(entry["id"]) == PNG
    assert entry["title"] == "error.png"
    bot.slack.wait_for(lambda calls: len([c for c in calls if c.method == "download"]) >= 1)
    downloads = bot.slack.calls("download")
    assert len(downloads) == 1
    assert downloads[0].headers["authorization"].startswith("Bearer xoxb-")
    assert len(bot.slack.calls("files.getUploadURLExternal")) == 1
    assert bot.slack.calls("files.info")[0].args["file"] == file["id"]


def test_a_sign_in_page_instead_of_the_file_is_a_note_and_no_upload(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket_id = bot.open_ticket(ALICE, "Printer")
    file = bot.slack.host_file(ALICE, "report.pdf", b"%PDF-1.4 ...", "application/pdf")
    # As when the token is not accepted for files: Slack answers its sign-in page, 200.
    original = bot.slack.download

    def as_if_unauthorised(path: str, authorization: str) -> tuple[str, bytes]:
        return original(path, "")

    monkeypatch.setattr(bot.slack, "download", as_if_unauthorised)
    assert share_in_dm(bot, ticket_id, [file], event_id="Ev0HTML1") == 200
    bot.slack.wait_for(
        lambda _: any(
            "report.pdf" in t and "sign-in page" in t for t in bot.support_thread(ticket_id)
        )
    )
    assert not bot.slack.calls("files.getUploadURLExternal")


def test_a_file_over_the_limit_is_a_note_naming_it_and_its_size(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_relay, "FILE_SIZE_MAX", 1000)
    ticket_id = bot.open_ticket(ALICE, "Printer")
    file = bot.slack.host_file(ALICE, "dump.bin", b"x" * 5000)
    assert share_in_dm(bot, ticket_id, [file], event_id="Ev0BIG1") == 200
    bot.slack.wait_for(
        lambda _: any("dump.bin" in t and "larger than" in t for t in bot.support_thread(ticket_id))
    )
    assert not bot.slack.calls("download")
    assert not bot.slack.calls("files.getUploadURLExternal")


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        Recorder.seen.append(dict(self.headers.items()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def test_a_url_on_another_host_is_refused_and_the_token_never_sent(slack: FakeSlack) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = WebClient(token="xoxb-test-token", base_url=slack.base_url)
        # The fake Slack is on 127.0.0.1: another host name for the same machine.
        url = f"http://localhost:{server.server_address[1]}/files-pri/T1-F1/secret.png"
        with pytest.raises(file_relay.NotRelayed) as refused:
            file_relay.download(client, url)
        assert refused.value.reason == "foreign_host"
        for url in (
            "https://evil.example/files-pri/T1-F1/x.png",
            "https://files.slack.com.evil.example/x.png",
            "http://files.slack.com/x.png",
            "file:///etc/passwd",
        ):
            with pytest.raises(file_relay.NotRelayed):
                file_relay.download(client, url)
        assert Recorder.seen == []
        real = WebClient(token="xoxb-test-token")
        assert file_relay.file_hosts(real) == file_relay.SLACK_FILE_HOSTS
        assert "files.slack.com" in file_relay.SLACK_FILE_HOSTS
    finally:
        server.shutdown()


def test_a_support_reply_with_a_file_reaches_the_dm_thread_and_show_lists_both(bot: Bot) -> None:
    response = bot.command(ADMIN, f"grant <@{SUPPORTER}> support", command="/ticket-admin")
    assert "is now Support" in text_of(response)
    ticket_id = bot.open_ticket(ALICE, "Printer")
    from_reporter = bot.slack.host_file(ALICE, "error.png", PNG, "image/png")
    assert share_in_dm(bot, ticket_id, [from_reporter], event_id="Ev0SHOW1") == 200
    bot.click(SUPPORTER, ticket_id, "ticket.reply")
    modal = bot.slack.wait_for("views.open", count=2)[-1].args["view"]
    file_input = next(b for b in modal["blocks"] if b["block_id"] == "files")
    assert file_input["element"]["type"] == "file_input"
    assert file_input["optional"] is True
    # What Slack puts in the view state: the files the supporter picked, already on
    # Slack's file host.
    manual = bot.slack.host_file(SUPPORTER, "howto.pdf", b"%PDF-1.7 steps", "application/pdf")
    values = {
        "text": {"type": "plain_text_input", "value": "Try these steps"},
        "files": {"type": "file_input", "files": [manual]},
    }
    assert bot.submit(SUPPORTER, modal, values).status == 200
    root = bot.dm_root(ticket_id).response

    def shared_in_dm(calls: list[Any]) -> list[Any]:
        return [
            c
            for c in calls
            if c.method == "files.completeUploadExternal"
            and c.args.get("channel_id") == root["channel"]
            and c.args.get("thread_ts") == root["ts"]
        ]

    bot.slack.wait_for(lambda calls: len(shared_in_dm(calls)) == 1)
    (entry,) = shared_in_dm(bot.slack.calls())[0].args["files"]
    assert bot.slack.upload(entry["id"]) == b"%PDF-1.7 steps"
    shown = text_of(bot.command(SUPPORTER, f"show {ticket_id}"))
    assert f"<@{ALICE}> to support: error.png (" in shown
    assert f"<@{SUPPORTER}> to the reporter: howto.pdf (14 B)" in shown


GENERAL = "C0GENERAL1"


def test_the_files_of_a_message_made_a_ticket_reach_the_support_thread(bot: Bot) -> None:
    bot.slack.set_channel(GENERAL, is_private=False, name="general")
    hosted = bot.slack.host_file(ALICE, "vpn.log", b"line 1\nline 2\n", "text/plain")
    shared = SharedFile(hosted["id"], "vpn.log", "vpn.log")
    message = bot.slack.person_posts(ALICE, GENERAL, "VPN drops\nsee log", files=[shared])
    # The shortcut: the modal remembers the message's files, the submission relays them.
    action = bot.slack.message_shortcut(SUPPORTER, message, "ticket.from_message")
    assert action["message"]["files"][0]["id"] == hosted["id"]
    assert bot.http.interact(action).status == 200
    view = bot.slack.wait_for("views.open")[0].args["view"]
    values = {
        "title": {"type": "plain_text_input", "value": "VPN drops"},
        "description": {"type": "plain_text_input", "value": "see log"},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    assert bot.submit(SUPPORTER, view, values).status == 200
    bot.slack.wait_for(lambda _: len(shared_into(bot, 1)) == 1)
    (entry,) = shared_into(bot, 1)[0].args["files"]
    assert bot.slack.upload(entry["id"]) == b"line 1\nline 2\n"
    # The ticket reaction on another message with a file, delivered twice.
    other = bot.slack.host_file(ALICE, "screen.png", PNG, "image/png")
    second = bot.slack.person_posts(
        ALICE, GENERAL, "Printer jams", files=[SharedFile(other["id"], "screen.png", "screen.png")]
    )
    for _ in range(2):
        event = bot.slack.reaction_added(SUPPORTER, second, "ticket")
        assert bot.http.event(event_envelope(event, event_id="Ev0REACT1")).status == 200
    bot.slack.wait_for(lambda _: bot._has_dm_root(2) and len(shared_into(bot, 2)) == 1)
    (entry,) = shared_into(bot, 2)[0].args["files"]
    assert bot.slack.upload(entry["id"]) == PNG
    bot.slack.wait_for(lambda calls: len([c for c in calls if c.method == "download"]) == 2)
    assert len(bot.slack.calls("download")) == 2
    assert len(bot.slack.calls("files.getUploadURLExternal")) == 2


def test_a_slack_connect_file_in_the_dm_thread_is_looked_up_and_relayed(bot: Bot) -> None:
    """A file of another organisation names no user and no URL (`file_access:
    "check_file_info"`): the reply is taken and the file relayed through files.info."""
    ticket_id = bot.open_ticket(ALICE, "VPN")
    hosted = bot.slack.host_file("UPARTNER01", "trace.txt", b"trace\n", "text/plain")
    connect_file = bot.slack.connect_file_object(hosted["id"])
    assert share_in_dm(bot, ticket_id, [connect_file], event_id="Ev0CONNECT1") == 200
    bot.slack.wait_for(lambda _: len(shared_into(bot, ticket_id)) == 1)
    (entry,) = shared_into(bot, ticket_id)[0].args["files"]
    assert bot.slack.upload(entry["id"]) == b"trace\n"
    assert entry["title"] == "trace.txt"
    assert bot.slack.calls("files.info")[0].args["file"] == hosted["id"]
