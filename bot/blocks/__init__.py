"""Block Kit, built by small pure functions from the core's read models.

slack_sdk's model classes check Slack's limits when `to_dict()` runs, so a layout
mistake fails in a test, not in a workspace.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.mrkdwn import escape, quote, split_quoted, user_id
from flashticket_core.domain.enums import TRANSITIONS, EntryKind, Priority, Role, Status
from flashticket_core.domain.model import DESCRIPTION_MAX, ENTRY_MAX, TITLE_MAX
from flashticket_core.i18n import Language, translate
from flashticket_core.service_layer.dashboard import Statistics
from flashticket_core.service_layer.delivery import TicketState
from flashticket_core.service_layer.views import (
    Home,
    HomeTicket,
    Page,
    TicketDetail,
    TicketSummary,
)

SECTION_MAX = 3000
MESSAGE_BLOCKS_MAX = 50
# Slack's own cap on a plain_text_input's max_length.
INPUT_MAX = 3000

# Callback and action IDs: the contract between the blocks and the listeners.
NEW_TICKET = "new_ticket"
SUPPORT_REPLY = "support_reply"
INTERNAL_NOTE = "internal_note"
TAKE = "ticket.take"
STATUS = "ticket.status"
PRIORITY = "ticket.priority"
REPLY = "ticket.reply"
NOTE = "ticket.note"
HOME_NEW_TICKET = "home.new_ticket"
REOPEN = "reporter.reopen"
RATE = "reporter.rate"

Blocks = list[dict[str, Any]]


def clip(text: str, limit: int) -> str:
    """Plain text cut to `limit`; escape after clipping, so no entity is ever cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def action_value(ticket_id: int, version: int) -> str:
    """What a card's buttons carry: the ticket and the version the clicker saw."""
    return json.dumps({"t": ticket_id, "v": version}, separators=(",", ":"))


def _t(key: str, lang: Language, **params: Any) -> str:
    return translate(key, lang, **params)


def _render(blocks: Sequence[Block]) -> Blocks:
    return [block.to_dict() for block in blocks]


# -- modals -------------------------------------------------------------------


def new_ticket_modal(lang: Language, *, title: str = "") -> dict[str, Any]:
    priority_options = [Option(text=_t(p.label_key, lang), value=p.value) for p in Priority]
    medium = priority_options[1]
    view = View(
        type="modal",
        callback_id=NEW_TICKET,
        title=PlainTextObject(text=_t("bot.modal.new.title", lang)),
        submit=PlainTextObject(text=_t("bot.modal.submit", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="title",
                label=_t("bot.field.title", lang),
                element=PlainTextInputElement(
                    action_id="value",
                    initial_value=clip(title.strip(), TITLE_MAX) or None,
                    max_length=TITLE_MAX,
                    placeholder=_t("bot.field.title.hint", lang),
                ),
            ),
            InputBlock(
                block_id="description",
                label=_t("bot.field.description", lang),
                optional=True,
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    max_length=DESCRIPTION_MAX,
                    placeholder=_t("bot.field.description.hint", lang),
                ),
            ),
            InputBlock(
                block_id="priority",
                label=_t("bot.field.priority", lang),
                element=StaticSelectElement(
                    action_id="value", options=priority_options, initial_option=medium
                ),
            ),
        ],
    )
    return view.to_dict()


def entry_modal(lang: Language, *, ticket_id: int, kind: EntryKind) -> dict[str, Any]:
    """The modal behind "Reply to reporter" and "Internal note"."""
    is_reply = kind is EntryKind.SUPPORT_REPLY
    view = View(
        type="modal",
        callback_id=SUPPORT_REPLY if is_reply else INTERNAL_NOTE,
        private_metadata=json.dumps({"t": ticket_id}),
        title=PlainTextObject(
            text=_t("bot.modal.reply.title" if is_reply else "bot.modal.note.title", lang)
        ),
        submit=PlainTextObject(text=_t("bot.modal.send", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="text",
                label=_t(
                    "bot.field.reply" if is_reply else "bot.field.note", lang, ticket_id=ticket_id
                ),
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=min(ENTRY_MAX, INPUT_MAX)
                ),
            )
        ],
    )
    return view.to_dict()


