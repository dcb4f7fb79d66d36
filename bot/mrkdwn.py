"""Slack's mrkdwn both ways: what a person wrote, freed from Slack's encoding on the way
in; what the bot sends, escaped once on the way out.

On the way in: message text in events (and slash-command text with `should_escape`)
arrives encoded. `&`, `<` and `>` a person typed are `&amp;`, `&lt;`, `&gt;`; a bare `<`
or `>` is always markup: a link `<https://…|label>`, a mention `<@U…|name>`, a channel
`<#C…|name>`, a special mention `<!here>`, `<!subteam^S…|@team>`, `<!date^…|fallback>`.
`decode_incoming` turns that into the plain text the person saw when they wrote it:
a link becomes `label (url)` (or the bare url when the label is the url), a mention
becomes `@name` (or `@U…` when Slack sent no name). Nothing of it stays markup, so a
mention or link a person typed is never live again when the bot repeats their words;
only the people the bot names itself (`<@{user_id}>` of a validated id) are, and the
times it writes itself (`bot.times.slack_time`: a number and its own fallback).
Modal input (`plain_text_input` values of a view submission) arrives as typed, not
encoded, and must not go through `decode_incoming`.

On the way out: every person's text that goes into a mrkdwn field, a message `text` or
a notification fallback goes through `escape`, once. Plain-text objects (headers,
buttons, options, modal fields) are not parsed by Slack and are never escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.slack_ids import is_user_id

_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
# In encoded text a `<` or `>` a person typed is an entity, so a bare pair is markup.
_INCOMING = re.compile(r"<([^<>]*)>|&(?:amp|lt|gt);")
# Special mentions Slack writes as `<!name>`: shown as `@name`.
_BROADCASTS = frozenset({"channel", "here", "everyone", "group"})


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters: this makes them text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user_id(value: str) -> str:
    """A user id to put into `<@…>`: a real one as is, anything else made harmless."""
    # Only the ids the bot names people by become `<@…>` mentions.
    return value if is_user_id(value) else escape(value)


def mention(value: str) -> str:
    """A person the bot names itself, by user id: a live mention."""
    return f"<@{user_id(value)}>"


def _entities(text: str) -> str:
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)


def decode_incoming(text: str) -> str:
    """Message text as Slack encodes it → the plain text the person wrote, decoded once."""
    return _INCOMING.sub(_decode_one, text)


def _decode_one(match: re.Match[str]) -> str:
    markup = match.group(1)
    if markup is None:
        return _ENTITIES[match.group(0)]
    target, _, label = markup.partition("|")
    return _readable(_entities(target), _entities(label))


def _readable(target: str, label: str) -> str:
    if target.startswith("@"):  # a person: <@U123|sam>
        return "@" + (label.removeprefix("@") or target[1:])
    if target.startswith("#"):  # a channel: <#C123|general>
        return "#" + (label.removeprefix("#") or target[1:])
    if target.startswith("!"):
        command = target[1:]
        if command.startswith("date^"):
            return label or command
        if command.startswith("subteam^"):
            return "@" + (label.removeprefix("@") or command.removeprefix("subteam^"))
        if command in _BROADCASTS or not label:
            return "@" + command
        return label
    # A link: <https://x|label>, <mailto:a@b.c|a@b.c>, <https://x>.
    shown = target.removeprefix("mailto:")
    if not label or label in (target, shown):
        return shown
    return f"{label} ({target})"


# Every character a client may show as a line break (str.splitlines' set): a quoted
# text must not leave its quote through a `\r` or U+2028 and pose as the bot's words.
_LINE_BREAK = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def lines(text: str) -> str:
    """`text` with every kind of line break written as `\n`."""
    return _LINE_BREAK.sub("\n", text)


def quote(text: str) -> str:
    """`text` escaped, as a block quote of every line."""
    return "\n".join(f"> {escape(line)}" for line in lines(text).split("\n"))


def split_quoted(text: str, limit: int) -> list[str]:
    """`text` in pieces, in order, each at most `limit` long once `quote`d.

    A piece ends at a line break where there is one in the second half of what fits,
    else at a space, else between two characters (so never inside an entity). The one
    line break or space at a cut is left out; every other character is in a piece.
    """
    if limit < 8:
        raise ValueError("no room for text")
    text = lines(text)
    pieces: list[str] = []
    start = 0
    while True:
        end = _fitting_end(text, start, limit)
        if end == len(text):
            pieces.append(text[start:])
            return pieces
        cut, resume = _cut(text, start, end)
        pieces.append(text[start:cut])
        if resume == len(text):
            return pieces
        start = resume


def _fitting_end(text: str, start: int, limit: int) -> int:
    """The largest end such that quote(text[start:end]) is at most `limit` long."""
    used = 2  # the first line's "> "
    for index, cost in _costs(text, start):
        if used + cost > limit:
            return index
        used += cost
    return len(text)


def _costs(text: str, start: int) -> Iterator[tuple[int, int]]:
    for index in range(start, len(text)):
        char = text[index]
        # A line break also starts the next line's "> ".
        yield index, (3 if char == "\n" else len(escape(char)))


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a piece that may reach `end` ends, and where the next one begins."""
    half = start + (end - start) // 2
    for separator in ("\n", " "):
        at = text.rfind(separator, half, end + 1)
        if at > start:
            return at, at + 1
    return end, end
