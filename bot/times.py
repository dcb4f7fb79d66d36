"""Moments and durations as the bot writes them.

A moment in mrkdwn is Slack's date markup, `<!date^UNIX^{date_short_pretty} {time}|…>`:
each reader sees it in their own time zone and format ("Today 10:03", "8. Dez. 10:03").
Its fallback, and every moment where Slack shows text as it is (headers, buttons,
options, modal titles, a notification's `text`), is written in the help desk's zone
(`FLASHTICKET_TIMEZONE`) the way the language writes it: `2026-12-08 10:03` in English,
`08.12.2026 10:03` in German.

The markup is built here, from a number and the bot's own fallback, after everything a
person wrote has been escaped; a `<!date^…>` a person typed arrives as `&lt;!date^…&gt;`
and never matches `BOT_DATE`, so it stays text.

The help desk's zone is one setting for the whole process: `use_desk` is called where the
app is built, before any message is rendered.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.mrkdwn import escape
from bot.words import translate
from flashticket_core.i18n import Language

_zone: list[ZoneInfo] = [ZoneInfo("UTC")]
_language: list[Language] = [Language.EN]

SLACK_DATE_FORMAT = "{date_short_pretty} {time}"
# The markup `slack_time` writes: a timestamp, the format above, a fallback without
# `<`, `>` or `|` (escaped). Nothing a person wrote has a bare `<`.
BOT_DATE = re.compile(r"<!date\^(\d+)\^\{date_short_pretty\} \{time\}\|([^<>|]*)>")


def use_desk(zone: ZoneInfo, language: Language) -> None:
    """The help desk's zone, for every fallback this process writes, and its language,
    for a helper that is not told one."""
    _zone[0] = zone
    _language[0] = language


def desk_zone() -> ZoneInfo:
    return _zone[0]


def desk_language(lang: Language | None = None) -> Language:
    return _language[0] if lang is None else lang


def plain_time(at: datetime, lang: Language) -> str:
    """A moment as text in the help desk's zone: `2026-12-08 10:03`, `08.12.2026 10:03`."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(desk_zone())
    return local.strftime("%d.%m.%Y %H:%M" if lang is Language.DE else "%Y-%m-%d %H:%M")


def plain_date(day: date, lang: Language) -> str:
    """A calendar day: `2026-12-08`, `08.12.2026`."""
    return day.strftime("%d.%m.%Y" if lang is Language.DE else "%Y-%m-%d")


def slack_time(at: datetime, lang: Language) -> str:
    """A moment for mrkdwn: each reader's own zone and format, the help desk's as fallback."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    stamp = int(moment.timestamp())
    return f"<!date^{stamp}^{SLACK_DATE_FORMAT}|{escape(plain_time(moment, lang))}>"


def plain_times(text: str) -> str:
    """mrkdwn `text` with the bot's date markup replaced by its fallback (still escaped):
    for a notification's `text`. A plain-text object (header, option, modal title) takes
    `plain_time` instead."""
    return BOT_DATE.sub(lambda match: match.group(2), text)


def duration(seconds: float, lang: Language) -> str:
    """A length of time in the largest units that say it: `2 days 4 h`, `1 Tag`,
    `3 Std. 5 Min.`, `12 min`, `40 s`."""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [_unit("days", days, lang)] + ([_unit("hours", hours, lang)] if hours else [])
    elif hours:
        parts = [_unit("hours", hours, lang)]
        parts += [_unit("minutes", minutes, lang)] if minutes else []
    elif minutes:
        parts = [_unit("minutes", minutes, lang)]
    else:
        parts = [_unit("seconds", secs, lang)]
    return " ".join(parts)


def _unit(unit: str, count: int, lang: Language) -> str:
    return translate(f"bot.unit.{unit}", lang, count=count)
