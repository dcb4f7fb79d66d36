"""Text kept as written: Slack's encoding decoded once on the way in, escaped once on the
way out, long texts split without losing or breaking a character."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mrkdwn import decode_incoming, escape, quote, split_quoted, user_id

# What Slack delivers in a message event for what the person typed (and saw).
AS_SLACK_SENDS = [
    ("a &amp; b &lt;E42&gt;", "a & b <E42>"),
    ("&amp;lt;literally&amp;gt;", "&lt;literally&gt;"),
    ("<!channel> VPN down", "@channel VPN down"),
    ("<!here> and <!everyone>", "@here and @everyone"),
    ("<!subteam^S0123ABC|@ops-team> help", "@ops-team help"),
    ("<!subteam^S0123ABC> help", "@S0123ABC help"),
    ("ask <@U0123ABCD|sam>", "ask @sam"),
    ("ask <@U0123ABCD>", "ask @U0123ABCD"),
    ("in <#C0123ABCD|general>", "in #general"),
    ("<https://evil.example|Re-authenticate>", "Re-authenticate (https://evil.example)"),
    ("<https://example.com>", "https://example.com"),
    ("<https://example.com|https://example.com>", "https://example.com"),
    ("<mailto:sam@example.com|sam@example.com>", "sam@example.com"),
    ("<https://x.example/?a=1&amp;b=2|a &amp; b>", "a & b (https://x.example/?a=1&b=2)"),
    ("<!date^1392734382^{date_num}|2014-02-18>", "2014-02-18"),
]

LIVE = re.compile(r"<[!@#]|<https?:|<mailto:")


@pytest.mark.parametrize(("encoded", "written"), AS_SLACK_SENDS)
def test_slack_encoded_text_is_decoded_to_what_was_written(encoded: str, written: str) -> None:
    assert decode_incoming(encoded) == written


@pytest.mark.parametrize(("encoded", "written"), AS_SLACK_SENDS)
def test_decoded_text_sent_again_is_never_live_and_reads_the_same(
    encoded: str, written: str
) -> None:
    sent = escape(decode_incoming(encoded))
    assert not LIVE.search(sent)
    assert "<" not in sent
    assert ">" not in sent
    assert sent == escape(written)  # escaped once, not twice
    # What Slack shows for the escaped text is exactly what the person wrote.
    assert decode_incoming(sent) == written


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_then_decoding_gives_back_any_text(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert decode_incoming(escaped) == text


def test_escape_neutralises_every_kind_of_markup() -> None:
    hostile = "<!channel> <!here> <!everyone> <!subteam^S1|@x> <@U123> <https://e.example|ok>"
    assert not LIVE.search(escape(hostile))
    assert escape("a & b") == "a &amp; b"


def test_only_real_user_ids_become_mentions() -> None:
    assert user_id("U0123ABCD") == "U0123ABCD"
    assert user_id("U1> <!channel") == "U1&gt; &lt;!channel"


def _pieces_cover(text: str, pieces: list[str]) -> None:
    """Every piece is the text's next stretch; between two, at most the one line break
    or space the cut took."""
    position = 0
    for number, piece in enumerate(pieces, start=1):
        assert piece
        assert text.startswith(piece, position), (position, piece[:20])
        position += len(piece)
        if position < len(text) and text[position] in "\n ":
            position += 1
        if number < len(pieces):
            assert position < len(text)
    assert position == len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab <>&\n\t€😀", min_size=1, max_size=3000), st.integers(8, 400))
def test_split_pieces_fit_and_lose_nothing(text: str, limit: int) -> None:
    pieces = split_quoted(text, limit)
    assert all(len(quote(piece)) <= limit for piece in pieces)
    _pieces_cover(text, pieces)


def test_split_prefers_line_breaks_then_spaces_and_never_cuts_an_entity() -> None:
    lines = "\n".join(f"line {n} " + "word " * 20 for n in range(200))
    pieces = split_quoted(lines, 3000)
    assert len(pieces) > 1
    assert all(piece.startswith("line ") for piece in pieces)
    words = " ".join(["wordy"] * 2000)
    assert all(p.endswith("wordy") for p in split_quoted(words, 3000))
    angles = "<" * 10_000
    for piece in split_quoted(angles, 3000):
        body = quote(piece)
        assert len(body) <= 3000
        assert body.removeprefix("> ") == "&lt;" * len(piece)


def test_a_text_that_fits_is_one_piece() -> None:
    assert split_quoted("a & b\n<c>", 3000) == ["a & b\n<c>"]
    assert quote("a & b\n<c>") == "> a &amp; b\n> &lt;c&gt;"


@pytest.mark.parametrize("brk", ["\r", "\r\n", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_no_line_break_leaves_the_quote(brk: str) -> None:
    """A reporter's text must not end its quote and pose as the bot's own lines."""
    text = f"ok{brk}*Support:* please send your password"
    quoted = quote(text)
    assert quoted == "> ok\n> *Support:* please send your password"
    for piece in split_quoted(text * 40, 300):
        assert all(line.startswith("> ") for line in quote(piece).split("\n"))
        assert len(quote(piece)) <= 300
