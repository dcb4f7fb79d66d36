"""`flashticket shell` driven by a script on standard input: the whole ticket story, and
the console's workspace answering every Web API method the bot calls."""

from __future__ import annotations

import ast
import inspect
import io
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from bot.console.console_clock import ConsoleClock
from bot.console.person import FORM
from bot.console.shell import SUPPORT_CHANNEL, Shell
from bot.console.workspace import Workspace, user_id_for
from bot.settings import Settings
from flashticket_core.bootstrap import bootstrap
from tests.processes import ROOT, clean_environment

STORY = """\
help
as @alice
/ticket Printer on fire

Smoke comes out of the back
1

click #1 take
as @admin
/ticket-admin grant @sam support
as @sam
click #1 take
click #1 reply
Please unplug it and wait ten minutes.

click #1 status 2
as @alice
reply 1 Unplugged, it is cold now.
/ticket show 1
dm
"""


def run_shell(tmp_path: Path, script: str, *args: str, **env_overrides: str) -> str:
    env = clean_environment(**env_overrides)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", *args],
        cwd=tmp_path,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_shell_walks_the_whole_story(tmp_path: Path) -> None:
    out = run_shell(tmp_path, STORY)
    # Everything happened in a database of its own under ./data, with no network.
    assert (tmp_path / "data" / "shell.db").exists()
    assert "click #3 take" in out  # help explains the console
    # The form, field by field, and the ticket it opened.
    assert "┌ form: New ticket" in out
    assert "│ Title [Printer on fire]:" in out
    assert "Your ticket #1 “Printer on fire” has been received" in out
    assert "== #1 Printer on fire ==" in out
    assert "Priority: High" in out
    assert "[#1 take] Take it" in out
    # A plain user is refused on the support buttons.
    assert "You are not allowed to assign tickets." in out
    # An admin grants support; support takes it, replies and resolves.
    assert "@sam is now Support." in out
    assert "@sam changed the status of #1: New → In progress" in out
    assert "Support reply from @sam:" in out
    assert "> Please unplug it and wait ten minutes." in out
    assert "@sam changed the status of #1: In progress → Resolved" in out
    # The reporter answers in the DM thread; the answer reaches the support thread.
    assert "@alice (reporter) wrote:" in out
    assert "> Unplugged, it is cold now." in out
    shown = out[out.index("@alice> /ticket show 1") :]
    assert "Resolved" in shown
    assert "Reporter reply @alice: Unplugged, it is cold now." in shown


def test_files_travel_both_ways_in_the_console(tmp_path: Path) -> None:
    (tmp_path / "error.log").write_bytes(b"E42 toner\n")
    (tmp_path / "steps.txt").write_bytes(b"1. unplug\n")
    script = (
        "/ticket Printer on fire\n\n\n\n\n\n"
        "reply 1 --file error.log Here is the log\n"
        "click #1 reply\nTry these steps\nsteps.txt\n"
    )
    out = run_shell(tmp_path, script)
    assert "(you wrote in the thread of #1) Here is the log [error.log]" in out
    folder = tmp_path / "data" / "shell-files"
    assert "saved error.log → data/shell-files/error.log" in out
    assert (folder / "error.log").read_bytes() == b"E42 toner\n"
    assert "saved steps.txt → data/shell-files/steps.txt" in out
    assert (folder / "steps.txt").read_bytes() == b"1. unplug\n"


def test_form_errors_are_shown_and_asked_again(tmp_path: Path) -> None:
    # An empty required field is refused by the form itself, as in Slack; blanks reach
    # the bot, which refuses them; only the refused field is asked again.
    script = "as @bob\n/ticket\n\n   \n\n2\n\nKeyboard\n\n\n/ticket list\n"
    out = run_shell(tmp_path, script)
    assert out.count("│ ! This field is required.") == 1
    assert "│ ! The title must not be empty." in out
    assert out.count("│ Priority [2]:") == 1
    assert "Your ticket #1 “Keyboard” has been received" in out
    assert "Your open tickets (1)" in out


