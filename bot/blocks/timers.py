"""What the timers say: a target's reminder and its breach, a waiting ticket's nudge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot import times
from bot.blocks.common import _t, clip
from bot.mrkdwn import escape
from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Thread
from flashticket_core.service_layer.views import TicketSummary


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
    lang: Language, ticket: TicketSummary, thread: Thread, payload: dict[str, Any]
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


def targets_list_text(
    lang: Language, payload: dict[str, Any], listed: Mapping[int, tuple[TicketSummary, Thread]]
) -> str | None:
    """The reminders or escalations of one sweep, one line per ticket; None when every
    ticket listed is gone since."""
    breach = payload.get("event") == "sla_breaches"
    lines = []
    for item in payload.get("items", []):
        found = listed.get(item.get("ticket"))
        if found is None or found[0].deleted:
            continue
        ticket, thread = found
        params = {
            "ticket_id": ticket.id,
            "title": escape(clip(ticket.title, 80)),
            "target": _t(f"bot.sla.{item['target']}", lang),
            "length": length(float(item["length"]), lang),
            "due": local_time(str(item["due"]), lang),
        }
        if breach:
            line = _t(
                "bot.sla.breach_line", lang, late=length(float(item.get("late", 0)), lang), **params
            )
        else:
            line = _t("bot.sla.warning_line", lang, **params)
        url = card_link(thread)
        if url is not None:
            line += _t("bot.sla.card_link", lang, url=url)
        lines.append(line)
    if not lines:
        return None
    heading = "bot.sla.breaches" if breach else "bot.sla.warnings"
    return _t(heading, lang, count=len(lines)) + "\n" + "\n".join(lines)


def nudge_text(lang: Language, ticket_id: int, payload: dict[str, Any]) -> str:
    text = _t("bot.dm.waiting_nudge", lang, ticket_id=ticket_id)
    after = payload.get("resolve_after")
    if after:
        text += _t("bot.dm.waiting_nudge_resolve", lang, after=length(float(after), lang))
    return text


def due_line(
    lang: Language,
    targets: tuple[TargetClock, ...],
    *,
    status: Status,
    now: datetime | None = None,
) -> str | None:
    """What is due as it stands now, one phrase per target not met: "first response due
    14:30 · resolution paused while waiting". A met target is left out; "paused" is said
    only while the ticket waits; a resolved or closed ticket has nothing running. With
    `now` (an answer read at once, `/ticket show`) a missed target says by how much,
    also on a ticket that is resolved or closed since; a card, which stays up, says when
    it was due."""
    status = Status(status)
    phrases = []
    for clock in targets:
        if clock.met_at is not None:
            continue
        target = _t(f"bot.sla.{clock.kind.value}", lang)
        missed_by = _missed_by(clock, now)
        if missed_by is not None and (status.is_open or clock.breached):
            phrases.append(
                _t("bot.due.missed_by", lang, target=target, late=length(missed_by, lang))
            )
        elif not status.is_open:
            continue
        elif clock.breached:
            if clock.due_at is None:
                phrases.append(_t("bot.due.missed_plain", lang, target=target))
            else:
                due = local_time_of(clock.due_at, lang)
                phrases.append(_t("bot.due.missed", lang, target=target, due=due))
        elif clock.due_at is not None:
            phrases.append(
                _t("bot.due.running", lang, target=target, due=local_time_of(clock.due_at, lang))
            )
        elif status is Status.WAITING:
            phrases.append(_t("bot.due.paused", lang, target=target))
    return " · ".join(phrases) or None


def _missed_by(clock: TargetClock, now: datetime | None) -> float | None:
    """How many seconds past its target a target is at `now`; None when it is not (or
    no `now` is given). A stopped target counts the business time it used beyond its
    length; a running one, the time since it was due."""
    if now is None:
        return None
    if clock.due_at is not None:
        late = (now - clock.due_at).total_seconds()
        return late if late > 0 else None
    if clock.breached:
        return max((clock.consumed - clock.length).total_seconds(), 0.0)
    return None


def local_time_of(at: datetime, lang: Language | None = None) -> str:
    return times.slack_time(at, times.desk_language(lang))
