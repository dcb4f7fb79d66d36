"""`flashticket shell`: try FlashTicket without Slack.

The same Bolt app, listeners and core as `flashticket serve`, against the strict Slack
workspace of `bot.console.workspace` (the one the tests run against), served on
127.0.0.1 so the real slack_sdk client talks HTTP to it (`bot.console.local_bot`).
Here what a person types becomes what Slack would send, and requests reach the app
through `App.dispatch` exactly as Slack's would; a modal is filled in field by field
(`bot.console.forms`), everything the bot sends is printed as text
(`bot.console.screen`), and files it shares are saved to a folder.
"""

from __future__ import annotations

import json
import mimetypes
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from bot import blocks, mrkdwn
from bot.console import forms
from bot.console.console_clock import ConsoleClock, Tick
from bot.console.local_bot import LocalBot
from bot.console.render import Renderer
from bot.console.screen import Screen
from bot.console.workspace import Message, dm_channel
from flashticket_core.bootstrap import Core
from flashticket_core.config import parse_wall_duration
from flashticket_core.service_layer.jobs import Leases

MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9._-]+)")
SUPPORT_CHANNEL = "CSUPPORT"
COMMAND_CHANNEL = "CGENERAL"  # where people type their slash commands
FORM = "application/x-www-form-urlencoded"

HELP = """\
Commands (you are one person at a time; everything the bot says is printed):
  as @name                 act as that person (admins: {admins})
  /ticket ...              the slash command, e.g. /ticket Printer on fire, /ticket list
  /ticket-admin ...        e.g. /ticket-admin grant @sam support
  click N                  press the button numbered [N]
  choose N K               in the select [N], choose option (K)
  reply N text             answer in the DM thread of ticket #N (as its reporter);
                           reply N --file PATH text attaches a local file
  edit N text              change your last answer in that thread;  unsend N  delete it
  post text                write a message in #general; it gets a number <N>
  react N                  put the ticket reaction on message <N>: a ticket at once
  shortcut N               "Create ticket" on message <N>: the new-ticket form, filled
  channel                  show the support channel
  dm                       show your direct messages with the bot
  home                     open your App Home (support: queue and key figures)
  clock +2h                move the console's clock on (+30m, +1d, +90s), then run the
                           periodic jobs that are due (reminders, escalations, nudges,
                           auto-close, the morning digest); clock: show it
  help                     this help;  quit  leave
In a form, type each field's value when asked (Enter keeps the [default], - empties
an optional field, a number or its name picks an option); `cancel` closes the form.
Files the bot shares (charts, exports) are saved to {files}."""