def test_an_answer_that_is_no_option_is_asked_again(tmp_path: Path) -> None:
    title = "x" * 151
    script = f"as @alice\n/ticket\n{title}\nMouse\n\nas @admin\n9\nhigh\n\n/ticket show 1\n"
    out = run_shell(tmp_path, script)
    assert "│ ! At most 150 characters here (you typed 151)." in out
    choices = "(1) High  (2) Medium  (3) Low"
    assert out.count(f"│ ! Pick one of {choices} (a number or its name), or cancel.") == 2
    assert "You are now @admin." not in out  # the form took the line, not the console
    assert out.count("│ Priority [2]:") == 3
    shown = out[out.index("@alice> /ticket show 1") :]
    assert "Priority: High" in shown


def test_charts_and_exports_are_saved_to_the_files_folder(tmp_path: Path) -> None:
    script = "/ticket Printer on fire\n\n\n\n\n\n/ticket stats\n/ticket-admin export\n"
    out = run_shell(tmp_path, script)
    folder = tmp_path / "data" / "shell-files"
    for chart in ("tickets-by-status-per-month.png", "open-tickets-by-priority.png"):
        assert f"saved {chart} → data/shell-files/{chart}" in out
        assert (folder / chart).read_bytes().startswith(b"\x89PNG")
    exported = re.search(r"saved (tickets-\d{8}-\d{6}\.csv) → data/shell-files/(\S+)", out)
    assert exported, out
    assert exported.group(1) == exported.group(2)
    assert "Printer on fire" in (folder / exported.group(1)).read_text(encoding="utf-8")
    assert "Export of 1 ticket (" in out


def test_a_proxy_in_the_environment_does_not_stand_between_the_bot_and_the_workspace(
    tmp_path: Path,
) -> None:
    nowhere = "http://127.0.0.1:9"  # nothing listens there
    proxies = dict.fromkeys(("HTTP_PROXY", "http_proxy", "HTTPS_PROXY"), nowhere)
    no_bypass = dict.fromkeys(("NO_PROXY", "no_proxy", "https_proxy"), "")
    script = "/ticket Printer\n\n\n\n\n\n/ticket stats\nas @alice\nclick #1 take\n"
    out = run_shell(tmp_path, script, **proxies, **no_bypass)
    assert "[#support]" in out  # the Web API
    assert "saved open-tickets-by-priority.png → " in out  # an upload URL
    assert "You are not allowed to assign tickets." in out  # a response URL


def test_the_files_folder_is_an_option_and_nothing_is_overwritten(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "/ticket stats\n/ticket stats\n", "--files", "charts")
    chart = "tickets-by-status-per-month"
    assert f"saved {chart}.png → charts/{chart}.png" in out
    assert f"saved {chart}.png → charts/{chart}-2.png" in out
    assert (tmp_path / "charts" / f"{chart}-2.png").exists()
    assert not (tmp_path / "data" / "shell-files").exists()


def test_the_shell_speaks_german(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "as @bob\n/ticket Drucker\n\n\n\n\n", "--language", "de")
    assert "┌ Formular: Neues Ticket" in out
    assert "Ihr Ticket #1 „Drucker“ ist eingegangen" in out
    assert "Status: Neu" in out
    # `--language de` is the help desk's language, dates included.
    assert re.search(r"Lösung bis \d\d\.\d\d\.\d{4} \d\d:\d\d", out), out


def test_the_shell_answers_each_person_in_the_locale_it_is_given(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "as @bob\n/ticket hilfe\n", "--locale", "de-DE")
    assert "FlashTicket-Hilfe" in out
    assert "┌ form" not in out
    out = run_shell(tmp_path, "as @bob\n/ticket help\n", "--language", "de", "--locale", "en-GB")
    assert "FlashTicket help" in out


def test_unknown_console_commands_and_bad_numbers_are_explained(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "frobnicate\nclick 99\nclick #1 take\nreply 5 hello\n/other\n")
    assert "Unknown console command `frobnicate`" in out
    assert out.count("Which one?") == 2
    assert "Usage: `reply N [--file PATH] text`" in out
    assert "There is no /other here" in out


# -- the console's workspace and the bot's Web API calls ------------------------------


