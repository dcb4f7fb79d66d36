"""`flashticket shell`: try FlashTicket without Slack.

The same Bolt app, listeners and core as `flashticket serve`, against the strict Slack
workspace of `bot.console.workspace` (the one the tests run against), served on
127.0.0.1 so the real slack_sdk client talks HTTP to it. Requests reach the app through
`App.dispatch` exactly as Slack's would; everything the bot sends is printed as text,
and files it shares are saved to a folder.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from concurrent.futures import wait as wait_for_futures
from pathlib import Path
from typing import Any, ParamSpec, TextIO, TypeVar
from urllib.parse import urlencode

from slack_bolt import App, BoltContext, BoltRequest
from slack_sdk import WebClient

from bot import blocks, mrkdwn
from bot.app import create_app
from bot.console.loopback import LoopbackServer
from bot.console.render import Renderer
from bot.console.workspace import FeedItem, Message, Workspace, dm_channel
from bot.serve import check_support_channel, check_token
from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.service_layer.delivery import DeliveryWorker

MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9._-]+)")
CONSOLE_TOKEN = "xoxb-console"
SUPPORT_CHANNEL = "CSUPPORT"
COMMAND_CHANNEL = "CGENERAL"  # where people type their slash commands
# Charts and exports are made after Slack has its answer; the console waits for them.
BACKGROUND_TIMEOUT = 120.0

P = ParamSpec("P")
T = TypeVar("T")

HELP = """\
Commands (you are one person at a time; everything the bot says is printed):
  as @name                 act as that person (admins: {admins})
  /ticket ...              the slash command, e.g. /ticket Printer on fire, /ticket list
  /ticket-admin ...        e.g. /ticket-admin grant @sam support
  click N                  press the button numbered [N]
  choose N K               in the select [N], choose option (K)
  reply N text             answer in the DM thread of ticket #N (as its reporter)
  channel                  show the support channel
  dm                       show your direct messages with the bot
  home                     open your App Home (support: queue and key figures)
  help                     this help;  quit  leave
