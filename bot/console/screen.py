"""What the person at the console sees, printed: each thing the bot posted, edited or
showed them, under a title saying where it is and who sees it; a reply in a thread says
which ticket's thread (`↳ #3`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TextIO

from bot.console.render import Renderer, ticket_of
from bot.console.words import Say as Words
from bot.console.workspace import FeedItem, Message

TICKET_NUMBER = re.compile(r"#(\d+)")


class Screen:
    def __init__(
        self,
        out: TextIO,
        renderer: Renderer,
        *,
        name_of: Callable[[str], str],
        support_channel: str,
        message_at: Callable[[str, str], Message | None],
        words: Words,
        channel_name: Callable[[str], str | None] = lambda _channel: None,
    ) -> None:
        self.out = out
        self.renderer = renderer
        self._name_of = name_of
        self._support_channel = support_channel
        self._message_at = message_at
        self.words = words
        self._channel_name = channel_name

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    def answer(self, answer: Any, channel: str) -> None:
        """The HTTP answer to a command or a click: ephemeral, where the person is."""
        if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
            ticket = ticket_number_in(answer.get("text", ""))
            lines = self.renderer.blocks(
                answer.get("blocks") or [], channel=channel, ticket=ticket
            ) or (self.renderer.mrkdwn(answer.get("text", "")).splitlines())
            self._box(self.words("only_you"), lines)
        elif isinstance(answer, str) and answer:
            self._box(self.words("only_you"), [self.renderer.mrkdwn(answer)])

    def item(self, item: FeedItem, viewer: str, *, home: bool = False) -> None:
        """One thing from the workspace's feed, if `viewer` sees it here (a modal is
        filled in, not printed; an App Home only when `home`: the person opened it)."""
        if item.kind == "modal":
            return
        if item.kind == "home":
            if home and item.user == viewer and item.view is not None:
                lines = self.renderer.blocks(item.view["blocks"], view_id=item.view["id"])
                self._box(self.words("app_home"), lines)
            return
        message = item.message
        if message is None:
            return
        where = self._place(message)
        if item.kind == "ephemeral":
            if item.user != viewer:
                return
            title = f"{where} {self.words('only_you')}".lstrip()
        elif item.kind == "update":
            title = f"{where} {self.words('edited')}"
        elif item.kind == "delete":
            self.say(f"{where}: {self.words('deleted')}")
            return
        else:
            title = where
        self._box(title, self._message_lines(message))

    def channel(self, channel: str, messages: list[Message]) -> None:
        """A conversation as Slack shows it: each message, its thread's replies under it."""
        by_ts = {m.ts: m for m in messages}
        replies: dict[str, list[Message]] = {}
        for message in messages:
            if message.thread_ts and message.thread_ts != message.ts:
                replies.setdefault(message.thread_ts, []).append(message)
        roots = [
            m
            for m in messages
            if not m.thread_ts or m.thread_ts == m.ts or m.thread_ts not in by_ts
        ]
        for root in roots:
            self._box(self._place(root), self._message_lines(root))
            for reply in replies.get(root.ts, []):
                self._box("  " + self._place(reply), self._message_lines(reply), indent="    ")
        if not messages:
            self.say(f"{self._place_of(channel)}: {self.words('nothing_yet')}")

    def ticket_of_message(self, message: Message) -> int | None:
        """The ticket a message is about: its thread's root's, else its own."""
        if message.thread_ts and message.thread_ts != message.ts:
            root = self._message_at(message.channel, message.thread_ts)
            if root is not None and root.bot_id and (ticket := ticket_named_by(root)):
                return ticket
        return ticket_named_by(message) if message.bot_id else None

    def _message_lines(self, message: Message) -> list[str]:
        lines = (
            self.renderer.blocks(
                message.blocks,
                channel=message.channel,
                message_ts=message.ts,
                ticket=self.ticket_of_message(message),
            )
            or self.renderer.mrkdwn(message.text).splitlines()
        )
        for file in message.files:
            if file.saved_to is not None:
                lines.append(self.words("saved", name=file.name, path=file.saved_to))
            elif file.not_saved is not None:
                lines.append(self.words("not_saved", name=file.name, reason=file.not_saved))
            else:
                lines.append(f"📎 {file.name}")
        return lines

    def _place(self, message: Message) -> str:
        where = self._place_of(message.channel)
        if message.thread_ts and message.thread_ts != message.ts:
            ticket = self.ticket_of_message(message)
            return f"{where} ↳ #{ticket}" if ticket is not None else f"{where} ↳"
        return where

    def _place_of(self, channel: str) -> str:
        if not channel:
            return ""
        if channel.startswith("D"):
            return f"[DM @{self._name_of('U' + channel[1:])}]"
        if channel == self._support_channel:
            return "[#support]"
        name = self._channel_name(channel)
        return f"[#{name}]" if name else f"[{channel}]"

    def _box(self, title: str, lines: list[str], indent: str = "  ") -> None:
        self.say(title)
        for line in lines:
            self.say(indent + line)


def ticket_named_by(message: Message) -> int | None:
    """The ticket a bot's message is about: what its buttons carry, else the first `#n`
    of its text or blocks."""
    for block in message.blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if isinstance(element, dict) and (ticket := ticket_of(element)) is not None:
                return ticket
    texts = [message.text] + [
        str(block.get("text", {}).get("text", "")) for block in message.blocks
    ]
    for text in texts:
        if (number := ticket_number_in(text)) is not None:
            return number
    return None


def ticket_number_in(text: str) -> int | None:
    match = TICKET_NUMBER.search(text or "")
    return int(match.group(1)) if match else None