def api_methods_of(client_method: str) -> set[str]:
    """The Web API methods a WebClient method calls, read from slack_sdk's own source."""
    source = inspect.getsource(getattr(WebClient, client_method))
    methods = set(re.findall(r'api_call\(\s*"([\w.]+)"', source))
    for inner in set(re.findall(r"self\.([a-z]\w+)\(", source)) - {client_method, "api_call"}:
        if callable(getattr(WebClient, inner, None)):
            methods |= api_methods_of(inner)
    return methods


def web_api_methods_the_bot_calls() -> set[str]:
    """Every `client.<method>(...)`, `x.client.<method>(...)` and `client.api_call("…")`
    under bot/, but the console."""
    methods: set[str] = set()
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if "console" in path.relative_to(ROOT / "bot").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            name = receiver.attr if isinstance(receiver, ast.Attribute) else None
            name = receiver.id if isinstance(receiver, ast.Name) else name
            if name != "client":
                continue
            if node.func.attr == "api_call" and node.args:
                literal = node.args[0]
                assert isinstance(literal, ast.Constant), f"{path}: api_call with a computed name"
                methods.add(str(literal.value))
            elif callable(getattr(WebClient, node.func.attr, None)):
                methods |= api_methods_of(node.func.attr)
    return methods


@pytest.fixture
def console(tmp_path: Path, sqlite_database_url: str) -> Iterator[tuple[Shell, io.StringIO]]:
    """The console in this process, so a test can read its workspace."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=sqlite_database_url,
        flashticket_admins=user_id_for("admin"),
        flashticket_support_channel=SUPPORT_CHANNEL,
    )
    core = bootstrap(settings)
    out = io.StringIO()
    try:
        with Shell(core, out, admins=["admin"], files_dir=tmp_path / "files") as shell:
            yield shell, out
    finally:
        core.close()


def test_the_scan_finds_the_bots_web_api_calls() -> None:
    found = web_api_methods_the_bot_calls()
    # files_upload_v2 is two Web API methods (and a POST to the upload URL between them).
    expected = {
        "chat.postMessage",
        "views.open",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    }
    assert expected <= found, found
    assert all(re.fullmatch(r"[a-z]+(\.[a-zA-Z]+)+", method) for method in found), found


# One call per Web API method, as the bot makes it; a method the bot starts to call
# needs a line here, and the console's workspace must answer it.
EXAMPLE_CALLS: dict[str, Callable[[Shell], Any]] = {
    "auth.test": lambda shell: shell.client.auth_test(),
    "chat.postMessage": lambda shell: shell.client.chat_postMessage(
        channel=SUPPORT_CHANNEL, text="card", blocks=[{"type": "divider"}]
    ),
    "chat.update": lambda shell: shell.client.chat_update(
        channel=SUPPORT_CHANNEL,
        ts=shell.client.chat_postMessage(channel=SUPPORT_CHANNEL, text="v1")["ts"],
        text="v2",
    ),
    "chat.delete": lambda shell: shell.client.chat_delete(
        channel=SUPPORT_CHANNEL,
        ts=shell.client.chat_postMessage(channel=SUPPORT_CHANNEL, text="part 2")["ts"],
    ),
    "chat.postEphemeral": lambda shell: shell.client.chat_postEphemeral(
        channel=SUPPORT_CHANNEL, user=user_id_for("alice"), text="only you"
    ),
    "conversations.open": lambda shell: shell.client.conversations_open(users=user_id_for("alice")),
    "conversations.info": lambda shell: shell.client.conversations_info(channel=SUPPORT_CHANNEL),
    "conversations.history": lambda shell: shell.client.conversations_history(
        channel=SUPPORT_CHANNEL, limit=1
    ),
    "conversations.replies": lambda shell: shell.client.conversations_replies(
        channel=SUPPORT_CHANNEL,
        ts=shell.client.chat_postMessage(channel=SUPPORT_CHANNEL, text="root")["ts"],
    ),
    "views.open": lambda shell: shell.client.views_open(
        trigger_id=shell.workspace.issue_trigger_id(user_id_for("alice")),
        view={"type": "modal", "title": {"type": "plain_text", "text": "Form"}, "blocks": []},
    ),
    "views.publish": lambda shell: shell.client.views_publish(
        user_id=user_id_for("alice"), view={"type": "home", "blocks": [{"type": "divider"}]}
    ),
    "files.getUploadURLExternal": lambda shell: shell.client.files_upload_v2(
        channel="D" + user_id_for("alice")[1:], content=b"a,b\n", filename="x.csv"
    ),
}
EXAMPLE_CALLS["users.info"] = lambda shell: shell.client.users_info(
    user=user_id_for("alice"), include_locale=True
)
EXAMPLE_CALLS["files.info"] = lambda shell: shell.client.files_info(
    file=shell.workspace.host_file(user_id_for("alice"), "a.txt", b"a")["id"]
)
EXAMPLE_CALLS["files.completeUploadExternal"] = EXAMPLE_CALLS["files.getUploadURLExternal"]
EXAMPLE_CALLS["views.update"] = lambda shell: shell.client.views_update(
    view_id=EXAMPLE_CALLS["views.open"](shell)["view"]["id"],
    view={"type": "modal", "title": {"type": "plain_text", "text": "Form 2"}, "blocks": []},
)
EXAMPLE_CALLS["usergroups.list"] = lambda shell: shell.client.usergroups_list(
    include_disabled=True, include_count=True
)


def _usergroup_members(shell: Shell) -> Any:
    """A team's user group, read into its members as the periodic job reads it."""
    shell.workspace.set_usergroup("S0ITSUPPORT", handle="it-support", users=[user_id_for("bob")])
    return shell.client.usergroups_users_list(usergroup="S0ITSUPPORT", include_disabled=False)


