"""The morning digest in the support channel: the counts, the oldest waiting tickets and
the top of the open queue; breached and due today once the timers fill them in."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock, MarkdownTextObject, SectionBlock

from bot import times
from bot.blocks.answers import ticket_line
from bot.blocks.common import HEADER_MAX, Blocks, _t, clip, fitting_lines, render
from bot.mrkdwn import escape
from flashticket_core.i18n import Language
from flashticket_core.service_layer.digest import Digest, DigestTicket


def _line(lang: Language, ticket: DigestTicket) -> str:
    return ticket_line(lang, ticket)


def digest_counts(lang: Language, digest: Digest) -> str:
    """`Open: *7* · Unassigned: *2* · Waiting: *1*`, then breached and due today when the
    timers engine counted them."""
    counts = [
        ("bot.digest.open", digest.open),
        ("bot.digest.unassigned", digest.unassigned),
        ("bot.digest.waiting", digest.waiting),
        ("bot.digest.breached", digest.breached),
        ("bot.digest.due_today", digest.due_today),
    ]
    return " · ".join(_t(key, lang, count=count) for key, count in counts if count is not None)


def _lists(digest: Digest) -> list[tuple[str, Sequence[DigestTicket]]]:
    return [
        ("bot.digest.breached_list", digest.breached_tickets),
        ("bot.digest.due_today_list", digest.due_today_tickets),
        ("bot.digest.oldest_waiting", digest.oldest_waiting),
        ("bot.digest.top_open", digest.top_open),
    ]


def digest_title(lang: Language, digest: Digest, team: str | None = None) -> str:
    """Plain text; with `team` (a team's name, as written) the digest names its team."""
    day = times.plain_date(digest.day, lang)
    if team is None:
        return _t("bot.digest.title", lang, day=day)
    return _t("bot.digest.title.team", lang, day=day, team=team)


def digest_text(lang: Language, digest: Digest, team: str | None = None) -> str:
    """The whole digest as one mrkdwn text (the notification and the fallback)."""
    title = digest_title(lang, digest, None if team is None else escape(team))
    parts = [f"*{title}*", digest_counts(lang, digest)]
    for key, tickets in _lists(digest):
        if tickets:
            parts.append(f"*{_t(key, lang)}*")
            parts.extend(_line(lang, ticket) for ticket in tickets)
    if not digest.open:
        parts.append(_t("bot.digest.nothing_open", lang))
    return "\n".join(parts)


def digest_blocks(lang: Language, digest: Digest, team: str | None = None) -> Blocks:
    blocks: list[Block] = [
        HeaderBlock(text=clip(digest_title(lang, digest, team), HEADER_MAX)),
        SectionBlock(text=MarkdownTextObject(text=digest_counts(lang, digest))),
    ]
    for key, tickets in _lists(digest):
        if not tickets:
            continue
        heading = f"*{_t(key, lang)}*"
        lines = fitting_lines([_line(lang, ticket) for ticket in tickets], heading=heading)
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join([heading, *lines]))))
    if not digest.open:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=_t("bot.digest.nothing_open", lang)))
        )
    return render(blocks)