# -- the support-channel card -------------------------------------------------


def card_text(lang: Language, ticket: TicketState) -> str:
    if ticket.deleted:
        return _deleted_text(lang, ticket)
    return _t(
        "bot.card.fallback",
        lang,
        ticket_id=ticket.id,
        title=escape(ticket.title),
        status=_t(f"status.{ticket.status}", lang),
    )


def ticket_card(lang: Language, ticket: TicketState) -> Blocks:
    """The ticket as the support channel shows it, with the actions it allows now."""
    if ticket.deleted:
        # Nothing of the ticket is left on the card (its title may be why it was
        # deleted), and no button that could still act on it.
        return _render(
            [
                SectionBlock(
                    block_id="deleted", text=MarkdownTextObject(text=_deleted_text(lang, ticket))
                )
            ]
        )
    header = HeaderBlock(text=clip(f"#{ticket.id} {ticket.title}", 150))
    fields = _summary_fields(
        lang,
        status=ticket.status,
        priority=ticket.priority,
        reporter_id=ticket.reporter_id,
        assignee_id=ticket.assignee_id,
    )
    blocks: list[Block] = [header, SectionBlock(block_id="summary", fields=fields)]
    if ticket.description:
        blocks.append(
            SectionBlock(
                block_id="description",
                text=MarkdownTextObject(text=_quote_clipped(ticket.description, SECTION_MAX)),
            )
        )
    blocks.append(ActionsBlock(block_id="actions", elements=_card_actions(lang, ticket)))
    return _render(blocks)


def _deleted_text(lang: Language, ticket: TicketState) -> str:
    return _t(
        "bot.card.deleted", lang, ticket_id=ticket.id, actor=user_id(ticket.deleted_by or "?")
    )


def _summary_fields(
    lang: Language, *, status: str, priority: str, reporter_id: str, assignee_id: str | None
) -> list[MarkdownTextObject]:
    """Status, priority, reporter and assignee, each under its label (card and /ticket show)."""
    assignee = f"<@{user_id(assignee_id)}>" if assignee_id else _t("bot.card.nobody", lang)
    labelled = [
        ("bot.card.status", _t(f"status.{status}", lang)),
        ("bot.card.priority", _t(f"priority.{priority}", lang)),
        ("bot.card.reporter", f"<@{user_id(reporter_id)}>"),
        ("bot.card.assignee", assignee),
    ]
    return [MarkdownTextObject(text=f"*{_t(key, lang)}*\n{value}") for key, value in labelled]


def _quote_clipped(text: str, limit: int) -> str:
    """As much of `text` as a quote of at most `limit` characters holds, cut at a line
    break or a space where possible, "…" saying there is more."""
    pieces = split_quoted(text, limit - 2)
    return quote(pieces[0]) + (" …" if len(pieces) > 1 else "")


def _card_actions(lang: Language, ticket: TicketState) -> list[Any]:
    value = action_value(ticket.id, ticket.version)
    status = Status(ticket.status)
    elements: list[Any] = []
    if (status.is_open and ticket.status != Status.IN_PROGRESS) or ticket.assignee_id is None:
        elements.append(
            ButtonElement(
                text=_t("bot.button.take", lang), action_id=TAKE, value=value, style="primary"
            )
        )
    targets = sorted(TRANSITIONS[status], key=lambda s: list(Status).index(s))
    elements.append(
        StaticSelectElement(
            action_id=STATUS,
            placeholder=_t("bot.select.status", lang),
            options=[
                Option(text=_t(s.label_key, lang), value=f"{value}|{s.value}") for s in targets
            ],
        )
    )
    elements.append(
        StaticSelectElement(
            action_id=PRIORITY,
            placeholder=_t("bot.select.priority", lang),
            options=[
                Option(text=_t(p.label_key, lang), value=f"{value}|{p.value}")
                for p in Priority
                if p.value != ticket.priority
            ],
        )
    )
    elements.append(ButtonElement(text=_t("bot.button.reply", lang), action_id=REPLY, value=value))
    elements.append(ButtonElement(text=_t("bot.button.note", lang), action_id=NOTE, value=value))
    return elements