class Shell:
    def __init__(
        self,
        core: Core,
        out: TextIO,
        *,
        admins: Iterable[str],
        files_dir: Path | None = None,
        locale: str | None = None,
        clock: ConsoleClock | None = None,
    ) -> None:
        self.core = core
        # The core's clock when it is the console's (bootstrap(..., clock=)); `clock +2h`
        # moves it.
        self.clock = clock
        # The periodic jobs `clock` runs once it moved, as `serve`'s scheduler would: the
        # timers' sweep (reminders, escalations, nudges, auto-close), the morning digest.
        leases = Leases(core.jobs, clock=core.clock)
        self.ticks: list[Tick] = [partial(core.sweep_timers, leases), core.digest_job(leases)]
        self.files_dir = files_dir
        self.support_channel = core.settings.flashticket_support_channel or SUPPORT_CHANNEL
        self.bot = LocalBot(
            core, support_channel=self.support_channel, files_dir=files_dir, locale=locale
        )
        self.workspace = self.bot.workspace
        self.client = self.bot.client
        self.admin_names = sorted(admins)
        for name in self.admin_names:
            self.workspace.user_id(name)
        self.renderer = Renderer(self.workspace.name_of)
        self.screen = Screen(
            out,
            self.renderer,
            name_of=self.workspace.name_of,
            support_channel=self.support_channel,
        )
        self.user = self.workspace.user_id(self.admin_names[0] if self.admin_names else "alice")
        # Each person's last answer in a ticket's DM thread, as Slack sent it.
        self._last_replies: dict[tuple[str, int], dict[str, Any]] = {}
        self._printed = 0
        # What people wrote in #general, by the number `post` gave it.
        self.posted: list[Message] = []

    def close(self) -> None:
        """Let started work finish, then stop serving the workspace."""
        self.bot.close()

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
        out = self.screen.out
        if self._interactive:
            out.write(prompt)
            out.flush()
        line = next(self._lines, None)
        if line is None:
            return None
        line = line.rstrip("\n")
        if not self._interactive:
            out.write(f"{prompt}{line}\n")
        return line

    def say(self, text: str) -> None:
        self.screen.say(text)

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
        elif word == "edit":
            self.edit_reply(rest)
        elif word == "unsend":
            self.unsend_reply(rest)
        elif word == "post":
            self.post(rest)
        elif word == "react":
            self.react(rest)
        elif word == "shortcut":
            self.shortcut(rest)
        elif word == "channel":
            self.show_channel(self.support_channel)
        elif word == "dm":
            self.show_channel(dm_channel(self.user))
        elif word == "home":
            self.open_home()
        elif word == "clock":
            self.move_clock(rest.strip())
        elif word == "help":
            admins = ", ".join("@" + a for a in self.admin_names) or "none"
            files = str(self.files_dir) if self.files_dir else "nowhere (no folder)"
            self.say(HELP.format(admins=admins, files=files))
        else:
            self.say(f"Unknown console command `{word}`; type `help`.")
        self.settle()

    def settle(self) -> None:
        """Wait for what the last step started, deliver what it caused, print what is new."""
        self.bot.settle()
        items = self.workspace.feed_since(self._printed)
        self._printed += len(items)
        for item in items:
            self.screen.item(item, self.user)

    def move_clock(self, by: str) -> None:
        zone = self.core.settings.flashticket_timezone
        if self.clock is None:
            self.say("This console's clock is the real one; it cannot move.")
            return
        if by:
            try:
                step = parse_wall_duration(by.removeprefix("+")) if by.startswith("+") else None
            except ValueError:
                step = None
            if step is None:
                self.say("Usage: clock +2h (or +30m, +1d, +90s).")
                return
            self.clock.advance(step)
        now = self.clock().astimezone(zone)
        self.say(f"It is now {now:%a %Y-%m-%d %H:%M} ({zone.key}).")
        if by:
            self.tick()

    def tick(self) -> None:
        """Run every periodic job once, as the scheduler of `serve` would."""
        for job in self.ticks:
            job()

    def show_channel(self, channel: str) -> None:
        self.screen.channel(channel, self.workspace.messages_in(channel))

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
        answer = self.bot.dispatch(urlencode(form), FORM)
        self.screen.answer(answer, COMMAND_CHANNEL)
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
        answer = self.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
        self.screen.answer(answer, clickable.channel)
        self._fill_open_modal()

    def reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        root = self._thread_root(int(number.lstrip("#"))) if number.lstrip("#").isdigit() else None
        files: list[dict[str, Any]] = []
        while text.startswith("--file "):
            path, _, text = text[len("--file ") :].strip().partition(" ")
            file = self._attach(path)
            if file is None:
                return
            files.append(file)
        if root is None or not (text.strip() or files):
            self.say("Usage: `reply N [--file PATH] text`, as the reporter of ticket #N.")
            return
        event: dict[str, Any] = {
            "type": "message",
            "channel": root.channel,
            "channel_type": "im",
            "user": self.user,
            "text": self._as_slack_sends(text),
            "ts": f"{time.time():.6f}",
            "thread_ts": root.ts,
        }
        if files:
            event.update(subtype="file_share", upload=False, display_as_bot=False, files=files)
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self._last_replies[(self.user, int(number.lstrip("#")))] = event
        attached = "".join(f" [{f['name']}]" for f in files)
        self.say(f"(you wrote in the thread of #{number.lstrip('#')}) {text}{attached}")

    def edit_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        before = self._last_reply(number)
        if before is None or not text.strip():
            self.say("Usage: `edit N text`, after a `reply N …` of yours.")
            return
        now = f"{time.time():.6f}"
        after = before | {"text": self._as_slack_sends(text), "edited": {"user": self.user}}
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": before["channel"],
            "channel_type": "im",
            "ts": now,
            "message": after,
            "previous_message": before,
        }
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self._last_replies[(self.user, int(number.lstrip("#")))] = after
        self.say(f"(you edited your answer in the thread of #{number.lstrip('#')}) {text}")

    def unsend_reply(self, rest: str) -> None:
        number = rest.strip()
        before = self._last_reply(number)
        if before is None:
            self.say("Usage: `unsend N`, after a `reply N …` of yours.")
            return
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": before["channel"],
            "channel_type": "im",
            "ts": f"{time.time():.6f}",
            "deleted_ts": before["ts"],
            "previous_message": before,
        }
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        del self._last_replies[(self.user, int(number.lstrip("#")))]
        self.say(f"(you deleted your answer in the thread of #{number.lstrip('#')})")

    def _last_reply(self, number: str) -> dict[str, Any] | None:
        if not number.lstrip("#").isdigit():
            return None
        return self._last_replies.get((self.user, int(number.lstrip("#"))))

    def post(self, text: str) -> None:
        if not text.strip():
            self.say("Usage: `post text`, a message in #general.")
            return
        message = self.workspace.person_posts(
            self.user, COMMAND_CHANNEL, self._as_slack_sends(text)
        )
        self.posted.append(message)
        # What people write is theirs to see in Slack; the console only numbers it.
        self._printed = len(self.workspace.feed_since(0))
        self.say(f"<{len(self.posted)}> (you wrote in #general) {text}")

    def _posted(self, rest: str, usage: str) -> Message | None:
        number = rest.strip().lstrip("<").rstrip(">")
        if not number.isdigit() or not 1 <= int(number) <= len(self.posted):
            self.say(f"Usage: `{usage} N`, N the number `post` gave a message.")
            return None
        return self.posted[int(number) - 1]

    def react(self, rest: str) -> None:
        message = self._posted(rest, "react")
        if message is None:
            return
        emoji = self.core.settings.flashticket_ticket_emoji
        if not emoji:
            self.say("Reactions are off (FLASHTICKET_TICKET_EMOJI is empty).")
            return
        event = self.workspace.reaction_added(self.user, message, emoji)
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self.say(f"(you reacted :{emoji}: to <{self.posted.index(message) + 1}>)")

    def shortcut(self, rest: str) -> None:
        message = self._posted(rest, "shortcut")
        if message is None:
            return
        payload = self.workspace.message_shortcut(self.user, message, blocks.FROM_MESSAGE)
        answer = self.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
        self.screen.answer(answer, message.channel)
        self._fill_open_modal()

    def open_home(self) -> None:
        event = {"type": "app_home_opened", "user": self.user, "tab": "home"}
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")

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

    def _fill_open_modal(self) -> None:
        """The modal the last step opened on the person's screen, filled in and submitted."""
        view = self.workspace.take_modal(self.user)
        if view is None:
            return

        def submit(state: dict[str, dict[str, Any]]) -> dict[str, str]:
            payload = {
                "type": "view_submission",
                "user": {"id": self.user, "username": self.workspace.name_of(self.user)},
                "team": {"id": self.workspace.team.id},
                "view": dict(view, state={"values": state}),
            }
            return forms.errors_of(
                self.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
            )

        forms.fill(view, self._read, self.say, submit, self._attach)

    def _attach(self, path: str) -> dict[str, Any] | None:
        """A local file, put on the workspace's file host as if uploaded in Slack."""
        try:
            content = Path(path).expanduser().read_bytes()
        except OSError as error:
            self.say(f"(cannot read {path}: {error.strerror or error})")
            return None
        name = Path(path).name
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return self.workspace.host_file(self.user, name, content, mimetype)

    def _as_slack_sends(self, text: str) -> str:
        """What a person types, encoded as Slack sends it in a message or a slash command
        (with `should_escape`): `&`, `<` and `>` as entities, `@alice` as `<@UALICE|alice>`."""

        def mention(match: re.Match[str]) -> str:
            return f"<@{self.workspace.user_id(match.group(1))}|{match.group(1).lower()}>"

        return MENTION.sub(mention, mrkdwn.escape(text))
