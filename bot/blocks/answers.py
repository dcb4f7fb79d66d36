"""Answers to slash commands, seen only by the asker: ticket lists, one ticket in
detail, the statistics and the roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import times
from bot.blocks.card import summary_fields
from bot.blocks.common import (
    HEADER_MAX,
    SECTION_MAX,
    Blocks,
    _t,
    actor_text,
    clip,
    fitting_lines,
    quote_clipped,
    render,
)
from bot.blocks.following import followers_line
from bot.blocks.forms import fields_section
from bot.blocks.ids import DELETE, DELETE_CANCEL, action_value
from bot.blocks.thread import rule_reason
from bot.blocks.ticket_view import (
    Listed,
    header_text,
    person,
    priority_label,
    role_label,
    status_label,
)
from bot.blocks.timers import due_line
from bot.mrkdwn import escape, user_id
from flashticket_core.domain.enums import Role
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import Page, TicketDetail, TicketSummary


def ticket_line(lang: Language, ticket: Listed) -> str:
    """One ticket in a list: number, title, status, priority and who has it."""
    assignee = f" · {person(ticket.assignee_id)}" if ticket.assignee_id else ""
    return _t(
        "bot.list.line",
        lang,
        ticket_id=ticket.id,
        title=escape(clip(ticket.title, 80)),
        status=status_label(lang, ticket.status),
        priority=priority_label(lang, ticket.priority),
        assignee=assignee,
    )


def ticket_list(lang: Language, title: str, page: Page | list[TicketSummary]) -> Blocks:
    items = page.items if isinstance(page, Page) else page
    total = page.total if isinstance(page, Page) else len(page)
    lines = fitting_lines([ticket_line(lang, t) for t in items])
    blocks: list[Block] = [HeaderBlock(text=clip(title, HEADER_MAX))]
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
    return render(blocks)


def ticket_page(lang: Language, title: str, items: list[TicketSummary], footer: str) -> Blocks:
    """One page of `/ticket list`: every ticket on it, in as many sections as its lines
    need (a page is short, so none is left out), and `footer` saying how to go on."""
    sections: list[str] = []
    for line in (ticket_line(lang, t) for t in items):
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_MAX:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    blocks: list[Block] = [HeaderBlock(text=clip(title, HEADER_MAX))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=text))
        for text in sections or [_t("bot.list.empty", lang)]
    ]
    if footer:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return render(blocks)


def detail_text(detail: TicketDetail) -> str:
    """The notification text of /ticket show's answer."""
    return f"#{detail.ticket.id} {escape(detail.ticket.title)}"


def ticket_detail(
    lang: Language,
    detail: TicketDetail,
    *,
    now: datetime | None = None,
    names: Callable[[str, str], str | None] | None = None,
    type_name: str | None = None,
) -> Blocks:
    """The ticket with its conversation and history; `now` says how late a missed
    target is (an answer is read as it arrives); `names` names a team or a request type
    of the history by its id (the desk file's names; the id where it has none);
    `type_name`: the ticket's request type, shown where the desk has several."""
    ticket = detail.ticket
    entries = [
        _t(
            "bot.show.entry",
            lang,
            at=_when(e.at, lang),
            kind=_t(e.kind.label_key, lang),
            author=user_id(e.author_id),
            text=escape(clip(" ".join(e.text.split()), 500))
            + (_t("bot.show.withdrawn", lang) if e.withdrawn else ""),
        )
        for e in detail.conversation
    ]
    changes = [
        _t(
            "bot.show.change",
            lang,
            at=_when(c.at, lang),
            actor=actor_text(lang, c.actor_id),
            field=history_label(lang, c.field),
            old=_changed_value(lang, c.field, c.old, names, detail.hidden_teams),
            new=_changed_value(lang, c.field, c.new, names, detail.hidden_teams),
        )
        for c in detail.history
    ]
    blocks: list[Block] = [
        HeaderBlock(text=header_text(ticket)),
        SectionBlock(block_id="summary", fields=summary_fields(lang, ticket, type_name)),
    ]
    if ticket.description:
        heading = f"*{_t('bot.show.description', lang)}*\n"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=heading + quote_clipped(ticket.description, SECTION_MAX - len(heading))
                )
            )
        )
    fields = fields_section(lang, ticket)
    if fields is not None:
        blocks.append(fields)
    followers = followers_line(lang, ticket)
    if followers is not None:
        blocks.append(followers)
    due = due_line(lang, ticket.targets, status=ticket.status, now=now)
    if due is not None:
        blocks.append(ContextBlock(block_id="due", elements=[MarkdownTextObject(text=due)]))
    blocks.append(DividerBlock())
    blocks.append(_section_of_lines(lang, _t("bot.show.conversation", lang), entries))
    if detail.files:
        files = [
            _t(
                f"bot.show.file.{f.direction.value}",
                lang,
                at=_when(f.at, lang),
                author=user_id(f.author_id),
                name=escape(f.name),
                size=_size(f.size),
            )
            for f in detail.files
        ]
        blocks.append(_section_of_lines(lang, _t("bot.show.files", lang), files))
    blocks.append(_section_of_lines(lang, _t("bot.show.history", lang), changes))
    return render(blocks)


