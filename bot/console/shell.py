"""`flashticket shell`: try FlashTicket without Slack.

The same Bolt app, listeners and core as `flashticket serve`, against a workspace
emulated in memory. Requests reach the app through `App.dispatch` exactly as Slack's
would; every message the bot sends is printed as text.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest

from bot import blocks
from bot.app import create_app
from bot.console.emulator import SUPPORT_CHANNEL, FeedItem, Workspace, console_client
from bot.console.render import Renderer
from bot.transport import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.service_layer.delivery import DeliveryWorker

MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9._-]+)")

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
an optional field, a number picks an option); `cancel` closes the form."""


class Shell:
    def __init__(self, core: Core, out: TextIO, *, admins: Iterable[str]) -> None:
        self.core = core
        self.out = out
        self.workspace = Workspace()
        self.admin_names = sorted(admins)
        for name in self.admin_names:
            self.workspace.user_id(name)
        client = console_client(self.workspace)
        self.app: App = create_app(core, client, verify_token=False)
        lang = core.settings.flashticket_language
        transport = SlackTransport(
            client,
            support_channel=core.settings.flashticket_support_channel or SUPPORT_CHANNEL,
            lang=lang,
            home_view=lambda user: blocks.home(lang, core.service.home(user)),
        )
        self.worker: DeliveryWorker = core.delivery_worker(transport)
        self.renderer = Renderer(self.workspace.name_of)
        self.user = self.workspace.user_id(self.admin_names[0] if self.admin_names else "alice")
        self._printed = 0

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
            self.show_channel(self.core.settings.flashticket_support_channel or SUPPORT_CHANNEL)
        elif word == "dm":
            self.show_channel(self.workspace.dm_channel(self.user))
        elif word == "home":
            self.open_home()
        elif word == "help":
            self.say(HELP.format(admins=", ".join("@" + a for a in self.admin_names) or "none"))
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
            "text": self._escape_mentions(text),
            "user_id": self.user,
            "user_name": self.workspace.name_of(self.user),
            "channel_id": "CGENERAL",
            "team_id": "TCONSOLE",
            "trigger_id": self.workspace.issue_trigger(self.user),
            "response_url": self.workspace.issue_response_url(self.user),
        }
        self._answer(self._dispatch(urlencode(form), "application/x-www-form-urlencoded"))
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
        payload = {
            "type": "block_actions",
            "user": {"id": self.user, "username": self.workspace.name_of(self.user)},
            "team": {"id": "TCONSOLE"},
            "trigger_id": self.workspace.issue_trigger(self.user),
            "container": {
                "type": "message",
                "channel_id": clickable.channel,
                "message_ts": clickable.message_ts,
            },
            "channel": {"id": clickable.channel},
            "response_url": self.workspace.issue_response_url(self.user),
            "actions": [action],
        }
        self._answer(
            self._dispatch(
                urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
            )
        )
        self._fill_open_modal()

    def reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        root = (
            self.workspace.find_root(self.user, int(number.lstrip("#")))
            if number.lstrip("#").isdigit()
            else None
        )
        if root is None or not text.strip():
            self.say("Usage: `reply N text`, as the reporter of ticket #N.")
            return
        event = {
            "type": "message",
            "channel": root.channel,
            "channel_type": "im",
            "user": self.user,
            "text": text,
            "ts": f"{time.time():.6f}",
            "thread_ts": root.ts,
        }
        envelope = {
            "type": "event_callback",
            "team_id": "TCONSOLE",
            "event": event,
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
        }
        self._dispatch(json.dumps(envelope), "application/json")
        self.say(f"(you wrote in the thread of #{number.lstrip('#')}) {text}")

    def open_home(self) -> None:
        envelope = {
            "type": "event_callback",
            "team_id": "TCONSOLE",
            "event": {"type": "app_home_opened", "user": self.user, "tab": "home"},
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
        }
        self._dispatch(json.dumps(envelope), "application/json")

    # -- forms -------------------------------------------------------------------------

    def _fill_open_modal(self) -> None:
        view = self.workspace.open_views.pop(self.user, None)
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
            submitted = dict(view, state={"values": {b: {"value": v} for b, v in values.items()}})
            payload = {
                "type": "view_submission",
                "user": {"id": self.user, "username": self.workspace.name_of(self.user)},
                "team": {"id": "TCONSOLE"},
                "view": submitted,
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
        element, label = block["element"], block["label"]["text"]
        optional = " (optional)" if block.get("optional") else ""
        if "options" in element:
            options = element["options"]
            default = (
                options.index(element["initial_option"]) + 1
                if element.get("initial_option") in options
                else None
            )
            choices = "  ".join(
                f"({i}) {o['text']['text']}" for i, o in enumerate(options, start=1)
            )
            self.say(f"│ {label}: {choices}")
            line = self._read(f"│ {label}{optional} [{default or ''}]: ")
            if line is None or line.strip() == "cancel":
                return None
            picked = int(line) if line.strip().isdigit() else default
            if picked is None or not 1 <= picked <= len(options):
                picked = default or 1
            return {"type": element["type"], "selected_option": options[picked - 1]}
        default_text = element.get("initial_value") or ""
        line = self._read(f"│ {label}{optional} [{default_text}]: ")
        if line is None or line.strip() == "cancel":
            return None
        text = default_text if line == "" else ("" if line.strip() == "-" else line)
        return {"type": element["type"], "value": text or None}

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

    def _answer(self, answer: Any) -> None:
        if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
            lines = self.renderer.blocks(answer.get("blocks") or []) or (
                self.renderer.mrkdwn(answer.get("text", "")).splitlines()
            )
            self._print_box("(only you see this)", lines)
        elif isinstance(answer, str) and answer:
            self._print_box("(only you see this)", [self.renderer.mrkdwn(answer)])

    def settle(self) -> None:
        """Deliver what the last step caused, then print everything new."""
        self.worker.drain()
        feed = self.workspace.feed
        for item in feed[self._printed :]:
            self._print_item(item)
        self._printed = len(feed)

    def _print_item(self, item: FeedItem) -> None:
        if item.kind == "modal":
            return
        if item.kind == "home":
            if item.user == self.user and item.view is not None:
                self._print_box(
                    "[App Home]", self.renderer.blocks(item.view["blocks"], channel="home")
                )
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
        lines = (
            self.renderer.blocks(message.blocks, channel=message.channel, message_ts=message.ts)
            or self.renderer.mrkdwn(message.text).splitlines()
        )
        self._print_box(title, lines)

    def show_channel(self, channel: str) -> None:
        for message in self.workspace.messages.get(channel, []):
            thread = " ↳" if message.thread_ts else ""
            lines = (
                self.renderer.blocks(message.blocks, channel=channel, message_ts=message.ts)
                or self.renderer.mrkdwn(message.text).splitlines()
            )
            self._print_box(f"{self._place(channel)}{thread}", lines)
        if not self.workspace.messages.get(channel):
            self.say(f"{self._place(channel)}: nothing yet")

    def _place(self, channel: str) -> str:
        if not channel:
            return ""
        if channel.startswith("D"):
            return f"[DM @{self.workspace.name_of('U' + channel[1:])}]"
        if channel == (self.core.settings.flashticket_support_channel or SUPPORT_CHANNEL):
            return "[#support]"
        return f"[{channel}]"

    def _print_box(self, title: str, lines: list[str]) -> None:
        self.say(title)
        for line in lines:
            self.say("  " + line)

    def _escape_mentions(self, text: str) -> str:
        """Slack sends `@alice` in a command as `<@UALICE|alice>`."""

        def escaped(match: re.Match[str]) -> str:
            return f"<@{self.workspace.user_id(match.group(1))}|{match.group(1).lower()}>"

        return MENTION.sub(escaped, text)


def _errors_of(answer: Any) -> dict[str, str]:
    if isinstance(answer, dict) and answer.get("response_action") == "errors":
        errors = answer.get("errors")
        if isinstance(errors, dict):
            return {str(k): str(v) for k, v in errors.items()}
    return {}
