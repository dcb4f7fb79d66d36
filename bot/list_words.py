"""The words of `/ticket list`: filters and a page, English and German alike whatever
the person's language (`team:it status:new priority:high mine unassigned page 2`,
`field:floor="1. OG"` as search takes it), read into a `ListRequest`; a word the list
does not take into an `Unaccepted` saying what is wrong with it. Status and priority
take the labels people see (`in-progress`, `Gelöst`), in any case."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from bot.mrkdwn import decode_incoming
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language, translate
from flashticket_core.service_layer.search_terms import MAX_FIELD_FILTERS, FieldFilter

# Each filter's key as written (`priorität:hoch`), by the filter it names.
KEYS: Mapping[str, str] = {
    "team": "team",
    "status": "status",
    "priority": "priority",
    "priorität": "priority",
    "prioritaet": "priority",
    "prio": "priority",
    # Read apart from the others (a value may be quoted, spaces and all); here for
    # telling its typos.
    "field": "field",
}
# The filters of one word.
FLAGS: Mapping[str, str] = {
    "mine": "mine",
    "meine": "mine",
    "unassigned": "unassigned",
    "unzugewiesen": "unassigned",
}
PAGE = frozenset({"page", "seite"})
# `field:floor=EG`, `field:floor="1. OG"` (straight or typographic quotes, as Slack's
# clients may turn them), as search reads them.
FIELD_WORD = re.compile(r"field:([a-z0-9_-]{1,32})=(\S.*)", re.IGNORECASE | re.DOTALL)
OPENING_QUOTES = '"“„”'
CLOSING_QUOTES = '"“”'
# The most words a quoted value is looked for in.
MAX_QUOTED_WORDS = 20
# `field:owner=@sam`: Slack sends the person as `<@U…|sam>`; a people field holds the ID.
PERSON_VALUE = re.compile(r"(field:[A-Za-z0-9_-]{1,32}=)<@([UW][A-Z0-9]{2,31})(?:\|[^<>]*)?>")

# The values as each language writes them: the labels, one word each.
STATUS_WORDS: Mapping[Language, Mapping[Status, str]] = {
    Language.EN: {
        Status.NEW: "new",
        Status.IN_PROGRESS: "in-progress",
        Status.WAITING: "waiting",
        Status.RESOLVED: "resolved",
        Status.CLOSED: "closed",
        Status.PENDING_APPROVAL: "approval",
    },
    Language.DE: {
        Status.NEW: "neu",
        Status.IN_PROGRESS: "in-bearbeitung",
        Status.WAITING: "wartet",
        Status.RESOLVED: "gelöst",
        Status.CLOSED: "geschlossen",
        Status.PENDING_APPROVAL: "freigabe",
    },
}
PRIORITY_WORDS: Mapping[Language, Mapping[Priority, str]] = {
    Language.EN: {Priority.HIGH: "high", Priority.MEDIUM: "medium", Priority.LOW: "low"},
    Language.DE: {Priority.HIGH: "hoch", Priority.MEDIUM: "mittel", Priority.LOW: "niedrig"},
}
# The key and the one-word filters as each language writes them.
WRITTEN: Mapping[Language, Mapping[str, str]] = {
    Language.EN: {"priority": "priority", "mine": "mine", "unassigned": "unassigned"},
    Language.DE: {"priority": "priorität", "mine": "meine", "unassigned": "unzugewiesen"},
}
Kind = TypeVar("Kind", Status, Priority)
# A team's id as the desk file writes them.
TEAM_ID = re.compile(r"[a-z0-9_-]{1,32}")
# The longest page number taken.
PAGE_DIGITS = 6


@dataclass(frozen=True)
class ListRequest:
    """What `/ticket list` was asked for: each filter given narrows the list."""

    team: str | None = None
    status: Status | None = None
    priority: Priority | None = None
    mine: bool = False
    unassigned: bool = False
    page: int = 1
    # `field:<id>=<value>`: tickets with this value (as written, Slack's encoding undone).
    fields: tuple[FieldFilter, ...] = ()

    @property
    def filtered(self) -> bool:
        """Whether anything beyond `mine` narrows the list."""
        return bool(self.team or self.status or self.priority or self.unassigned or self.fields)

    def words(self, lang: Language) -> list[str]:
        """The filters as `lang` writes them (the page aside): a title, the next page's
        command."""
        written = WRITTEN[lang]
        words = [f"team:{self.team}"] if self.team else []
        if self.status:
            words.append(f"status:{STATUS_WORDS[lang][self.status]}")
        if self.priority:
            words.append(f"{written['priority']}:{PRIORITY_WORDS[lang][self.priority]}")
        words += [written[flag] for flag in ("mine", "unassigned") if getattr(self, flag)]
        for wanted in self.fields:
            value = wanted.value
            words.append(
                f'field:{wanted.field_id}="{value}"'
                if " " in value
                else f"field:{wanted.field_id}={value}"
            )
        return words


@dataclass(frozen=True)
class Unaccepted:
    """A word the list does not take: `word` as written; `problem` says why (a word it
    does not know, a value its key does not know, a filter given twice, a page without
    its number); `key` is the filter whose value is unknown; `suggestion` the word most
    likely meant."""

    word: str
    problem: Literal["word", "value", "twice", "page", "field"]
    key: str | None = None
    suggestion: str | None = None


def read_list_words(
    words: Iterable[str], teams: Collection[str] | None
) -> ListRequest | Unaccepted:
    """The request `words` make, or what is wrong with the first word it cannot take.
    `teams` are the desk's team ids; None takes any id (for telling a typo of `list`)."""
    given: dict[str, Any] = {}
    fields: list[FieldFilter] = []
    rest = list(words)
    while rest:
        word, rest = rest[0], rest[1:]
        if word[:6].lower() == "field:":
            wanted, rest = _field_filter(word, rest)
            if wanted is None or len({*fields, wanted}) > MAX_FIELD_FILTERS:
                return Unaccepted(word, "field")
            fields += [wanted] if wanted not in fields else []
            given["fields"] = tuple(fields)
            continue
        lowered = word.lower()
        if lowered in PAGE:
            number = _page_number(rest[0]) if rest else 0
            if not number or "page" in given:
                return Unaccepted(word, "page")
            given["page"], rest = number, rest[1:]
            continue
        key, colon, value = lowered.partition(":")
        name = FLAGS.get(lowered) or (KEYS.get(key) if colon else None)
        if name is None:
            return Unaccepted(word, "word", suggestion=_meant_word(lowered))
        if name in given:
            return Unaccepted(word, "twice")
        found = True if name in FLAGS.values() else _value(name, value, teams)
        if found is None:
            return Unaccepted(word, "value", name, _meant_value(name, key, value, teams))
        given[name] = found
    return ListRequest(**given)