def _size(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _when(value: datetime, lang: Language) -> str:
    return times.slack_time(value, lang)


# What each field of a ticket's history is called; the history names its fields in the
# domain's words (domain/model.py), which a reader never sees.
HISTORY_LABELS = {
    "created": "bot.history.created",
    "reporter": "bot.history.reporter",
    "status": "bot.history.status",
    "priority": "bot.history.priority",
    "assignee": "bot.history.assignee",
    "deleted": "bot.history.deleted",
    "entry_edited": "bot.history.entry_edited",
    "entry_withdrawn": "bot.history.entry_withdrawn",
    "rating": "bot.history.rating",
    "withdrawn": "bot.history.withdrawn",
    "team": "bot.history.team",
    "request_type": "bot.history.request_type",
    "assigned_by_rule": "bot.history.assigned_by_rule",
    "approved": "bot.history.approved",
    "rejected": "bot.history.rejected",
    "follower": "bot.history.follower",
}


def history_label(lang: Language, field: str) -> str:
    """A history field in the reader's words; one this version does not know is told as
    a change, never by its internal name."""
    return _t(HISTORY_LABELS.get(field, "bot.history.other"), lang)


def _changed_value(
    lang: Language,
    field: str,
    value: str | None,
    names: Callable[[str, str], str | None] | None = None,
    hidden_teams: frozenset[str] = frozenset(),
) -> str:
    """An old or new value in the history, as the card would show it; a team or a
    request type by its name where `names` knows it; a private team the reader is
    outside of, unnamed."""
    if value is None:
        return "–"
    if field == "team" and value in hidden_teams:
        return _t("bot.history.private_team", lang)
    if field in ("team", "request_type") and names is not None:
        return escape(names(field, value) or value)
    if field == "status" or field == "created":
        return status_label(lang, value)
    if field == "priority":
        return priority_label(lang, value)
    if field in ("assignee", "reporter", "follower"):
        return person(value)
    if field in ("entry_edited", "entry_withdrawn", "approved", "rejected"):
        # An approval's note or a rejection's reason, as its approver wrote it.
        return escape(clip(" ".join(value.split()), 300)) or "–"
    if field == "deleted":
        return _t("bot.history.deleted", lang)
    if field == "assigned_by_rule":
        return rule_reason(lang, {"reason": value})
    if field not in HISTORY_LABELS:
        return "…"
    return escape(value)


def _section_of_lines(lang: Language, heading: str, lines: list[str]) -> Block:
    """A section with as many of the newest lines as fit, saying how many were left out."""
    if not lines:
        return SectionBlock(
            text=MarkdownTextObject(text=f"*{heading}*\n{_t('bot.show.none', lang)}")
        )
    kept = fitting_lines(lines, heading=heading, newest=True)
    omitted = len(lines) - len(kept)
    prefix = _t("bot.show.more", lang, count=omitted) + "\n" if omitted else ""
    return SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n{prefix}" + "\n".join(kept)))


# -- roles ------------------------------------------------------------------------


def roles(lang: Language, rows: list[tuple[str, Role, bool]]) -> Blocks:
    lines = [
        _t(
            "bot.roles.line",
            lang,
            user=user,
            role=role_label(lang, role),
            configured=_t("bot.roles.configured", lang) if configured else "",
        )
        for user, role, configured in rows
    ]
    return render(
        [
            HeaderBlock(text=_t("bot.roles.title", lang)),
            _section_of_lines(lang, _t("bot.roles.title", lang), lines),
        ]
    )


def delete_question(lang: Language, ticket: TicketSummary) -> Blocks:
    """`/ticket-admin delete 12` asks first: "Delete #12 “Title”?", Delete or Cancel."""
    value = action_value(ticket.id, ticket.version)
    question = _t(
        "bot.delete.ask", lang, ticket_id=ticket.id, title=escape(clip(ticket.title, 150))
    )
    return render(
        [
            SectionBlock(block_id="question", text=MarkdownTextObject(text=question)),
            ActionsBlock(
                block_id="delete",
                elements=[
                    ButtonElement(
                        text=_t("bot.button.delete", lang),
                        action_id=DELETE,
                        value=value,
                        style="danger",
                    ),
                    ButtonElement(
                        text=_t("bot.modal.cancel", lang), action_id=DELETE_CANCEL, value=value
                    ),
                ],
            ),
        ]
    )