# -- messages in threads ------------------------------------------------------


def reporter_root_text(lang: Language, ticket: TicketState) -> str:
    return _t("bot.dm.root", lang, ticket_id=ticket.id, title=escape(ticket.title))


# The widest part marker a text may get, " (14/14)", kept free in every part.
_PART_MARKER_ROOM = 12
_ENTRY_TEMPLATES = {
    EntryKind.SUPPORT_REPLY.value: "bot.thread.support_reply",
    EntryKind.REPORTER_REPLY.value: "bot.thread.reporter_reply",
    EntryKind.INTERNAL_NOTE.value: "bot.thread.internal_note",
}


def thread_texts(
    lang: Language, ticket_id: int, payload: dict[str, Any], *, for_reporter: bool
) -> list[str]:
    """The messages, in order, saying who did what in the reporter's or the team's thread.

    A conversation entry is quoted whole: when it does not fit one message (3,000
    characters once escaped) it is split over several, each headed "(2/3)".
    """
    event = payload.get("event")
    actor = user_id(str(payload.get("actor", "")))
    if event == "status":
        text = _t(
            "bot.dm.status",
            lang,
            actor=actor,
            ticket_id=ticket_id,
            old=_t(f"status.{payload['old']}", lang),
            new=_t(f"status.{payload['new']}", lang),
        )
        return [text]
    template = _ENTRY_TEMPLATES.get(str(event))
    if for_reporter and event == EntryKind.SUPPORT_REPLY.value:
        template = "bot.dm.support_reply"
    if template is not None:
        return _entry_texts(lang, template, actor, str(payload["text"]))
    if event == "rated":
        return [_t("bot.thread.rated", lang, actor=actor, rating=payload["rating"])]
    if event == "deleted":
        return [_t("bot.thread.deleted", lang, actor=actor)]
    raise ValueError(f"no text for thread event {event!r}")


def _entry_texts(lang: Language, template: str, actor: str, text: str) -> list[str]:
    header_room = len(_t(template, lang, actor=actor, part="", text="")) + _PART_MARKER_ROOM
    pieces = split_quoted(text, SECTION_MAX - header_room)
    if len(pieces) == 1:
        return [_t(template, lang, actor=actor, part="", text=quote(pieces[0]))]
    return [
        _t(template, lang, actor=actor, part=f" ({n}/{len(pieces)})", text=quote(piece))
        for n, piece in enumerate(pieces, start=1)
    ]


def reporter_thread_blocks(
    lang: Language, ticket: TicketState, payload: dict[str, Any], text: str
) -> Blocks | None:
    """A resolved ticket's DM offers the reporter to reopen it or rate the support."""
    if payload.get("event") != "status" or payload.get("new") != Status.RESOLVED.value:
        return None
    if ticket.deleted or ticket.status != Status.RESOLVED.value:
        return None  # changed again before this message went out: no stale buttons
    value = action_value(ticket.id, ticket.version)
    stars = [Option(text="★" * n + "☆" * (5 - n), value=f"{value}|{n}") for n in range(5, 0, -1)]
    return _render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            ContextBlock(
                elements=[MarkdownTextObject(text=_t("bot.reporter.resolved_hint", lang))]
            ),
            ActionsBlock(
                block_id="reporter_actions",
                elements=[
                    ButtonElement(
                        text=_t("bot.reporter.reopen", lang), action_id=REOPEN, value=value
                    ),
                    StaticSelectElement(
                        action_id=RATE, placeholder=_t("bot.reporter.rate", lang), options=stars
                    ),
                ],
            ),
        ]
    )


def role_text(lang: Language, payload: dict[str, Any]) -> str:
    actor = user_id(str(payload["actor"]))
    return _t("bot.dm.role", lang, actor=actor, role=_t(f"role.{payload['role']}", lang))


def text_blocks(text: str) -> Blocks:
    return _render([SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))])