def _field_filter(word: str, rest: list[str]) -> tuple[FieldFilter | None, list[str]]:
    """The field filter `word` starts, as search reads it (a quoted value may go on in
    the next words), and the words after it; None for one written wrongly."""
    found = FIELD_WORD.fullmatch(PERSON_VALUE.sub(r"\1\2", word))
    if found is None:
        return None, rest
    field_id, value = found.group(1).lower(), found.group(2)
    if value[:1] in OPENING_QUOTES:
        parts = [value[1:]]
        while not (parts[-1] and parts[-1][-1] in CLOSING_QUOTES):
            if not rest or len(parts) > MAX_QUOTED_WORDS:
                return None, rest
            parts.append(rest[0])
            rest = rest[1:]
        value = " ".join(parts)[:-1]
    value = decode_incoming(value).strip()
    return (FieldFilter(field_id, value) if value else None), rest


def accepted_values(key: str, lang: Language, teams: Collection[str]) -> list[str]:
    """The values `key` takes, as `lang` writes them."""
    if key == "team":
        return list(teams)
    words = STATUS_WORDS if key == "status" else PRIORITY_WORDS
    return list(words[lang].values())


def _value(name: str, value: str, teams: Collection[str] | None) -> object | None:
    if name == "team":
        known = TEAM_ID.fullmatch(value) if teams is None else value in teams
        return value if known else None
    names = STATUS_NAMES if name == "status" else PRIORITY_NAMES
    return names.get(squeezed(value))


def _meant_word(word: str) -> str | None:
    """The filter a mistyped word most likely meant: `prio:hihg` may be a value's typo
    too, so only its key is put right (`priority:hihg` then names the values)."""
    key, colon, value = word.partition(":")
    if colon:
        close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
        return f"{close[0]}:{value}" if close else None
    close = difflib.get_close_matches(word, [*FLAGS, *PAGE, *(f"{k}:" for k in KEYS)], n=1)
    return close[0] if close else None


def _meant_value(name: str, key: str, value: str, teams: Collection[str] | None) -> str | None:
    if name == "team":
        candidates = list(teams or ())
    else:
        words = STATUS_WORDS if name == "status" else PRIORITY_WORDS
        candidates = [word for lang in Language for word in words[lang].values()]
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return f"{key}:{close[0]}" if close else None


def _page_number(word: str) -> int:
    """A page's number, or 0 for a word that is none."""
    return int(word) if word.isdecimal() and len(word) <= PAGE_DIGITS else 0


def squeezed(text: str) -> str:
    """A value as compared: lower case, umlauts spelt out, without spaces, hyphens and
    underscores (`In Bearbeitung`, `in-bearbeitung` and `in_bearbeitung` are one)."""
    text = text.lower()
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelt)
    return re.sub(r"[\s_-]", "", text)


def _names(words: Mapping[Language, Mapping[Kind, str]], label: str) -> dict[str, Kind]:
    """Every way a status or priority is written: its value, its label and its word in
    each language."""
    names: dict[str, Kind] = {}
    for lang in Language:
        for kind, word in words[lang].items():
            for text in (kind.value, word, translate(f"{label}.{kind.value}", lang)):
                names[squeezed(text)] = kind
    return names


STATUS_NAMES = _names(STATUS_WORDS, "status")
PRIORITY_NAMES = _names(PRIORITY_WORDS, "priority")