EXAMPLE_CALLS["usergroups.users.list"] = _usergroup_members


def _socket_mode_url(shell: Shell) -> Any:
    """`serve` in Socket Mode checks the app-level token first; a workspace with one."""
    shell.workspace.app_token = "xapp-console-example"
    return shell.client.apps_connections_open(app_token="xapp-console-example")


EXAMPLE_CALLS["apps.connections.open"] = _socket_mode_url


def test_the_console_answers_every_web_api_method_the_bot_calls(
    console: tuple[Shell, io.StringIO],
) -> None:
    shell, _ = console
    called = web_api_methods_the_bot_calls()
    assert called <= set(EXAMPLE_CALLS), called - set(EXAMPLE_CALLS)
    assert called <= set(Workspace.methods())
    for method in sorted(called):
        assert EXAMPLE_CALLS[method](shell)["ok"], method
        calls = shell.workspace.calls(method)
        assert calls, method
        assert calls[-1].ok, (method, calls[-1].response)


def test_the_bot_in_the_console_calls_slack_only_in_ways_slack_accepts(
    console: tuple[Shell, io.StringIO], tmp_path: Path
) -> None:
    shell, out = console
    log = tmp_path / "printer.log"
    log.write_bytes(b"E42\n")
    script = [
        "as @alice",
        "/ticket Printer on fire",
        "",
        "Smoke comes out of the back",
        "1",
        "",  # nobody else to keep informed
        "click #1 take",  # refused: alice is no support
        "as @admin",
        "click #1 take",  # take it: the card is updated
        "/ticket stats",
        "/ticket-admin export",
        "home",
        "as @alice",
        "reply 1 " + "a long log line\n" * 300,
        "edit 1 never mind, it was unplugged",
        "unsend 1",
        f"reply 1 --file {log} the log",
        "as @bob",
        "post My screen stays black\nSince the update",
        "post Wifi is down",
        "shortcut 1",
        "",
        "",
        "1",
        "",
        "react 2",
        "as @carol",
        "react 2",  # the same message: carol alone is told which ticket it is
    ]
    shell.run(iter(script), interactive=False)
    shell.settle()
    text = out.getvalue()
    assert "You are not allowed to assign tickets." in text
    assert "withdrew this reply" in text
    assert "saved tickets-by-status-per-month.png → " in text
    threads = [
        str(c.args["text"])
        for c in shell.workspace.calls("chat.postMessage")
        if c.args["channel"] == "CGENERAL" and c.args.get("thread_ts")
    ]
    assert [t.split(" ")[:2] for t in threads] == [["Ticket", "*#2*"], ["Ticket", "*#3*"]]
    told = [(c.args["user"], c.args["text"]) for c in shell.workspace.calls("chat.postEphemeral")]
    assert told == [(shell.workspace.user_id("carol"), "This message is already ticket *#3*.")]

    calls = shell.workspace.calls()
    refused = [(c.method, c.response) for c in calls if not c.ok]
    assert refused == []
    # Everything the bot calls reached the workspace (the console starts with serve's
    # checks), but conversations.replies: the console's people post no replies in
    # threads to react to; apps.connections.open: the console's bot takes requests
    # over HTTP, not Socket Mode; usergroups.list: only `flashticket doctor` reads
    # the user groups of a desk file's teams; usergroups.users.list: a console without a
    # desk file has no team with a user group to read; and views.update: only a desk
    # file's request types change the new-ticket form in place.
    answered = {c.method for c in calls}
    unused = {
        "conversations.replies",
        "apps.connections.open",
        "usergroups.list",
        "usergroups.users.list",
        "views.update",
    }
    assert web_api_methods_the_bot_calls() - unused <= answered
    assert [c.args["channel"] for c in shell.workspace.calls("conversations.info")] == [
        SUPPORT_CHANNEL
    ]
    assert {"upload", "response_url"} <= answered
    assert shell.files_dir is not None
    saved = sorted(p.name for p in shell.files_dir.iterdir())
    assert saved[0] == "open-tickets-by-priority.png"
    # The reporter's file, relayed to the support thread.
    assert saved[1] == "printer.log"
    assert (shell.files_dir / "printer.log").read_bytes() == b"E42\n"
    assert re.fullmatch(r"tickets-\d{8}-\d{6}\.csv", saved[2])
    assert saved[3:] == ["tickets-by-status-per-month.png"]
    assert {"download", "files.info"} <= answered


