"""What the Slack bot says, in English and German, by area: the card and its forms, the
reporter's DM thread, the card's thread, the targets, the commands' answers, the
administrators' words and App Home. Each area module holds its `WORDS`; `CATALOG` is
all of them, and a key is in one area only.

The bot's words carry Slack mrkdwn (`*bold*`, `<@…>` mentions, backticks), so they live
in the adapter; the core's catalog stays plain text. `translate` looks here first and
falls back to the core's catalog for the words the bot reuses (status, priority and role
labels, chart titles, the core's error messages).
"""

from __future__ import annotations

from typing import Any

from bot.words import (
    admin,
    approvals,
    card,
    commands,
    following,
    home,
    replies,
    reporter,
    targets,
    thread,
)
from flashticket_core import i18n
from flashticket_core.i18n import Language

Catalog = dict[str, dict[Language, str]]


def merged(*areas: Catalog) -> Catalog:
    """The areas' words in one catalog; a key in two areas is a mistake, found at import."""
    catalog: Catalog = {}
    for area in areas:
        twice = catalog.keys() & area.keys()
        if twice:
            raise ValueError(f"the bot's words say these twice: {sorted(twice)}")
        catalog.update(area)
    return catalog


CATALOG: Catalog = merged(
    card.WORDS,
    reporter.WORDS,
    thread.WORDS,
    targets.WORDS,
    commands.WORDS,
    admin.WORDS,
    home.WORDS,
    replies.WORDS,
    approvals.WORDS,
    following.WORDS,
)

# The number a text counts, by the name of its placeholder: a key with a `.one` twin
# (beside it, in its area) uses the twin when that number is 1 ("1 ticket", "letzter Tag").
COUNTED = ("count", "days", "attempts")


def translate(key: str, language: Language | str = Language.EN, **params: Any) -> str:
    """The text for `key` in `language`, the bot's own words first, then the core's.

    An unknown key is a programming error and raises KeyError, so tests catch it.
    """
    counted = next((params[name] for name in COUNTED if name in params), None)
    if counted == 1 and f"{key}.one" in CATALOG:
        key = f"{key}.one"
    texts = CATALOG.get(key)
    if texts is None:
        return i18n.translate(key, language, **params)
    return texts[Language(language)].format(**params)
