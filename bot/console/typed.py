"""What a person types at the console, taken apart: a button or list by its handle
(`#3 status`) and the choice after it, a file's path and the text after it."""

from __future__ import annotations

from collections.abc import Mapping


def first_path(text: str) -> tuple[str, str]:
    """The path at the start of `text` (`"My Documents/a.log" rest` or `a.log rest`), and
    what follows it."""
    text = text.lstrip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end == -1:
            return "", text
        return text[1:end], text[end + 1 :].lstrip()
    path, _, rest = text.partition(" ")
    return path, rest


def handle_and_choice(words: list[str], known: Mapping[str, object]) -> tuple[str, str]:
    """`["#3", "status", "2"]` -> ("#3 status", "2"): the longest known handle the words
    begin with (`#` may be left out), and what follows it."""
    if words and words[0].isdigit():
        words = ["#" + words[0], *words[1:]]
    for length in range(len(words), 0, -1):
        handle = " ".join(words[:length])
        if handle in known:
            return handle, " ".join(words[length:])
    return "", ""