def test_what_a_person_types_reaches_the_bot_encoded_as_slack_sends_it(
    console: tuple[Shell, io.StringIO],
) -> None:
    """Typed markup is the person's text: Slack sends it as entities, so the ticket keeps
    it as written and nothing the bot posts makes it live."""
    shell, _ = console
    title = "<!channel> VPN & mail <https://evil.example|login>"
    shell.run(iter(["as @alice", f"/ticket {title}", "", "", "1", ""]), interactive=False)
    shell.settle()
    command = next(c for c in shell.workspace.calls("views.open"))
    field = command.args["view"]["blocks"][0]["element"]["initial_value"]
    assert field == title
    card = next(
        c for c in shell.workspace.calls("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL
    )
    # Plain-text objects (the header) are not parsed by Slack; mrkdwn and `text` are.
    parsed = [card.args["text"], *mrkdwn_texts(card.args["blocks"])]
    assert len(parsed) > 1
    assert not any("<!channel>" in text or "<https" in text for text in parsed)
    assert card.args["text"] == (
        "Ticket #1: &lt;!channel&gt; VPN &amp; mail &lt;https://evil.example|login&gt; (New)"
    )


def mrkdwn_texts(value: Any) -> list[str]:
    """Every mrkdwn text object's text anywhere in blocks."""
    if isinstance(value, list):
        return [text for item in value for text in mrkdwn_texts(item)]
    if not isinstance(value, dict):
        return []
    own = [value["text"]] if value.get("type") == "mrkdwn" else []
    return own + [text for item in value.values() for text in mrkdwn_texts(item)]


# -- the console's clock --------------------------------------------------------------


def test_moving_the_console_clock_runs_the_morning_digest_once(
    tmp_path: Path, sqlite_database_url: str
) -> None:
    # Wednesday 2 December 2026, 07:00 in Berlin: the digest is due at 09:00.
    clock = ConsoleClock(real=lambda: datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=sqlite_database_url,
        flashticket_admins=user_id_for("admin"),
        flashticket_support_channel=SUPPORT_CHANNEL,
        flashticket_timezone="Europe/Berlin",
        flashticket_digest_time="09:00",
    )
    core = bootstrap(settings, clock=clock)
    out = io.StringIO()
    swept: list[datetime] = []
    try:
        with Shell(core, out, admins=["admin"], clock=clock) as shell:
            shell.ticks.append(lambda: swept.append(clock()))
            script = [
                "/ticket Printer <!here> jams",
                "",
                "",
                "1",
                "",
                "",
                "clock +1h",
                "clock +90m",
            ]
            shell.run(iter([*script, "clock +30m", "clock", "clock soon"]), interactive=False)
            shell.settle()
            digests = [
                m for m in shell.workspace.messages_in(SUPPORT_CHANNEL) if "digest" in m.text
            ]
            escalations = [
                m for m in shell.workspace.messages_in(SUPPORT_CHANNEL) if "missed its" in m.text
            ]
    finally:
        core.close()
    text = out.getvalue()
    assert "It is now Wed 2026-12-02 08:00 (Europe/Berlin)." in text
    assert "It is now Wed 2026-12-02 09:30 (Europe/Berlin)." in text
    assert "Usage: clock +2h" in text
    assert len(digests) == 1
    assert "Open: *1*" in digests[0].text
    assert "&lt;!here&gt;" in digests[0].text
    assert len(swept) == 3  # the tick registry ran after each move, not on `clock` alone
    # The timers' sweep is among the ticks: the ticket's first-response target (from
    # 08:00, the hours' start) was missed by 09:30, and said once however often it ran.
    assert len(escalations) == 1
    assert "*#1*" in escalations[0].text


# -- the console as a newcomer meets it -------------------------------------------------


def test_slack_credentials_in_the_settings_are_not_the_consoles(tmp_path: Path) -> None:
    """After `cp .env.example .env` the console still answers: its requests come from
    the console, not from Slack, and its workspace has no other channels."""
    (tmp_path / ".env").write_text(
        "SLACK_SIGNING_SECRET=0123456789abcdef0123456789abcdef\n"
        "SLACK_BOT_TOKEN=xoxb-0000-fake\n"
        "FLASHTICKET_ESCALATION_CHANNEL=CNOWHERE\n",
        encoding="utf-8",
    )
    out = run_shell(tmp_path, "/ticket Printer on fire\n\n\n\n\n\n", SLACK_APP_TOKEN="xapp-1-fake")
    assert "== #1 Printer on fire ==" in out
    assert "Your ticket #1" in out


def test_a_request_the_bot_refuses_is_shown(console: tuple[Shell, io.StringIO]) -> None:
    shell, out = console
    action = {"action_id": "no.such.button", "block_id": "b", "type": "button", "value": "x"}
    payload = {
        "type": "block_actions",
        "user": {"id": shell.user, "username": "admin"},
        "team": {"id": shell.workspace.team.id},
        "actions": [action],
    }
    assert shell.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM) is None
    assert "(Slack's request was refused by the bot: HTTP 404" in out.getvalue()


