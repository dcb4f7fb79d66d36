"""The App Home tab: a person's own tickets; for support also the queue and the figures."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.answers import ticket_line
from bot.blocks.common import _t, clip, fitting_lines
from bot.blocks.home_queue import queue_table
from bot.blocks.ids import HOME_NEW_TICKET
from bot.blocks.stats import median, open_by_priority, open_by_status
from bot.blocks.timers import due_line
from bot.mrkdwn import escape
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import Kpis
from flashticket_core.service_layer.queue_view import QueueView
from flashticket_core.service_layer.views import Home, HomeTicket, Page


def home(lang: Language, data: Home) -> dict[str, Any]:
    """The App Home tab: a fixed number of blocks whatever the number of tickets."""
    blocks: list[Block] = [
        HeaderBlock(text=_t("bot.home.title", lang)),
        ActionsBlock(
            block_id="home_actions",
            elements=[
                ButtonElement(
                    text=_t("bot.home.new_ticket", lang),
                    action_id=HOME_NEW_TICKET,
                    value="new",
                    style="primary",
                )
            ],
        ),
    ]
    if data.kpis is not None:
        blocks.append(DividerBlock())
        blocks.append(_figures(lang, data.kpis))
    if data.queue is not None:
        blocks.append(DividerBlock())
        blocks += queue_table(lang, data.queue, data.queue_view or QueueView(), data.teams)
    if data.assigned_to_me is not None:
        title = _t("bot.home.assigned", lang, total=data.assigned_to_me.total)
        blocks.append(_page_section(lang, "assigned", title, data.assigned_to_me))
    blocks.append(DividerBlock())
    blocks.append(
        _home_tickets(
            lang,
            "my_open",
            _t("bot.home.my_open", lang, total=data.my_open.total),
            data.my_open_with_replies,
            data.my_open.total,
        )
    )
    if data.my_recently_finished:
        blocks.append(
            _home_tickets(
                lang,
                "finished",
                _t("bot.home.recently_finished", lang),
                data.my_recently_finished,
                len(data.my_recently_finished),
            )
        )
    rendered = View(type="home", blocks=blocks).to_dict()
    # A new block_id for each block with buttons or selects whenever the Home shows
    # something else, as Slack asks of an updated surface: with the same one, a client
    # keeps showing the choice last made in a select (an unchanged Home keeps its ids).
    digest = hashlib.sha256(json.dumps(rendered, sort_keys=True).encode()).hexdigest()[:12]
    for block in rendered["blocks"]:
        if block.get("block_id", "").startswith(("home_actions", "queue_")):
            block["block_id"] += f"-{digest}"
    return rendered


def _figures(lang: Language, kpis: Kpis) -> Block:
    figures = [
        (_t("bot.home.kpi.open", lang), f"{kpis.open_total} ({open_by_status(lang, kpis)})"),
        (_t("bot.home.kpi.today", lang), str(kpis.opened_today)),
        (_t("bot.home.kpi.first_reply", lang), median(lang, kpis.median_seconds_to_first_reply)),
        (_t("bot.home.kpi.resolve", lang), median(lang, kpis.median_seconds_to_resolve)),
        (_t("bot.home.kpi.by_priority", lang), open_by_priority(lang, kpis)),
    ]
    return SectionBlock(
        block_id="kpis",
        text=MarkdownTextObject(text=f"*{_t('bot.home.kpis', lang, days=kpis.period_days)}*"),
        fields=[MarkdownTextObject(text=f"*{name}*\n{value}") for name, value in figures],
    )


def _page_section(
    lang: Language,
    block_id: str,
    title: str,
    page: Page,
) -> Block:
    lines = []
    for ticket in page.items:
        line = ticket_line(lang, ticket)
        what_is_due = due_line(lang, ticket.targets, status=ticket.status)
        if what_is_due is not None:
            line += "\n      " + what_is_due
        lines.append(line)
    return _listing(lang, block_id, title, lines, page.total)


def _home_tickets(
    lang: Language, block_id: str, title: str, tickets: list[HomeTicket], total: int
) -> Block:
    lines = []
    for item in tickets:
        line = ticket_line(lang, item.ticket)
        if item.latest_support_reply:
            reply = escape(clip(" ".join(item.latest_support_reply.split()), 120))
            line += "\n      _" + _t("bot.home.latest_reply", lang, text=reply) + "_"
        lines.append(line)
    return _listing(lang, block_id, title, lines, total)


def _listing(lang: Language, block_id: str, title: str, lines: list[str], total: int) -> Block:
    """A titled list that fits one section, saying how many more there are."""
    kept = fitting_lines(lines, heading=title)
    body = "\n".join(kept) or _t("bot.list.empty", lang)
    if total > len(kept):
        body += "\n" + _t("bot.list.more", lang, count=total - len(kept))
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=f"*{title}*\n{body}"))
