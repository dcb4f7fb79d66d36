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
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from bot import blocks, mrkdwn
from bot.console import forms
from bot.console.console_clock import ConsoleClock, Tick
from bot.console.local_bot import LocalBot
from bot.console.render import Renderer
from bot.console.screen import Screen
from bot.console.words import words_for
from bot.console.workspace import Message, dm_channel
from bot.settings import Settings
from flashticket_core.bootstrap import Core
from flashticket_core.config import parse_wall_duration

MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9._-]+)")
SUPPORT_CHANNEL = "CSUPPORT"
COMMAND_CHANNEL = "CGENERAL"  # where people type their slash commands
FORM = "application/x-www-form-urlencoded"


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
        state_file: Path | None = None,
    ) -> None:
        self.core = core
        self.words = words_for(core.settings.flashticket_language)
        # The core's clock when it is the console's (bootstrap(..., clock=)); `clock +2h`
        # moves it.
        self.clock = clock
        self.files_dir = files_dir
        self.settings = Settings.of(core.settings)
        self.support_channel = self.settings.flashticket_support_channel or SUPPORT_CHANNEL
        self.bot = LocalBot(
            core,
            support_channel=self.support_channel,
            files_dir=files_dir,
            locale=locale,
            refused=self._refused,
        )
        self.workspace = self.bot.workspace
        # The periodic jobs `clock` runs once it moved, as `serve`'s scheduler would
        # (bot/periodic.py): the timers' sweep (reminders, escalations, nudges,
        # auto-close), the morning digest, the outbox poll and the housekeeping.
        self.ticks: list[Tick] = [job.run for job in self.bot.jobs]
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
            message_at=self.workspace.message_at,
            words=self.words,
        )
        self.user = self.workspace.user_id(self.admin_names[0] if self.admin_names else "alice")
        # Each person's last answer in a ticket's DM thread, as Slack sent it.
        self._last_replies: dict[tuple[str, int], dict[str, Any]] = {}
        # What people wrote in #general, by the number `post` gave it.
        self.posted: list[Message] = []
        self.state_file = state_file
        self.restored = self._restore()
        # What was shown before this start is not shown again.
        self._printed = len(self.workspace.feed_since(0))
        self._home_asked = False

    def close(self) -> None:
        """Let started work finish, keep the workspace for the next start, stop serving."""
        self.bot.close()
        self._save()

    def __enter__(self) -> Shell:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the workspace, kept beside the database ----------------------------------------

    def _save(self) -> None:
        if self.state_file is None:
            return
        state = {
            "workspace": self.workspace.snapshot(),
            "clock_offset": self.clock.offset.total_seconds() if self.clock else 0.0,
            "posted": [[m.channel, m.ts] for m in self.posted],
            "user": self.user,
            "last_replies": [[u, t, e] for (u, t), e in self._last_replies.items()],
        }
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.state_file.with_name(self.state_file.name + ".new")
        partial.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.state_file)

    def _restore(self) -> int:
        """The workspace of the last start, if it was kept; how many messages it held."""
        if self.state_file is None or not self.state_file.exists():
            return 0
        state = json.loads(self.state_file.read_text(encoding="utf-8"))
        count = self.workspace.restore(state["workspace"])
        if self.clock is not None:
            self.clock.offset = max(self.clock.offset, timedelta(seconds=state["clock_offset"]))
        for channel, ts in state["posted"]:
            if (message := self.workspace.message_at(channel, ts)) is not None:
                self.posted.append(message)
        self.user = state["user"]
        for user, ticket, event in state["last_replies"]:
            self._last_replies[(user, ticket)] = event
        return count

    # -- the loop ------------------------------------------------------------------

    def run(self, lines: Iterator[str] | None, *, interactive: bool) -> None:
        """Read and do one line after another until `quit` or the end of input. With no
        `lines`, read the terminal: line editing and a history, Ctrl-C cancels what is
        being typed (or the form), a second Ctrl-C at the prompt leaves."""
        self.say(self.words("welcome", name=self.workspace.name_of(self.user)))
        if self.restored:
            self.say(self.words("welcome_back", messages=self.restored))
        self._lines = lines
        self._interactive = interactive
        interrupted = False
        while True:
            try:
                line = self._read(f"@{self.workspace.name_of(self.user)}> ")
            except KeyboardInterrupt:
                if interrupted:
                    self.say("")
                    return
                interrupted = True
                self.say("")
                self.say(self.words("cancelled"))
                continue
            interrupted = False
            if line is None or line.strip() in ("quit", "exit"):
                if line is None and interactive:
                    self.say("")
                return
            try:
                self.handle(line.strip())
            except KeyboardInterrupt:
                self.say("")
                self.say(self.words("cancelled"))
                interrupted = True

    def _read(self, prompt: str) -> str | None:
        out = self.screen.out
        if self._lines is None:
            try:
                return input(prompt)
            except EOFError:
                return None
        if self._interactive:
            out.write(prompt)
            out.flush()
        line = next(self._lines, None)
        # A script's comments (`# …`) are for its reader, in a form as at the prompt.
        while line is not None and (line.strip() == "#" or line.startswith("# ")):
            if not self._interactive:
                out.write(line.rstrip("\n") + "\n")
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
            self.say(self.words("now_you_are", name=self.workspace.name_of(self.user)))
        elif word in ("click", "choose"):
            self.click(rest)
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
        elif word == "dm" and rest.strip():
            self.write_to_bot(rest.strip())
        elif word == "dm":
            self.show_channel(dm_channel(self.user))
        elif word == "home":
            self.open_home()
        elif word == "clock":
            self.move_clock(rest.strip())
        elif word == "help":
            admins = ", ".join("@" + a for a in self.admin_names) or "-"
            files = str(self.files_dir) if self.files_dir else "-"
            state = str(self.state_file) if self.state_file else "-"
            self.say(self.words("help", admins=admins, files=files, state=state))
        else:
            self.say(self.words("unknown", word=word))
        self.settle()

    def settle(self) -> None:
        """Wait for what the last step started, deliver what it caused, print what is new
        (an App Home only when the person just opened it, as Slack shows it only then)."""
        self.bot.settle()
        items = self.workspace.feed_since(self._printed)
        self._printed += len(items)
        for item in items:
            self.screen.item(item, self.user, home=self._home_asked)
        self._home_asked = False
        self._save()

    def move_clock(self, by: str) -> None:
        zone = self.core.settings.flashticket_timezone
        if self.clock is None:
            self.say(self.words("clock_real"))
            return
        if by:
            try:
                step = parse_wall_duration(by.removeprefix("+")) if by.startswith("+") else None
            except ValueError:
                step = None
            if step is None:
                self.say(self.words("clock_usage"))
                return
            self.clock.advance(step)
        now = self.clock().astimezone(zone)
        self.say(self.words("clock_now", now=self.words("clock_format", now=now), zone=zone.key))
        if by:
            self.tick()

    def tick(self) -> None:
        """Run every periodic job once, as the scheduler of `serve` would."""
        for job in self.ticks:
            job()

    def show_channel(self, channel: str) -> None:
        self.screen.channel(channel, self.workspace.messages_in(channel))

    # -- what a person does -------------------------------------------------------------

    def _refused(self, status: int, body: str) -> None:
        """A request the bot refused (a 4xx or 5xx) is shown, never swallowed."""
        self.say(self.words("refused", status=status, body=body[:200]))

    def command(self, command: str, text: str) -> None:
        if command not in ("/ticket", "/ticket-admin"):
            self.say(self.words("no_such_command", command=command))
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

    def click(self, rest: str) -> None:
        """`click #3 take`, `click #3 status 2` (or `… status resolved`), `click new_ticket`:
        the newest drawing of that button or list."""
        words = rest.split()
        handle, choice = _handle_and_choice(words, self.renderer.clickables)
        clickable = self.renderer.clickables.get(handle) if handle else None
        if clickable is None:
            self.say(self.words("which_one"))
            return
        element = clickable.element
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": clickable.block_id,
            "type": element.get("type"),
            "action_ts": f"{time.time():.6f}",
        }
        if "options" in element:
            picked = forms.pick(choice, element["options"]) if choice else None
            if picked is None:
                self.say(self.words("pick_option", handle=handle))
                return
            action["selected_option"] = element["options"][picked - 1]
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

    def write_to_bot(self, text: str) -> None:
        """A DM to the bot outside any ticket's thread, as Slack sends it."""
        message = self.workspace.person_writes(
            self.user, dm_channel(self.user), self._as_slack_sends(text)
        )
        event: dict[str, Any] = {
            "type": "message",
            "channel": message.channel,
            "channel_type": "im",
            "user": self.user,
            "text": message.text,
            "ts": message.ts,
            "event_ts": message.ts,
        }
        self._printed = len(self.workspace.feed_since(0))
        self.say(self.words("you_wrote_dm", text=text))
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")

    def reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        root = self._thread_root(int(number.lstrip("#"))) if number.lstrip("#").isdigit() else None
        files: list[dict[str, Any]] = []
        while text.startswith("--file "):
            path, text = _first_path(text[len("--file ") :])
            file = self._attach(path) if path else None
            if file is None:
                if not path:
                    self.say(self.words("reply_usage"))
                return
            files.append(file)
        if root is None or not (text.strip() or files):
            self.say(self.words("reply_usage"))
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
        self.say(self.words("you_replied", ticket=number.lstrip("#"), text=text + attached))

    def edit_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        before = self._last_reply(number)
        if before is None or not text.strip():
            self.say(self.words("edit_usage"))
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
        self.say(self.words("you_edited", ticket=number.lstrip("#"), text=text))

    def unsend_reply(self, rest: str) -> None:
        number = rest.strip()
        before = self._last_reply(number)
        if before is None:
            self.say(self.words("unsend_usage"))
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
        self.say(self.words("you_unsent", ticket=number.lstrip("#")))

    def _last_reply(self, number: str) -> dict[str, Any] | None:
        if not number.lstrip("#").isdigit():
            return None
        return self._last_replies.get((self.user, int(number.lstrip("#"))))

    def post(self, text: str) -> None:
        if not text.strip():
            self.say(self.words("post_usage"))
            return
        message = self.workspace.person_posts(
            self.user, COMMAND_CHANNEL, self._as_slack_sends(text)
        )
        self.posted.append(message)
        # What people write is theirs to see in Slack; the console only numbers it.
        self._printed = len(self.workspace.feed_since(0))
        self.say(self.words("you_posted", number=len(self.posted), text=text))

    def _posted(self, rest: str, usage: str) -> Message | None:
        number = rest.strip().lstrip("<").rstrip(">")
        if not number.isdigit() or not 1 <= int(number) <= len(self.posted):
            self.say(self.words("posted_usage", usage=usage))
            return None
        return self.posted[int(number) - 1]

    def react(self, rest: str) -> None:
        message = self._posted(rest, "react")
        if message is None:
            return
        emoji = self.settings.flashticket_ticket_emoji
        if not emoji:
            self.say(self.words("reactions_off"))
            return
        event = self.workspace.reaction_added(self.user, message, emoji)
        self.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self.say(self.words("you_reacted", emoji=emoji, number=self.posted.index(message) + 1))

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
        self._home_asked = True
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

        forms.fill(view, self._read, self.say, submit, self._attach, words=self.words)

    def _attach(self, path: str) -> dict[str, Any] | None:
        """A local file, put on the workspace's file host as if uploaded in Slack."""
        try:
            content = Path(path).expanduser().read_bytes()
        except OSError as error:
            self.say(self.words("cannot_read", path=path, reason=error.strerror or error))
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


def _first_path(text: str) -> tuple[str, str]:
    """The path at the start of `text` (`"My Documents/a.log" rest` or `a.log rest`), and
    what follows it."""
    text = text.lstrip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end == -1:
            return "", text
        return text[1:end], text[end + 1 :].lstrip()
    path, _, rest = text.partition(" ")
    return path, rest


def _handle_and_choice(words: list[str], known: Mapping[str, object]) -> tuple[str, str]:
    """`["#3", "status", "2"]` -> ("#3 status", "2"): the longest known handle the words
    begin with (`#` may be left out), and what follows it."""
    if words and words[0].isdigit():
        words = ["#" + words[0], *words[1:]]
    for length in range(len(words), 0, -1):
        handle = " ".join(words[:length])
        if handle in known:
            return handle, " ".join(words[length:])
    return "", ""