def test_threads_show_under_their_card_and_name_their_ticket(tmp_path: Path) -> None:
    script = (
        "as @alice\n/ticket Printer\n\n\n\n\n"
        "as @bob\n/ticket Mouse\n\n\n\n\n"
        "as @bob\nreply 2 It squeaks\n"
        "as @alice\nreply 1 Still jammed\n"
        "channel\n"
    )
    out = run_shell(tmp_path, script)
    # Live, each reply says whose thread it is in.
    assert "[#support] ↳ #2\n  @bob (reporter) wrote:\n  > It squeaks" in out
    shown = out[out.index("@alice> channel") :]
    # In the channel, each card is followed by its own thread, whatever came when.
    assert shown.index("== #1 Printer ==") < shown.index("Still jammed")
    assert shown.index("Still jammed") < shown.index("== #2 Mouse ==")
    assert shown.index("== #2 Mouse ==") < shown.index("It squeaks")
    assert "  [#support] ↳ #1\n    @alice (reporter) wrote:\n    > Still jammed" in shown


def test_button_handles_name_the_ticket_and_always_mean_the_newest_card(tmp_path: Path) -> None:
    script = (
        "/ticket Printer\n\n\n\n\n\n"
        "click #1 status in_progress\n"  # the card is drawn again
        "click #1 status waiting\n"  # the same handle, on the newest card
        "click 1 priority 1\n"  # the `#` may be left out; the first option
        "click #1 status\n"  # a list needs its option
        "as @alice\n/ticket Mouse\n\n\n\n\n"
        "as @admin\nclick #2 take\nclick #2 take\n"  # taken: no Take button any more
    )
    out = run_shell(tmp_path, script)
    assert "@admin changed the status of #1: New → In progress" in out
    assert "@admin changed the status of #1: In progress → Waiting for reply" in out
    assert "Priority: High" in out
    assert "[#1 status K] is a list: `click #1 status K` with K from its options." in out
    assert "[#2 take] Take it" in out
    assert out.count("Which one?") == 1


