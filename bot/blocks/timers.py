"""What the timers say: a target's reminder and its breach, a waiting ticket's nudge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import times
from bot.blocks.common import _t
from bot.mrkdwn import escape
from flashticket_core.domain.clock import TargetClock
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import Thread, TicketState


def length(seconds: float, lang: Language | None = None) -> str:
    """A target's length or a delay, in the largest units that say it: `2 days 4 h`,
    `3 Std. 5 Min.`, `12 min`, `40 s`."""
    return times.duration(seconds, times.desk_language(lang))


def local_time(iso: str, lang: Language | None = None) -> str:
    """A moment for mrkdwn: Slack shows each reader their own zone and format, with the
    help desk's zone as the fallback."""
    return times.slack_time(datetime.fromisoformat(iso), times.desk_language(lang))


def card_link(thread: Thread) -> str | None:
    """The card's archive link: Slack opens it in the workspace that has the message."""
    if not (thread.support_channel and thread.support_ts):
        return None
    return (
        f"https://slack.com/archives/{thread.support_channel}/p{thread.support_ts.replace('.', '')}"
    )


def target_text(
    lang: Language, ticket: TicketState, thread: Thread, payload: dict[str, Any]
) -> str:
    """A reminder that a target is near, or the escalation of a missed one."""
    params = {
        "ticket_id": ticket.id,
        "title": escape(ticket.title),
        "target": _t(f"bot.sla.{payload['target']}", lang),
        "length": length(float(payload["length"]), lang),
        "due": local_time(str(payload["due"]), lang),
    }
    if payload.get("event") == "sla_breach":
        text = _t(
            "bot.sla.breach", lang, late=length(float(payload.get("late", 0)), lang), **params
        )
    else:
        text = _t("bot.sla.warning", lang, **params)
    url = card_link(thread)
    if url is not None:
        text += _t("bot.sla.card_link", lang, url=url)
    return text


def nudge_text(lang: Language, ticket_id: int, payload: dict[str, Any]) -> str:
    text = _t("bot.dm.waiting_nudge", lang, ticket_id=ticket_id)
    after = payload.get("resolve_after")
    if after:
        text += _t("bot.dm.waiting_nudge_resolve", lang, after=length(float(after), lang))
    return text


def due_line(
    lang: Language, targets: tuple[TargetClock, ...], *, now: datetime | None = None
) -> str | None:
    """What is due, one phrase per open target: "first response due 14:30 · resolution
    2 h late". With `now` (an answer read at once) a missed target says how late; a
    card, which stays up, says when it was due."""
    phrases = []
    for clock in targets:
        if clock.met_at is not None:
            continue
        target = _t(f"bot.sla.{clock.kind.value}", lang)
        if clock.due_at is None:
            phrases.append(_t("bot.due.paused", lang, target=target))
        elif now is not None and now > clock.due_at:
            late = length((now - clock.due_at).total_seconds(), lang)
            phrases.append(_t("bot.due.late", lang, target=target, late=late))
        elif clock.breached:
            phrases.append(
                _t("bot.due.missed", lang, target=target, due=local_time_of(clock.due_at, lang))
            )
        else:
            phrases.append(
                _t("bot.due.running", lang, target=target, due=local_time_of(clock.due_at, lang))
            )
    return " · ".join(phrases) or None


def local_time_of(at: datetime, lang: Language | None = None) -> str:
    return times.slack_time(at, times.desk_language(lang))
