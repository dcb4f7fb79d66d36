"""What every surface shares: Slack's limits, clipping, and fitting lines into a section.

slack_sdk's model classes check Slack's limits when `to_dict()` runs, so a layout
mistake fails in a test, not in a workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.mrkdwn import quote, split_quoted, user_id
from bot.words import translate
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.i18n import Language

SECTION_MAX = 3000
HEADER_MAX = 150
# What a section keeps free beside its lines for the one saying how many were left out.
_MORE_ROOM = 100

Blocks = list[dict[str, Any]]


def clip(text: str, limit: int) -> str:
    """Plain text cut to `limit`; escape after clipping, so no entity is ever cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _t(key: str, lang: Language, **params: Any) -> str:
    return translate(key, lang, **params)


def render(blocks: Sequence[Block]) -> Blocks:
    return [block.to_dict() for block in blocks]


def text_blocks(text: str) -> Blocks:
    return render([SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))])


def fitting_lines(lines: Sequence[str], *, heading: str = "", newest: bool = False) -> list[str]:
    """As many whole `lines` as fit in one section beside `heading`, in their order: the
    first ones, or with `newest` the last ones. Room is kept for a line saying how many
    were left out."""
    kept: list[str] = []
    budget = SECTION_MAX - len(heading) - _MORE_ROOM
    for line in reversed(lines) if newest else lines:
        if len(line) + 1 > budget:
            break
        kept.append(line)
        budget -= len(line) + 1
    return kept[::-1] if newest else kept


def quote_clipped(text: str, limit: int) -> str:
    """As much of `text` as a quote of at most `limit` characters holds, cut at a line
    break or a space where possible, "…" saying there is more."""
    pieces = split_quoted(text, limit - 2)
    return quote(pieces[0]) + (" …" if len(pieces) > 1 else "")


def actor_text(lang: Language, actor_id: str) -> str:
    """Who did something: a person as a mention, the help desk itself in words."""
    if actor_id == SYSTEM_ACTOR:
        return _t("bot.actor.system", lang)
    return f"<@{user_id(actor_id)}>"