# -- answers to commands (ephemeral) -----------------------------------------


def ticket_line(lang: Language, ticket: TicketSummary) -> str:
    assignee = f" · <@{user_id(ticket.assignee_id)}>" if ticket.assignee_id else ""
    return _t(
        "bot.list.line",
        lang,
        ticket_id=ticket.id,
        title=escape(clip(ticket.title, 80)),
        status=_t(ticket.status.label_key, lang),
        priority=_t(ticket.priority.label_key, lang),
        assignee=assignee,
    )


def ticket_list(lang: Language, title: str, page: Page | list[TicketSummary]) -> Blocks:
    items = page.items if isinstance(page, Page) else page
    total = page.total if isinstance(page, Page) else len(page)
    lines: list[str] = []
    budget = SECTION_MAX - 100
    for ticket in items:
        line = ticket_line(lang, ticket)
        if len(line) + 1 > budget:
            break
        lines.append(line)
        budget -= len(line) + 1
    blocks: list[Block] = [HeaderBlock(text=clip(title, 150))]
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines) or _t("bot.list.empty", lang)))
    )
    if total > len(lines):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=_t("bot.list.more", lang, count=total - len(lines)))
                ]
            )
        )
    return _render(blocks)


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _section_of_lines(lang: Language, heading: str, lines: list[str]) -> Block:
    """A section with as many of the newest lines as fit, saying how many were left out."""
    if not lines:
        return SectionBlock(
            text=MarkdownTextObject(text=f"*{heading}*\n{_t('bot.show.none', lang)}")
        )
    kept: list[str] = []
    budget = SECTION_MAX - len(heading) - 100
    for line in reversed(lines):
        if len(line) + 1 > budget:
            break
        kept.insert(0, line)
        budget -= len(line) + 1
    omitted = len(lines) - len(kept)
    prefix = _t("bot.show.more", lang, count=omitted) + "\n" if omitted else ""
    return SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n{prefix}" + "\n".join(kept)))


def detail_text(detail: TicketDetail) -> str:
    """The notification text of /ticket show's answer."""
    return f"#{detail.ticket.id} {escape(detail.ticket.title)}"


def ticket_detail(lang: Language, detail: TicketDetail) -> Blocks:
    ticket = detail.ticket
    entries = [
        _t(
            "bot.show.entry",
            lang,
            at=_when(e.at),
            kind=_t(e.kind.label_key, lang),
            author=user_id(e.author_id),
            text=escape(clip(" ".join(e.text.split()), 500)),
        )
        for e in detail.conversation
    ]
    changes = [
        _t(
            "bot.show.change",
            lang,
            at=_when(c.at),
            actor=user_id(c.actor_id),
            field=c.field,
            old=_label(lang, c.field, c.old),
            new=_label(lang, c.field, c.new),
        )
        for c in detail.history
    ]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"#{ticket.id} {ticket.title}", 150)),
        SectionBlock(
            block_id="summary",
            fields=_summary_fields(
                lang,
                status=ticket.status.value,
                priority=ticket.priority.value,
                reporter_id=ticket.reporter_id,
                assignee_id=ticket.assignee_id,
            ),
        ),
    ]
    if detail.description:
        heading = f"*{_t('bot.show.description', lang)}*\n"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=heading + _quote_clipped(detail.description, SECTION_MAX - len(heading))
                )
            )
        )
    blocks.append(DividerBlock())
    blocks.append(_section_of_lines(lang, _t("bot.show.conversation", lang), entries))
    blocks.append(_section_of_lines(lang, _t("bot.show.history", lang), changes))
    return _render(blocks)


def _label(lang: Language, field: str, value: str | None) -> str:
    if value is None:
        return "–"
    if field == "status" or field == "created":
        return _t(f"status.{value}", lang)
    if field == "priority":
        return _t(f"priority.{value}", lang)
    if field == "assignee":
        return f"<@{user_id(value)}>"
    return escape(value)