In a form, type each field's value when asked (Enter keeps the [default], - empties
an optional field, a number or its name picks an option); `cancel` closes the form.
Files the bot shares (charts, exports) are saved to {files}."""


class BackgroundWork(Executor):
    """The app's background executor, keeping hold of what it was given, so the console
    can wait for the work a command started (charts, an export) before printing."""

    def __init__(self) -> None:
        self._inner: Executor | None = None
        self._pending: list[Future[Any]] = []
        self._lock = threading.Lock()

    def around(self, inner: Executor) -> BackgroundWork:
        self._inner = inner
        return self

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        assert self._inner is not None, "no executor to run background work on"
        future = self._inner.submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.append(future)
        return future

    def wait(self, timeout: float) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        _, unfinished = wait_for_futures(pending, timeout=timeout)
        with self._lock:
            self._pending.extend(unfinished)


class Shell:
    def __init__(
        self,
        core: Core,
        out: TextIO,
        *,
        admins: Iterable[str],
        files_dir: Path | None = None,
    ) -> None:
        self.core = core
        self.out = out
        self.files_dir = files_dir
        self.support_channel = core.settings.flashticket_support_channel or SUPPORT_CHANNEL
        self.workspace = Workspace(CONSOLE_TOKEN, files_dir=files_dir)
        self.workspace.set_channel(self.support_channel, name="support")
        self.admin_names = sorted(admins)
        for name in self.admin_names:
            self.workspace.user_id(name)
        _reach_loopback_without_proxy()
        self.server = LoopbackServer(self.workspace).start()
        try:
            self.client = WebClient(token=CONSOLE_TOKEN, base_url=self.server.base_url)
            # The start-up checks of `flashticket serve`, against the emulated workspace
            # (whose support channel is set up as it should be: private, the bot in it).
            check_token(self.client)
            check_support_channel(self.client, self.support_channel, allow_public=False)
        except BaseException:
            self.server.stop()
            raise
        self.app: App = create_app(core, self.client, verify_token=False)
        self.background = BackgroundWork()

        @self.app.middleware
        def keep_hold_of_background_work(context: BoltContext, next: Callable[[], Any]) -> Any:
            context["background"] = self.background.around(context["background"])
            return next()

        lang = core.settings.flashticket_language
        transport = SlackTransport(
            self.client,
            support_channel=self.support_channel,
            lang=lang,
            home_view=lambda user: blocks.home(lang, core.desk.queries.home(user)),
        )
        self.worker: DeliveryWorker = core.delivery_worker(transport)
        self.renderer = Renderer(self.workspace.name_of)
        self.user = self.workspace.user_id(self.admin_names[0] if self.admin_names else "alice")
        self._printed = 0

    def close(self) -> None:
        """Let started work finish, then stop serving the workspace."""
        self.background.wait(BACKGROUND_TIMEOUT)
        self.server.stop()

    def __enter__(self) -> Shell:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the loop ------------------------------------------------------------------

    def run(self, lines: Iterator[str], *, interactive: bool) -> None:
        self.say(f"FlashTicket shell. You are @{self.workspace.name_of(self.user)}. Type `help`.")
        self._lines = lines
        self._interactive = interactive
        while True:
            line = self._read(f"@{self.workspace.name_of(self.user)}> ")
            if line is None or line.strip() in ("quit", "exit"):
                return
            self.handle(line.strip())

    def _read(self, prompt: str) -> str | None:
        if self._interactive:
            self.out.write(prompt)
            self.out.flush()
        line = next(self._lines, None)
        if line is None:
            return None
        line = line.rstrip("\n")
        if not self._interactive:
            self.out.write(f"{prompt}{line}\n")
        return line

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    def handle(self, line: str) -> None:
        if not line or line.startswith("#"):
            return
        word, _, rest = line.partition(" ")
        if word.startswith("/"):
            self.command(word, rest)
        elif word == "as":
            self.user = self.workspace.user_id(rest.strip() or "alice")
            self.say(f"You are now @{self.workspace.name_of(self.user)}.")
        elif word == "click":
            self.click(rest)
        elif word == "choose":
            self.click(rest, choose=True)
        elif word == "reply":
            self.reply(rest)
        elif word == "channel":
            self.show_channel(self.support_channel)
        elif word == "dm":
            self.show_channel(dm_channel(self.user))
        elif word == "home":
            self.open_home()
        elif word == "help":
            admins = ", ".join("@" + a for a in self.admin_names) or "none"
            files = str(self.files_dir) if self.files_dir else "nowhere (no folder)"
            self.say(HELP.format(admins=admins, files=files))
        else:
            self.say(f"Unknown console command `{word}`; type `help`.")
        self.settle()

    # -- what a person does -------------------------------------------------------------

    def command(self, command: str, text: str) -> None:
        if command not in ("/ticket", "/ticket-admin"):
            self.say(f"There is no {command} here; try /ticket or /ticket-admin.")
            return
        form = {
            "command": command,
            "text": self._as_slack_sends(text),
            "user_id": self.user,
            "user_name": self.workspace.name_of(self.user),
            "channel_id": COMMAND_CHANNEL,
            "team_id": self.workspace.team.id,
            "trigger_id": self.workspace.issue_trigger_id(self.user),
            "response_url": self.workspace.issue_response_url(self.user, COMMAND_CHANNEL),
        }
        answer = self._dispatch(urlencode(form), "application/x-www-form-urlencoded")
        self._answer(answer, COMMAND_CHANNEL)
        self._fill_open_modal()

    def click(self, rest: str, *, choose: bool = False) -> None:
        try:
            numbers = [int(part) for part in rest.split()]
            clickable = self.renderer.clickables[numbers[0]]
        except (ValueError, IndexError, KeyError):
            self.say("Which one? e.g. `click 3` or `choose 4 2`.")
            return
        element = clickable.element
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": clickable.block_id,
            "type": element.get("type"),
            "action_ts": f"{time.time():.6f}",
        }
        if "options" in element:
            if not choose or len(numbers) < 2 or not 1 <= numbers[1] <= len(element["options"]):
                self.say(
                    f"[{numbers[0]}] is a list: `choose {numbers[0]} K` with K from its options."
                )
                return
            action["selected_option"] = element["options"][numbers[1] - 1]
        else:
            action["value"] = element.get("value")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": self.user, "username": self.workspace.name_of(self.user)},
            "team": {"id": self.workspace.team.id},
            "trigger_id": self.workspace.issue_trigger_id(self.user),
            "actions": [action],
        }
        if clickable.view_id is not None:
            # A button on an App Home: Slack sends the view, and no channel or response_url.
            payload["container"] = {"type": "view", "view_id": clickable.view_id}
            payload["view"] = {"id": clickable.view_id, "type": "home"}
        else:
            payload["container"] = {
                "type": "message",
                "channel_id": clickable.channel,
                "message_ts": clickable.message_ts,
                "is_ephemeral": clickable.message_ts is None,
            }
            payload["channel"] = {"id": clickable.channel}
            payload["response_url"] = self.workspace.issue_response_url(
                self.user, clickable.channel
            )
        answer = self._dispatch(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        self._answer(answer, clickable.channel)
        self._fill_open_modal()

    def reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        root = self._thread_root(int(number.lstrip("#"))) if number.lstrip("#").isdigit() else None
        if root is None or not text.strip():
            self.say("Usage: `reply N text`, as the reporter of ticket #N.")
            return
        event = {
            "type": "message",
            "channel": root.channel,
            "channel_type": "im",
            "user": self.user,
            "text": self._as_slack_sends(text),
            "ts": f"{time.time():.6f}",
            "thread_ts": root.ts,
        }
        self._dispatch(json.dumps(self._envelope(event)), "application/json")
        self.say(f"(you wrote in the thread of #{number.lstrip('#')}) {text}")

    def open_home(self) -> None:
        event = {"type": "app_home_opened", "user": self.user, "tab": "home"}
        self._dispatch(json.dumps(self._envelope(event)), "application/json")

    def _envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "event_callback",
            "team_id": self.workspace.team.id,
            "event": event,
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
        }

    def _thread_root(self, ticket_id: int) -> Message | None:
        """The DM that started the ticket's thread for its reporter."""
        for message in self.workspace.messages_in(dm_channel(self.user)):
            if message.thread_ts is None and f"*#{ticket_id}*" in message.text:
                return message
        return None

    # -- forms -------------------------------------------------------------------------

    def _fill_open_modal(self) -> None:
        view = self.workspace.take_modal(self.user)
        if view is None:
            return
        self.say(f"┌ form: {view['title']['text']}")
        inputs = [block for block in view["blocks"] if block.get("type") == "input"]
        values: dict[str, dict[str, Any]] = {}
        pending = inputs
        while pending:
            for block in pending:
                value = self._ask(block)
                if value is None:
                    self.say("└ form closed")
                    return
                values[block["block_id"]] = value
            state = {
                b["block_id"]: {b["element"].get("action_id", "value"): values[b["block_id"]]}
                for b in inputs
            }
            payload = {
                "type": "view_submission",
                "user": {"id": self.user, "username": self.workspace.name_of(self.user)},
                "team": {"id": self.workspace.team.id},
                "view": dict(view, state={"values": state}),
            }
            answer = self._dispatch(
                urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
            )
            errors = _errors_of(answer)
            if not errors:
                self.say(f"└ {view['submit']['text']}")
                return
            for message in errors.values():
                self.say(f"│ ! {message}")
            pending = [block for block in inputs if block["block_id"] in errors]

    def _ask(self, block: dict[str, Any]) -> dict[str, Any] | None:
        """One field's value as Slack's form would take it; None if the form is closed."""
        if "options" in block["element"]:
            return self._ask_choice(block)
        element, label = block["element"], block["label"]["text"]
        optional = bool(block.get("optional"))
        default_text = element.get("initial_value") or ""
        longest, shortest = element.get("max_length"), element.get("min_length")
        while True:
            line = self._read(f"│ {label}{' (optional)' if optional else ''} [{default_text}]: ")
            if line is None or line.strip() == "cancel":
                return None
            text = default_text if line == "" else ("" if line.strip() == "-" else line)
            # Slack's form itself refuses these before the bot sees anything.
            if not text and not optional:
                self.say("│ ! This field is required.")
            elif longest and len(text) > longest:
                self.say(f"│ ! At most {longest} characters here (you typed {len(text)}).")
            elif text and shortest and len(text) < shortest:
                self.say(f"│ ! At least {shortest} characters here.")
            else:
                return {"type": element["type"], "value": text or None}

    def _ask_choice(self, block: dict[str, Any]) -> dict[str, Any] | None:
        element, label = block["element"], block["label"]["text"]
        optional = bool(block.get("optional"))
        options = element["options"]
        default = (
            options.index(element["initial_option"]) + 1
            if element.get("initial_option") in options
            else None
        )
        choices = "  ".join(f"({i}) {o['text']['text']}" for i, o in enumerate(options, start=1))
        self.say(f"│ {label}: {choices}")
        while True:
            line = self._read(f"│ {label}{' (optional)' if optional else ''} [{default or ''}]: ")
            if line is None or line.strip() == "cancel":
                return None
            answer = line.strip()
            if not answer and default is None and optional:
                return {"type": element["type"], "selected_option": None}
            picked = _pick(answer, options) if answer else default
            if picked is not None:
                return {"type": element["type"], "selected_option": options[picked - 1]}
            self.say(f"│ ! Pick one of {choices} (a number or its name), or cancel.")

    # -- plumbing ------------------------------------------------------------------------

    def _dispatch(self, body: str, content_type: str) -> Any:
        response = self.app.dispatch(
            BoltRequest(body=body, headers={"content-type": [content_type]})
        )
        if not response.body:
            return None
        try:
            return json.loads(response.body)
        except ValueError:
            return response.body

    def _answer(self, answer: Any, channel: str) -> None:
        """The HTTP answer to a command or a click: ephemeral, where the person is."""
        if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
            lines = self.renderer.blocks(answer.get("blocks") or [], channel=channel) or (
                self.renderer.mrkdwn(answer.get("text", "")).splitlines()
            )
            self._print_box("(only you see this)", lines)
        elif isinstance(answer, str) and answer:
            self._print_box("(only you see this)", [self.renderer.mrkdwn(answer)])

    def settle(self) -> None:
        """Wait for what the last step started, deliver what it caused, print what is new."""
        self.background.wait(BACKGROUND_TIMEOUT)
        self.worker.drain()
        items = self.workspace.feed_since(self._printed)
        self._printed += len(items)
        for item in items:
            self._print_item(item)

    def _print_item(self, item: FeedItem) -> None:
        if item.kind == "modal":
            return
        if item.kind == "home":
            if item.user == self.user and item.view is not None:
                lines = self.renderer.blocks(item.view["blocks"], view_id=item.view["id"])
                self._print_box("[App Home]", lines)
            return
        message = item.message
        if message is None:
            return
        where = self._place(message.channel)
        if item.kind == "ephemeral":
            if item.user != self.user:
                return
            title = f"{where} (only you see this)".lstrip()
        elif item.kind == "update":
            title = f"{where} ✎ message edited"
        else:
            title = f"{where} ↳ in thread" if message.thread_ts else where
        self._print_box(title, self._message_lines(message))

    def _message_lines(self, message: Message) -> list[str]:
        lines = (
            self.renderer.blocks(message.blocks, channel=message.channel, message_ts=message.ts)
            or self.renderer.mrkdwn(message.text).splitlines()
        )
        for file in message.files:
            if file.saved_to is not None:
                lines.append(f"saved {file.name} → {file.saved_to}")
            elif file.not_saved is not None:
                lines.append(f"📎 {file.name} (not saved: {file.not_saved})")
            else:
                lines.append(f"📎 {file.name}")
        return lines

    def show_channel(self, channel: str) -> None:
        messages = self.workspace.messages_in(channel)
        for message in messages:
            thread = " ↳" if message.thread_ts else ""
            self._print_box(f"{self._place(channel)}{thread}", self._message_lines(message))
        if not messages:
            self.say(f"{self._place(channel)}: nothing yet")

    def _place(self, channel: str) -> str:
        if not channel:
            return ""
        if channel.startswith("D"):
            return f"[DM @{self.workspace.name_of('U' + channel[1:])}]"
        if channel == self.support_channel:
            return "[#support]"
        return f"[{channel}]"

    def _print_box(self, title: str, lines: list[str]) -> None:
        self.say(title)
        for line in lines:
            self.say("  " + line)

    def _as_slack_sends(self, text: str) -> str:
        """What a person types, encoded as Slack sends it in a message or a slash command
        (with `should_escape`): `&`, `<` and `>` as entities, `@alice` as `<@UALICE|alice>`."""

        def mention(match: re.Match[str]) -> str:
            return f"<@{self.workspace.user_id(match.group(1))}|{match.group(1).lower()}>"

        return MENTION.sub(mention, mrkdwn.escape(text))


def _pick(answer: str, options: list[dict[str, Any]]) -> int | None:
    """The option (1-based) a typed answer names, by number or by its text."""
    if answer.isdigit():
        number = int(answer)
        return number if 1 <= number <= len(options) else None
    for number, option in enumerate(options, start=1):
        if answer.casefold() == str(option["text"]["text"]).casefold():
            return number
    return None


def _reach_loopback_without_proxy() -> None:
    """slack_sdk (and Bolt's response_url posts) go through HTTP(S)_PROXY when it is set;
    the console's workspace is on this machine, so 127.0.0.1 bypasses any proxy."""
    if not any(
        os.environ.get(name) for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy")
    ):
        return
    for name in ("no_proxy", "NO_PROXY"):
        hosts = [host for host in os.environ.get(name, "").split(",") if host.strip()]
        if "127.0.0.1" not in hosts:
            os.environ[name] = ",".join([*hosts, "127.0.0.1"])


def _errors_of(answer: Any) -> dict[str, str]:
    if isinstance(answer, dict) and answer.get("response_action") == "errors":
        errors = answer.get("errors")
        if isinstance(errors, dict):
            return {str(k): str(v) for k, v in errors.items()}
    return {}
