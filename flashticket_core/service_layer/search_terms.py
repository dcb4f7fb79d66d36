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