def _statistics_body(lang: Language, stats: Statistics) -> str:
    kpis = stats.kpis
    by_status = ", ".join(f"{_t(s.label_key, lang)} {n}" for s, n in kpis.open_by_status.items())
    by_priority = ", ".join(
        f"{_t(p.label_key, lang)} {n}" for p, n in kpis.open_by_priority.items()
    )
    return _t(
        "bot.stats.body",
        lang,
        open_total=kpis.open_total,
        by_status=by_status,
        by_priority=by_priority,
        opened_today=kpis.opened_today,
        replied=kpis.first_replies_in_period,
        first_reply=_median(lang, kpis.median_seconds_to_first_reply),
        resolved=kpis.resolved_in_period,
        median=_median(lang, kpis.median_seconds_to_resolve),
    )


def _median(lang: Language, seconds: float | None) -> str:
    return _t("bot.stats.none", lang) if seconds is None else _duration(seconds)


def statistics_text(lang: Language, stats: Statistics) -> str:
    """The key figures as plain lines (the local `flashticket stats` writes them to a file)."""
    title = _t("bot.stats.title", lang, days=stats.period_days)
    return f"{title}\n{_statistics_body(lang, stats).replace('*', '')}\n"


def statistics(lang: Language, stats: Statistics) -> Blocks:
    return _render(
        [
            HeaderBlock(text=_t("bot.stats.title", lang, days=stats.period_days)),
            SectionBlock(text=MarkdownTextObject(text=_statistics_body(lang, stats))),
        ]
    )


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def roles(lang: Language, rows: list[tuple[str, Role, bool]]) -> Blocks:
    lines = [
        _t(
            "bot.roles.line",
            lang,
            user=user,
            role=_t(role.label_key, lang),
            configured=_t("bot.roles.configured", lang) if configured else "",
        )
        for user, role, configured in rows
    ]
    return _render(
        [
            HeaderBlock(text=_t("bot.roles.title", lang)),
            _section_of_lines(lang, _t("bot.roles.title", lang), lines),
        ]
    )


# -- App Home ---------------------------------------------------------------------


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
        kpis = data.kpis
        by_status = ", ".join(
            f"{_t(s.label_key, lang)} {n}" for s, n in kpis.open_by_status.items()
        )
        by_priority = ", ".join(
            f"{_t(p.label_key, lang)} {n}" for p, n in kpis.open_by_priority.items()
        )
        figures = [
            (_t("bot.home.kpi.open", lang), f"{kpis.open_total} ({by_status})"),
            (_t("bot.home.kpi.today", lang), str(kpis.opened_today)),
            (
                _t("bot.home.kpi.first_reply", lang),
                _median(lang, kpis.median_seconds_to_first_reply),
            ),
            (_t("bot.home.kpi.resolve", lang), _median(lang, kpis.median_seconds_to_resolve)),
            (_t("bot.home.kpi.by_priority", lang), by_priority),
        ]
        blocks.append(DividerBlock())
        blocks.append(
            SectionBlock(
                block_id="kpis",
                text=MarkdownTextObject(
                    text=f"*{_t('bot.home.kpis', lang, days=kpis.period_days)}*"
                ),
                fields=[MarkdownTextObject(text=f"*{name}*\n{value}") for name, value in figures],
            )
        )
    if data.queue is not None:
        blocks.append(DividerBlock())
        blocks.append(
            _page_section(
                lang, "queue", _t("bot.home.queue", lang, total=data.queue.total), data.queue
            )
        )
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
    return View(type="home", blocks=blocks).to_dict()


def _page_section(lang: Language, block_id: str, title: str, page: Page) -> Block:
    return _listing(lang, block_id, title, [ticket_line(lang, t) for t in page.items], page.total)


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
    kept: list[str] = []
    budget = SECTION_MAX - len(title) - 100
    for line in lines:
        if len(line) + 1 > budget:
            break
        kept.append(line)
        budget -= len(line) + 1
    body = "\n".join(kept) or _t("bot.list.empty", lang)
    if total > len(kept):
        body += "\n" + _t("bot.list.more", lang, count=total - len(kept))
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=f"*{title}*\n{body}"))
