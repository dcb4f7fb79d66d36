"""Block Kit and mrkdwn as plain text for a terminal, with a stable handle on everything
one can click: `#3 take` is the Take button of ticket #3's latest card, however often
the card was drawn again since."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import slack_ids

# Slack's date markup: the reader's own time in Slack, its fallback here.
DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")
SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^|>]*)(?:\|([^>]*))?>")
# *bold*, _italic_, ~strike~ and `code` around a word, as Slack marks them up.
EMPHASIS = re.compile(r"(?<![\w*_~`])([*_~`])(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")
EMOJI = re.compile(r":([a-z0-9_+-]+):")
# The emoji the bot writes, as the terminal can show them; any other keeps its name.
EMOJI_CHARACTERS = {
    "ticket": "🎫",
    "lock": "🔒",
    "star": "⭐",
    "white_check_mark": "✅",
    "warning": "⚠️",
    "hourglass_flowing_sand": "⏳",
    "alarm_clock": "⏰",
    "paperclip": "📎",
    "speech_balloon": "💬",
    "bust_in_silhouette": "👤",
    "busts_in_silhouette": "👥",
    "calendar": "📅",
    "bar_chart": "📊",
    "inbox_tray": "📥",
    "sunrise": "🌅",
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "large_yellow_circle": "🟡",
    "large_green_circle": "🟢",
    "white_circle": "⚪",
    "x": "❌",
    "wave": "👋",
    "memo": "📝",
    "link": "🔗",
    "rotating_light": "🚨",
    "mag": "🔍",
    "tada": "🎉",
}


@dataclass(frozen=True)
class Clickable:
    """A button or select the person can use by its handle (`#3 take`, `new_ticket`)."""

    handle: str
    element: dict[str, Any]
    block_id: str | None
    channel: str
    message_ts: str | None
    view_id: str | None = None  # on an App Home, which has no channel


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    """A select's options, those of its groups one after the other."""
    groups = element.get("option_groups") or []
    return list(element.get("options") or [o for g in groups for o in g.get("options", [])])


def ticket_of(element: dict[str, Any]) -> int | None:
    """The ticket a button or select acts on, from the value it carries (`{"t": 3, …}`,
    an option's value `{…}|resolved`), if it names one."""
    values = [element.get("value")] + [o.get("value") for o in options_of(element)[:1]]
    for value in values:
        if not isinstance(value, str):
            continue
        try:
            carried = json.loads(value.split("|", 1)[0])
        except ValueError:
            continue
        if isinstance(carried, dict) and isinstance(carried.get("t"), int):
            return int(carried["t"])
    return None


def action_name(action_id: str) -> str:
    """`ticket.take` -> `take`: the word a handle uses for an action."""
    return re.split(r"[.:]", action_id)[-1].lower() or action_id


