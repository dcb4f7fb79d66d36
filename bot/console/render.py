"""Block Kit as plain text for a terminal, with numbers on everything one can click."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# Slack's date markup: a terminal shows its fallback (the help desk's zone).
DATE = re.compile(r"<!date\^[^|<>]*\|([^<>]*)>")


@dataclass(frozen=True)
class Clickable:
    """A button or select the person can use by its number."""

    number: int
    element: dict[str, Any]
    block_id: str | None
    channel: str
    message_ts: str | None
    view_id: str | None = None  # on an App Home, which has no channel


class Renderer:
    def __init__(self, name_of: Callable[[str], str]) -> None:
        self._name_of = name_of
        self._numbers = iter(range(1, 10**9))
        self.clickables: dict[int, Clickable] = {}

    def mrkdwn(self, text: str) -> str:
        text = MENTION.sub(lambda m: "@" + self._name_of(m.group(1)), text)
        text = DATE.sub(lambda m: m.group(1), text)
        return html.unescape(text)

    def blocks(
        self,
        blocks: list[dict[str, Any]],
        *,
        channel: str = "",
        message_ts: str | None = None,
        view_id: str | None = None,
    ) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"== {block['text']['text']} ==")
            elif kind == "section":
                if block.get("text"):
                    lines.extend(self.mrkdwn(block["text"]["text"]).splitlines())
                fields = [
                    self.mrkdwn(f["text"]).replace("\n", ": ", 1) for f in block.get("fields", [])
                ]
                if fields:
                    lines.append(" | ".join(fields))
            elif kind == "context":
                lines.append(
                    "  " + " ".join(self.mrkdwn(e.get("text", "")) for e in block["elements"])
                )
            elif kind == "divider":
                lines.append("-" * 40)
            elif kind == "actions":
                lines.extend(self._actions(block, channel, message_ts, view_id))
        return lines

    def _actions(
        self, block: dict[str, Any], channel: str, message_ts: str | None, view_id: str | None
    ) -> list[str]:
        lines = []
        for element in block.get("elements", []):
            number = next(self._numbers)
            self.clickables[number] = Clickable(
                number, element, block.get("block_id"), channel, message_ts, view_id
            )
            if element.get("type") == "button":
                lines.append(f"  [{number}] {element['text']['text']}")
            elif "options" in element:
                placeholder = element.get("placeholder", {}).get("text", "choose")
                options = "  ".join(
                    f"({index}) {option['text']['text']}"
                    for index, option in enumerate(element["options"], start=1)
                )
                lines.append(f"  [{number}] {placeholder}: {options}")
        return lines