def test_a_dm_to_the_bot_outside_a_thread_is_offered_as_a_ticket(tmp_path: Path) -> None:
    script = "as @alice\ndm I need a second monitor\nclick dm new_ticket\n\n\n\n\n"
    out = run_shell(tmp_path, script)
    assert "(you wrote to the bot) I need a second monitor" in out
    assert "[dm new_ticket] Open a ticket" in out
    assert "│ Title [I need a second monitor]:" in out
    assert "== #1 I need a second monitor ==" in out


def test_the_workspace_comes_back_on_the_next_start_and_fresh_forgets_it(
    tmp_path: Path,
) -> None:
    first = run_shell(tmp_path, "as @alice\n/ticket Printer\n\n\n\n\nclock +3d\n")
    moved = re.search(r"It is now \w+ ([\d-]+ [\d:]+)", first)
    assert moved, first
    again = run_shell(tmp_path, "channel\nclock\nas @admin\nclick #1 take\n")
    assert "the workspace of your last session is back" in again
    assert "You are @alice." in again  # who was acting last
    assert "== #1 Printer ==" in again[again.index("> channel") :]
    assert "Reporter: @alice" in again  # the person's name, not their user ID
    assert "@admin changed the status of #1: New → In progress" in again
    now = re.search(r"It is now \w+ ([\d-]+ [\d:]+)", again)
    assert now
    assert now.group(1) >= moved.group(1)
    fresh = run_shell(tmp_path, "channel\n/ticket list\n", "--fresh")
    assert "[#support]: nothing yet" in fresh
    assert "== #1" not in fresh


def test_the_console_speaks_german_itself(tmp_path: Path) -> None:
    script = "as @bob\nfrobnicate\n/ticket Drucker\n\n\n\n\nreply 1\nclock\n"
    out = run_shell(tmp_path, script, "--language", "de")
    assert "FlashTicket-Konsole. Sie sind @admin." in out
    assert "Sie sind jetzt @bob." in out
    assert "Unbekannter Konsolenbefehl `frobnicate`" in out
    assert "┌ Formular: Neues Ticket" in out
    assert "So geht es: `reply N [--file PFAD] Text`" in out
    assert re.search(r"Es ist jetzt \d\d\.\d\d\.\d{4} \d\d:\d\d", out)


def test_a_file_path_with_spaces_can_be_attached(tmp_path: Path) -> None:
    (tmp_path / "my logs").mkdir()
    (tmp_path / "my logs" / "error log.txt").write_bytes(b"E42\n")
    script = '/ticket Printer\n\n\n\n\n\nreply 1 --file "my logs/error log.txt" the log\n'
    out = run_shell(tmp_path, script)
    assert "(you wrote in the thread of #1) the log [error log.txt]" in out
    assert (tmp_path / "data" / "shell-files" / "error log.txt").read_bytes() == b"E42\n"


def test_the_rating_runs_from_one_star_to_five_and_home_shows_when_asked(
    tmp_path: Path,
) -> None:
    script = (
        "as @alice\n/ticket Printer\n\n\n\n\nas @admin\nclick #1 status resolved\n"
        "as @alice\nclick #1 rate 5\nhome\n"
    )
    out = run_shell(tmp_path, script)
    assert "(1) ★☆☆☆☆  (2) ★★☆☆☆  (3) ★★★☆☆  (4) ★★★★☆  (5) ★★★★★" in out
    assert "@alice rated the support 5/5." in out
    # Every change republishes the App Home; it is shown once, when opened.
    assert out.count("[App Home]") == 1
    assert out.index("[App Home]") > out.index("@alice> home")


