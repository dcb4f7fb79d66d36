"""The App Home's queue as a table: filters and a sort above, a row per ticket (number,
title, status, priority, assignee, age, what is due) with a select that changes its
status or priority in place, and the pages below."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot import times
from bot.blocks.common import _t, clip
from bot.blocks.ids import (
    ANY,
    HOME_QUEUE_ASSIGNEE,
    HOME_QUEUE_NEXT,
    HOME_QUEUE_PREVIOUS,
    HOME_QUEUE_PRIORITY,
    HOME_QUEUE_ROW,
    HOME_QUEUE_SORT,
    HOME_QUEUE_STATUS,
    HOME_QUEUE_TEAM,
    action_value,
)
from bot.blocks.ticket_view import assignee_label, priority_label, status_label
from bot.blocks.timers import due_line
from bot.mrkdwn import escape
from flashticket_core.domain.enums import TRANSITIONS, Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.queue_view import (
    AssigneeFilter,
    QueueSort,
    QueueView,
    pages,
)
from flashticket_core.service_layer.views import Page, TicketSummary

# A row's title, cut to keep the row on a line or two.
TITLE_SHOWN = 80
# Slack's longest option text, and the most options a select has.
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100


def queue_table(
    lang: Language, page: Page, view: QueueView, teams: tuple[tuple[str, str], ...]
) -> list[Block]:
    """The title with the page, the filters, a row per ticket, the page buttons: at most
    HOME_QUEUE_PAGE + 3 blocks."""
    last = pages(page.total)
    title = f"*{_t('bot.home.queue', lang, total=page.total)}*"
    if last > 1:
        title += " · " + _t("bot.home.queue.page", lang, page=view.page, pages=last)
    blocks: list[Block] = [
        SectionBlock(block_id="queue", text=MarkdownTextObject(text=title)),
        ActionsBlock(block_id="queue_filters", elements=_filters(lang, view, teams)),
    ]
    blocks += [_row(lang, ticket) for ticket in page.items]
    if not page.items:
        empty = _t("bot.home.queue.empty", lang)
        blocks.append(SectionBlock(block_id="queue_empty", text=MarkdownTextObject(text=empty)))
    buttons = []
    if view.page > 1:
        buttons.append(_page_button(lang, "previous", HOME_QUEUE_PREVIOUS, view.page - 1))
    if view.page < last:
        buttons.append(_page_button(lang, "next", HOME_QUEUE_NEXT, view.page + 1))
    if buttons:
        blocks.append(ActionsBlock(block_id="queue_pages", elements=buttons))
    return blocks


def row_text(lang: Language, ticket: TicketSummary) -> str:
    """`#12 Title` over status · priority · assignee · opened … · what is due."""
    facts = _t(
        "bot.home.queue.row",
        lang,
        status=status_label(lang, ticket.status),
        priority=priority_label(lang, ticket.priority),
        assignee=assignee_label(lang, ticket.assignee_id),
        opened=times.slack_time(ticket.created_at, lang),
    )
    due = due_line(lang, ticket.targets, status=ticket.status)
    if due is not None:
        facts += " · " + due
    return f"*#{ticket.id}* {escape(clip(ticket.title, TITLE_SHOWN))}\n{facts}"


def _row(lang: Language, ticket: TicketSummary) -> Block:
    value = action_value(ticket.id, ticket.version)
    # Waiting for approval, only its approvers move it on (from their request's buttons).
    statuses = [] if ticket.status is Status.PENDING_APPROVAL else TRANSITIONS[ticket.status]
    groups = [
        OptionGroup(
            label=_t("bot.card.status", lang),
            options=[
                Option(text=status_label(lang, s), value=f"{value}|status:{s.value}")
                for s in sorted(statuses, key=list(Status).index)
            ],
        ),
        OptionGroup(
            label=_t("bot.card.priority", lang),
            options=[
                Option(text=priority_label(lang, p), value=f"{value}|priority:{p.value}")
                for p in Priority
                if p != ticket.priority
            ],
        ),
    ]
    groups = [group for group in groups if group.options]
    return SectionBlock(
        block_id=f"queue_row-{ticket.id}",
        text=MarkdownTextObject(text=row_text(lang, ticket)),
        accessory=StaticSelectElement(
            action_id=HOME_QUEUE_ROW,
            placeholder=_t("bot.home.queue.change", lang),
            option_groups=[group for group in groups if group.options],
        ),
    )


def _filters(
    lang: Language, view: QueueView, teams: tuple[tuple[str, str], ...]
) -> list[StaticSelectElement]:
    """A select per filter (the team's only with more than one team), then the sort;
    each showing what is chosen."""
    selects = []
    if len(teams) > 1:
        options = [(ANY, _t("bot.home.queue.all_teams", lang)), *teams]
        selects.append(_select(HOME_QUEUE_TEAM, options, view.team or ANY))
    statuses = [(s.value, status_label(lang, s)) for s in Status]
    selects.append(
        _select(
            HOME_QUEUE_STATUS,
            [(ANY, _t("bot.home.queue.open", lang)), *statuses],
            view.status or ANY,
        )
    )
    priorities = [(p.value, priority_label(lang, p)) for p in Priority]
    selects.append(
        _select(
            HOME_QUEUE_PRIORITY,
            [(ANY, _t("bot.home.queue.any_priority", lang)), *priorities],
            view.priority or ANY,
        )
    )
    holders = [(a.value, _t(f"bot.home.queue.assignee.{a.value}", lang)) for a in AssigneeFilter]
    selects.append(_select(HOME_QUEUE_ASSIGNEE, holders, view.assignee.value))
    sorts = [(s.value, _t(f"bot.home.queue.sort.{s.value}", lang)) for s in QueueSort]
    selects.append(_select(HOME_QUEUE_SORT, sorts, view.sort.value))
    return selects


def _select(action_id: str, options: list[tuple[str, str]], chosen: str) -> StaticSelectElement:
    """A select of at most Slack's 100 options, showing `chosen` (else the first)."""
    shown = [(value, clip(text, OPTION_TEXT_MAX)) for value, text in options[:OPTIONS_MAX]]
    value, text = next((option for option in shown if option[0] == chosen), shown[0])
    return StaticSelectElement(
        action_id=action_id,
        placeholder=PlainTextObject(text=text),
        options=[Option(value=v, text=t) for v, t in shown],
        initial_option=Option(value=value, text=text),
    )


def _page_button(lang: Language, key: str, action_id: str, page: int) -> ButtonElement:
    return ButtonElement(
        text=_t(f"bot.home.queue.{key}", lang), action_id=action_id, value=str(page)
    )
