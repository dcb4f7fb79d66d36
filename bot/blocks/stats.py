"""What `/ticket stats` and the local `flashticket stats` show: the key figures of a
period, for one team or every team the reader may see; the App Home reuses its lines."""

from __future__ import annotations

from slack_sdk.models.blocks import HeaderBlock, MarkdownTextObject, SectionBlock

from bot import times
from bot.blocks.approvals import approvals_line
from bot.blocks.common import HEADER_MAX, Blocks, _t, clip, render
from bot.blocks.ticket_view import priority_label, status_label
from flashticket_core.domain.clock import TargetKind
from flashticket_core.domain.enums import Priority
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import Kpis, Statistics


def statistics_title(lang: Language, stats: Statistics, team: str | None = None) -> str:
    """Plain text; with `team` (a team's name, as written) the figures name their team."""
    if team is None:
        return _t("bot.stats.title", lang, days=stats.period_days)
    return _t("bot.stats.title.team", lang, days=stats.period_days, team=team)


def statistics(lang: Language, stats: Statistics, team: str | None = None) -> Blocks:
    return render(
        [
            HeaderBlock(text=clip(statistics_title(lang, stats, team), HEADER_MAX)),
            SectionBlock(text=MarkdownTextObject(text=_statistics_body(lang, stats))),
        ]
    )


def statistics_text(lang: Language, stats: Statistics) -> str:
    """The key figures as plain lines (the local `flashticket stats` writes them to a file)."""
    title = _t("bot.stats.title", lang, days=stats.period_days)
    return f"{title}\n{_statistics_body(lang, stats).replace('*', '')}\n"


def _statistics_body(lang: Language, stats: Statistics) -> str:
    kpis = stats.kpis
    body = _t(
        "bot.stats.body",
        lang,
        open_total=kpis.open_total,
        by_status=open_by_status(lang, kpis),
        by_priority=open_by_priority(lang, kpis),
        opened_today=kpis.opened_today,
        replied=kpis.first_replies_in_period,
        first_reply=median(lang, kpis.median_seconds_to_first_reply),
        resolved=kpis.resolved_in_period,
        median=median(lang, kpis.median_seconds_to_resolve),
    )
    if kpis.targets_met:
        body += "\n" + _t("bot.stats.targets", lang, shares=targets_met(lang, kpis))
    if stats.approvals.decided or stats.approvals.waiting:
        body += "\n" + approvals_line(lang, stats.approvals, median)
    return body


def targets_met(lang: Language, kpis: Kpis) -> str:
    """The share of targets met in time: "High first response 90 % (9 of 10), …"."""
    parts = []
    for priority in Priority:
        for kind in TargetKind:
            met, missed = kpis.targets_met.get((priority, kind), (0, 0))
            if met + missed:
                parts.append(
                    _t(
                        "bot.stats.target_share",
                        lang,
                        priority=priority_label(lang, priority),
                        target=_t(f"bot.sla.{kind.value}", lang),
                        share=round(100 * met / (met + missed)),
                        met=met,
                        total=met + missed,
                    )
                )
    return ", ".join(parts)


def open_by_status(lang: Language, kpis: Kpis) -> str:
    """The open tickets counted by status: "New 2, In progress 1, Waiting for reply 0"."""
    return ", ".join(f"{status_label(lang, s)} {n}" for s, n in kpis.open_by_status.items())


def open_by_priority(lang: Language, kpis: Kpis) -> str:
    return ", ".join(f"{priority_label(lang, p)} {n}" for p, n in kpis.open_by_priority.items())


def median(lang: Language, seconds: float | None) -> str:
    """A median duration, or the words for "none yet"."""
    return _t("bot.stats.none", lang) if seconds is None else times.duration(seconds, lang)