class Keys:
    """Lines as a person types them, `^C` for Ctrl-C."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __iter__(self) -> Keys:
        return self

    def __next__(self) -> str:
        if not self.lines:
            raise StopIteration
        line = self.lines.pop(0)
        if line == "^C":
            raise KeyboardInterrupt
        return line


def test_ctrl_c_closes_a_form_and_a_second_one_leaves(console: tuple[Shell, io.StringIO]) -> None:
    shell, out = console
    keys = Keys(["/ticket Printer", "^C", "/ticket list", "^C", "^C", "/ticket Never"])
    shell.run(keys, interactive=False)
    text = out.getvalue()
    assert "└ form closed" in text
    assert "(cancelled; Ctrl-C again or `quit` leaves)" in text
    assert "== #1" not in text
    assert "Your ticket" not in text
    assert "Never" not in text  # the second Ctrl-C left the console
    assert keys.lines == ["/ticket Never"]


def test_the_demo_plays_the_whole_story(tmp_path: Path) -> None:
    script = (ROOT / "demo.txt").read_text(encoding="utf-8")
    out = run_shell(tmp_path, script, "--fresh")
    for trouble in ("Which one?", "Unknown console command", "Usage:", "Pick one of", "HTTP 4"):
        assert trouble not in out
    for ticket in (1, 2, 3):
        assert f"[#{ticket} take] Take it" in out
    assert "[#support] ↳ #1" in out
    assert "[DM @alice] ↳ #1" in out
    assert "[dm new_ticket]" in out
    assert "saved tickets-" in out


def test_at_a_terminal_lines_can_be_edited_and_typed_again(tmp_path: Path) -> None:
    """At a real terminal (a pseudo-terminal here) the arrow keys move through what was
    typed before instead of printing `^[[A`, and Ctrl-C twice leaves without a trace."""
    import os
    import pty
    import select
    import signal

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "shell"],
        cwd=tmp_path,
        env=clean_environment(TERM="dumb"),
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    seen = b""
    ended = threading.Event()  # the console closed the terminal: it is leaving

    def read_until(wanted: bytes, count: int = 1, *, within: float = 180) -> bool:
        nonlocal seen
        deadline = time.monotonic() + within  # a busy machine starts the console slowly
        while seen.count(wanted) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:  # the console ended
                    ended.set()
                    break
        return seen.count(wanted) >= count

    def ctrl_c_until(wanted: bytes, count: int = 1) -> None:
        """Ctrl-C, as the terminal sends it to the program in front. Python's readline
        notices a signal only when it interrupts its wait for a key, so one that comes
        between the prompt and that wait waits for the next one (as a person presses
        Ctrl-C again); signals not yet handled count once."""
        for _ in range(20):
            process.send_signal(signal.SIGINT)
            if read_until(wanted, count, within=10) or ended.is_set():
                return
        raise AssertionError(seen.decode(errors="replace"))

    try:
        assert read_until(b"@admin> "), seen
        os.write(leader, b"as @alice\r")
        assert read_until(b"@alice> "), seen
        os.write(leader, b"as @bob\r")
        assert read_until(b"@bob> "), seen
        os.write(leader, b"\x1b[A\x1b[A\r")  # up twice: `as @alice` again
        assert read_until(b"You are now @alice.", 2), seen
        assert read_until(b"@alice> ", 2), seen
        ctrl_c_until(b"(cancelled; Ctrl-C again or `quit` leaves)")
        assert read_until(b"@alice> ", 3), seen
        ctrl_c_until(b"\x00never printed")  # the second Ctrl-C leaves
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert b"^[[A" not in seen
    assert process.stderr is not None
    assert b"Traceback" not in process.stderr.read()
    history = (tmp_path / "data" / "shell.history").read_text(encoding="utf-8")
    assert history.split() == ["as", "@alice", "as", "@bob", "as", "@alice"]
