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
import os
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.console.console_clock import ConsoleClock, Tick
from bot.console.desk import set_up_desk
from bot.console.local_bot import LocalBot
from bot.console.person import Person
from bot.console.render import Renderer
from bot.console.screen import Screen
from bot.console.words import words_for
from bot.console.workspace import dm_channel
from bot.settings import Settings
from flashticket_core.bootstrap import Core
from flashticket_core.config import parse_wall_duration

SUPPORT_CHANNEL = "CSUPPORT"


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
        self.renderer = Renderer(self.workspace.name_of, place_name=self._place_name)
        self.screen = Screen(
            out,
            self.renderer,
            name_of=self.workspace.name_of,
            support_channel=self.support_channel,
            message_at=self.workspace.message_at,
            channel_name=lambda channel: self.workspace.channel_setup(channel).name,
            words=self.words,
        )
        self.user = self.workspace.user_id(self.admin_names[0] if self.admin_names else "alice")
        self.person = Person(self)
        self.state_file = state_file
        self.restored = self._restore()
        # The desk file's channels and user groups, as it says now (after the workspace
        # of the last start, which may have known an older desk file).
        if self.settings.flashticket_desk_file is not None:
            set_up_desk(self.workspace, core.desk.env.structure)
            # What `serve` reads from Slack as it starts, before anyone asks: the members of
            # the teams' user groups (their job, like the others, runs again as time moves).
            for job in self.bot.jobs:
                if job.name == "team-members":
                    job.run()
        # What was shown before this start is not shown again.
        self.printed = len(self.workspace.feed_since(0))
        # Whether the person just opened their App Home (printed only then).
        self.home_asked = False

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
            "posted": [[m.channel, m.ts] for m in self.person.posted],
            "user": self.user,
            "last_replies": [[u, t, e] for (u, t), e in self.person.last_replies.items()],
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
                self.person.posted.append(message)
        self.user = state["user"]
        for user, ticket, event in state["last_replies"]:
            self.person.last_replies[(user, ticket)] = event
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
                line = self.read(f"@{self.workspace.name_of(self.user)}> ")
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

    def read(self, prompt: str) -> str | None:
        """The next line (a script's, or typed), None at the end."""
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
            self.person.command(word, rest)
        elif word == "as":
            self.user = self.workspace.user_id(rest.strip() or "alice")
            self.say(self.words("now_you_are", name=self.workspace.name_of(self.user)))
        elif word in ("click", "choose"):
            self.person.click(rest)
        elif word == "reply":
            self.person.reply(rest)
        elif word == "edit":
            self.person.edit_reply(rest)
        elif word == "unsend":
            self.person.unsend_reply(rest)
        elif word == "post":
            self.person.post(rest)
        elif word == "react":
            self.person.react(rest)
        elif word == "shortcut":
            self.person.shortcut(rest)
        elif word == "channel":
            self.show_named_channel(rest.strip())
        elif word == "dm" and rest.strip():
            self.person.write_to_bot(rest.strip())
        elif word == "dm":
            self.show_channel(dm_channel(self.user))
        elif word == "home":
            self.person.open_home()
        elif word == "clock":
            self.move_clock(rest.strip())
        elif word in ("away", "back"):
            self.set_away(rest.split(), away=word == "away")
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
        items = self.workspace.feed_since(self.printed)
        self.printed += len(items)
        for item in items:
            self.screen.item(item, self.user, home=self.home_asked)
        self.home_asked = False
        self._save()

    def set_away(self, words: list[str], *, away: bool) -> None:
        """`away @kim` (Slack shows them away), `away @kim palm_tree` (their status
        emoji), `back @kim`: whom a team's assignment rule passes over."""
        if not words:
            self.say(self.words("away_usage"))
            return
        user = self.workspace.user_id(words[0])
        emoji = words[1].strip(":") if away and len(words) > 1 else ""
        self.workspace.set_away(user, away and not emoji)
        self.workspace.set_status(user, f":{emoji}:" if emoji else "")
        self.bot.availability.forget(user)
        name = self.workspace.name_of(user)
        self.say(self.words("away_now" if away else "back_now", name=name))

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

    def show_named_channel(self, name: str) -> None:
        """`channel`: the first team's channel (the support channel without a desk
        file); `channel it`, `channel #help-it` or `channel C…`: that one."""
        if not name:
            first = self.core.desk.env.structure.teams[0].channel
            self.show_channel(first or self.support_channel)
        elif (channel := self.find_channel(name)) is not None:
            self.show_channel(channel)

    def find_channel(self, name: str) -> str | None:
        """The channel a person names by its name or ID; None, after saying which there
        are, if there is none."""
        channel = self.workspace.channel_named(name)
        if channel is None:
            known = ", ".join(f"#{known}" for known in self.workspace.channel_names())
            self.say(self.words("unknown_channel", name=name, known=known))
        return channel

    def _place_name(self, place: str) -> str | None:
        """The name of a channel or user group of the workspace, by its ID."""
        if place.startswith("S"):
            return self.workspace.usergroup_handle(place)
        return self.workspace.channel_setup(place).name

    def _refused(self, status: int, body: str) -> None:
        """A request the bot refused (a 4xx or 5xx) is shown, never swallowed."""
        self.say(self.words("refused", status=status, body=body[:200]))
