"""What the person at the console sees, printed: each thing the bot posted, edited or
showed them, under a title saying where it is and who sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from bot.console.render import Renderer
from bot.console.workspace import FeedItem, Message


class Screen:
    def __init__(
        self,
        out: TextIO,
        renderer: Renderer,
        *,
        name_of: Callable[[str], str],
        support_channel: str,
    ) -> None:
        self.out = out
        self.renderer = renderer
        self._name_of = name_of
        self._support_channel = support_channel

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    def answer(self, answer: Any, channel: str) -> None:
        """The HTTP answer to a command or a click: ephemeral, where the person is."""
        if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
            lines = self.renderer.blocks(answer.get("blocks") or [], channel=channel) or (
                self.renderer.mrkdwn(answer.get("text", "")).splitlines()
            )
            self._box("(only you see this)", lines)
        elif isinstance(answer, str) and answer:
            self._box("(only you see this)", [self.renderer.mrkdwn(answer)])

    def item(self, item: FeedItem, viewer: str) -> None:
        """One thing from the workspace's feed, if `viewer` sees it here (a modal is
        filled in, not printed)."""
        if item.kind == "modal":
            return
        if item.kind == "home":
            if item.user == viewer and item.view is not None:
                lines = self.renderer.blocks(item.view["blocks"], view_id=item.view["id"])
                self._box("[App Home]", lines)
            return
        message = item.message
        if message is None:
            return
        where = self._place(message.channel)
        if item.kind == "ephemeral":
            if item.user != viewer:
                return
            title = f"{where} (only you see this)".lstrip()
        elif item.kind == "update":
            title = f"{where} ✎ message edited"
        elif item.kind == "delete":
            self.say(f"{where}: a message was deleted")
            return
        else:
            title = f"{where} ↳ in thread" if message.thread_ts else where
        self._box(title, self._message_lines(message))

    def channel(self, channel: str, messages: list[Message]) -> None:
        for message in messages:
            thread = " ↳" if message.thread_ts else ""
            self._box(f"{self._place(channel)}{thread}", self._message_lines(message))
        if not messages:
            self.say(f"{self._place(channel)}: nothing yet")

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

    def _place(self, channel: str) -> str:
        if not channel:
            return ""
        if channel.startswith("D"):
            return f"[DM @{self._name_of('U' + channel[1:])}]"
        if channel == self._support_channel:
            return "[#support]"
        return f"[{channel}]"

    def _box(self, title: str, lines: list[str]) -> None:
        self.say(title)
        for line in lines:
            self.say("  " + line)