class Renderer:
    def __init__(
        self,
        name_of: Callable[[str], str],
        *,
        place_name: Callable[[str], str | None] = lambda _id: None,
    ) -> None:
        self._name_of = name_of
        # The name of a channel or user group the workspace knows by its ID.
        self._place_name = place_name
        # The latest drawing of each handle: an older card's buttons are replaced by the
        # newer one's, so a handle always means what the person sees last.
        self.clickables: dict[str, Clickable] = {}
        # The handles each message or view showed when last drawn: a handle its newer
        # drawing no longer has (a Take button once the ticket is taken) is gone.
        self._drawn: dict[tuple[str, str | None, str | None], set[str]] = {}
        self._now_drawn: set[str] = set()

    def mrkdwn(self, text: str) -> str:
        """Slack's mrkdwn as a person reads it in Slack: mentions by name, links by their
        label, emphasis without its marks, entities decoded, emoji as characters."""
        text = DATE.sub(lambda m: m.group(1), text)
        text = slack_ids.MENTION.sub(lambda m: "@" + self._name_of(m.group(1)), text)
        text = SPECIAL.sub(lambda m: "@" + m.group(1), text)
        text = SUBTEAM.sub(
            lambda m: "@" + (m.group(2) or self._place_name(m.group(1)) or "group").lstrip("@"),
            text,
        )
        text = CHANNEL.sub(
            lambda m: "#" + (m.group(2) or self._place_name(m.group(1)) or m.group(1)), text
        )
        text = LINK.sub(lambda m: m.group(2) or m.group(1), text)
        lines = [EMPHASIS.sub(r"\2", line) for line in text.split("\n")]
        text = EMOJI.sub(lambda m: EMOJI_CHARACTERS.get(m.group(1), m.group(0)), "\n".join(lines))
        return html.unescape(text)

    def plain(self, text_object: dict[str, Any]) -> str:
        if text_object.get("type") == "mrkdwn":
            return self.mrkdwn(str(text_object.get("text", "")))
        return html.unescape(EMOJI.sub(_emoji, str(text_object.get("text", ""))))

    def blocks(
        self,
        blocks: list[dict[str, Any]],
        *,
        channel: str = "",
        message_ts: str | None = None,
        view_id: str | None = None,
        ticket: int | None = None,
    ) -> list[str]:
        """The blocks as lines; `ticket` is the one the message is about (its buttons'
        handles name it when their values do not)."""
        lines: list[str] = []
        self._now_drawn = set()
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"== {self.plain(block['text'])} ==")
            elif kind == "section":
                if block.get("text"):
                    lines.extend(self.plain(block["text"]).splitlines())
                fields = [self.plain(f).replace("\n", ": ", 1) for f in block.get("fields", [])]
                if fields:
                    lines.append(" | ".join(fields))
                if block.get("accessory"):
                    where = (channel, message_ts, view_id, ticket)
                    lines.extend(self._elements(block, [block["accessory"]], *where))
            elif kind == "context":
                lines.append(
                    "  " + " ".join(self.plain(e) for e in block["elements"] if "text" in e)
                )
            elif kind == "divider":
                lines.append("-" * 40)
            elif kind == "actions":
                where = (channel, message_ts, view_id, ticket)
                lines.extend(self._elements(block, block.get("elements", []), *where))
        if message_ts is not None or view_id is not None:
            key = (channel, message_ts, view_id)
            for handle in self._drawn.get(key, set()) - self._now_drawn:
                clickable = self.clickables.get(handle)
                if (
                    clickable
                    and (clickable.channel, clickable.message_ts, clickable.view_id) == key
                ):
                    del self.clickables[handle]
            self._drawn[key] = self._now_drawn
        return lines

    def _elements(
        self,
        block: dict[str, Any],
        elements: list[dict[str, Any]],
        channel: str,
        message_ts: str | None,
        view_id: str | None,
        ticket: int | None,
    ) -> list[str]:
        lines = []
        for element in elements:
            if "action_id" not in element or element.get("type") not in _CLICKABLE:
                continue
            # A users select carries no value: the card names its ticket in the block's id.
            about = ticket_of(element) or ticket_of({"value": block.get("block_id")}) or ticket
            if about is not None:
                handle = f"#{about} {action_name(element['action_id'])}"
            else:  # `home new_ticket`, `dm new_ticket`: its whole action ID
                handle = re.sub(r"[.:]+", " ", element["action_id"]).lower()
            self.clickables[handle] = Clickable(
                handle, element, block.get("block_id"), channel, message_ts, view_id
            )
            self._now_drawn.add(handle)
            if element.get("type") == "button":
                lines.append(f"  [{handle}] {self.plain(element['text'])}")
            elif element.get("type") == "users_select":
                placeholder = self.plain(element.get("placeholder", {"text": "…"}))
                lines.append(f"  [{handle} @name] {placeholder}")
            elif options_of(element):
                placeholder = self.plain(element.get("placeholder", {"text": "…"}))
                options = "  ".join(
                    f"({index}) {self.plain(option['text'])}"
                    for index, option in enumerate(options_of(element), start=1)
                )
                lines.append(f"  [{handle} K] {placeholder}: {options}")
        return lines


_CLICKABLE = {"button", "static_select", "overflow", "radio_buttons", "users_select"}


def _emoji(match: re.Match[str]) -> str:
    return EMOJI_CHARACTERS.get(match.group(1), match.group(0))
