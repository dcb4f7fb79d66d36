"""What a person typed into a search, as terms: a term is a whole word; `word*` also
finds longer words that begin with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MIN_PREFIX_LENGTH = 3
# Letters and digits, and an optional trailing `*`; everything else (punctuation,
# underscores, spaces) separates words, as both databases' tokenizers do.
_TERM = re.compile(r"([^\W_]+)(\*?)")


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


def terms_of(words: str) -> list[Term]:
    """The search terms in what a person typed: lower case, at most MAX_TERMS."""
    terms: list[Term] = []
    for word, star in _TERM.findall(words.lower()):
        term = Term(word[:MAX_TERM_LENGTH], prefix=bool(star) and len(word) >= MIN_PREFIX_LENGTH)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class FieldFilter:
    """`field:<id>=<value>`: tickets whose field `id` has exactly this value."""

    field_id: str
    value: str


MAX_FIELD_FILTERS = 4
# `field:floor=EG`, `field:floor="1. OG"` (straight or typographic quotes, as Slack's
# clients may turn them).
_FIELD = re.compile(r"""field:([a-z0-9_-]{1,32})=(?:["“„”]([^"“”]*)["“”]|(\S+))""", re.IGNORECASE)


def field_filters_of(words: str) -> tuple[list[FieldFilter], str]:
    """The `field:<id>=<value>` filters in what a person typed, and the rest of it."""
    filters: list[FieldFilter] = []
    for match in _FIELD.finditer(words):
        value = (match.group(2) if match.group(2) is not None else match.group(3)).strip()
        wanted = FieldFilter(match.group(1).lower(), value)
        if value and wanted not in filters:
            filters.append(wanted)
    return filters[:MAX_FIELD_FILTERS], _FIELD.sub(" ", words)
