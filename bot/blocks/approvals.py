"""Approvals in Slack: the request an approver gets by DM (what is asked, by whom, of
which type, its fields, and Approve / Reject), the same message once decided (no
buttons), the form of a rejection's reason, and the lines the reporter's DM thread, the
card's thread and the other approvers are told. Everything a person typed is escaped
once, here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, quote_clipped, render
from bot.blocks.forms import fields_section
from bot.blocks.ids import APPROVE, REJECT, REJECT_FORM, action_value
from bot.mrkdwn import escape, quote, user_id
from bot.times import slack_time
from flashticket_core.domain.model.approval import REASON_MAX
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import ApprovalFigures
from flashticket_core.service_layer.views import TicketSummary

# The thread events of approvals, as the reporter's DM thread and the card's tell them.
APPROVAL_EVENTS = ("awaiting_approval", "approved", "rejected")
# How much of a title a one-line notice shows.
TITLE_SHOWN = 150


def ticket_value(ticket: TicketSummary) -> str:
    """What the buttons and the form carry: the ticket (whose state now decides whether a
    decision is still open, so the version is only carried along)."""
    return action_value(ticket.id, ticket.version)


def request_text(lang: Language, ticket: TicketSummary, kind: str) -> str:
    return _t(
        "bot.approval.request",
        lang,
        reporter=user_id(ticket.reporter_id),
        ticket_id=ticket.id,
        kind=escape(clip(kind, TITLE_SHOWN)),
        title=escape(clip(ticket.title, TITLE_SHOWN)),
    )


def request_blocks(lang: Language, ticket: TicketSummary, *, kind: str, team: str) -> Blocks:
    """The request as its approvers get it, with Approve and Reject."""
    blocks = _request_body(lang, ticket, kind)
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text=_t("bot.approval.request_hint", lang, team=escape(team)))
            ]
        )
    )
    value = ticket_value(ticket)
    blocks.append(
        ActionsBlock(
            block_id="approval",
            elements=[
                ButtonElement(
                    text=_t("bot.approval.approve", lang),
                    action_id=APPROVE,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=_t("bot.approval.reject", lang),
                    action_id=REJECT,
                    value=value,
                    style="danger",
                ),
            ],
        )
    )
    return render(blocks)


def decided_blocks(
    lang: Language, ticket: TicketSummary, *, kind: str, payload: dict[str, Any]
) -> Blocks:
    """The request once decided: what was asked, and the decision, without buttons."""
    blocks = _request_body(lang, ticket, kind)
    blocks.append(
        SectionBlock(
            block_id="decision", text=MarkdownTextObject(text=decided_text(lang, ticket, payload))
        )
    )
    return render(blocks)


def decided_text(lang: Language, ticket: TicketSummary, payload: dict[str, Any]) -> str:
    """Who decided how (the line the other approvers get, and the decided request)."""
    approved = payload.get("event") == "approved"
    return _t(
        "bot.approval.decided_approved" if approved else "bot.approval.decided_rejected",
        lang,
        ticket_id=ticket.id,
        title=escape(clip(ticket.title, TITLE_SHOWN)),
        actor=user_id(str(payload.get("actor") or "")),
        reason=escape(clip(str(payload.get("reason") or ""), SECTION_MAX // 2)),
    )


def reminder_text(lang: Language, ticket: TicketSummary, payload: dict[str, Any]) -> str:
    since = str(payload.get("since") or "")
    try:
        shown = slack_time(datetime.fromisoformat(since), lang)
    except ValueError:
        shown = escape(since)
    return _t("bot.approval.reminder", lang, ticket_id=ticket.id, since=shown)


def approval_thread_text(
    lang: Language, ticket_id: int, payload: dict[str, Any], *, for_reporter: bool
) -> str:
    """An approval's line in the reporter's DM thread, or under the card once approved."""
    event = payload.get("event")
    actor = user_id(str(payload.get("actor") or ""))
    if event == "awaiting_approval":
        approvers = [user_id(str(a)) for a in payload.get("approvers") or []]
        if not approvers:
            return _t("bot.dm.awaiting_approval_nobody", lang, ticket_id=ticket_id)
        people = ", ".join(f"<@{a}>" for a in approvers[:20])
        return _t("bot.dm.awaiting_approval", lang, ticket_id=ticket_id, approvers=people)
    reason = str(payload.get("reason") or "")
    if event == "rejected":
        return _t(
            "bot.dm.rejected",
            lang,
            ticket_id=ticket_id,
            actor=actor,
            reason=quote_clipped(reason, 2000),
        )
    key = "bot.dm.approved" if for_reporter else "bot.thread.approved"
    text = _t(key, lang, ticket_id=ticket_id, actor=actor)
    return f"{text}\n{quote(clip(reason, 2000))}" if reason else text


def approvals_line(
    lang: Language, figures: ApprovalFigures, duration: Callable[[Language, float | None], str]
) -> str:
    """`/ticket stats`' line of approvals (`duration`: how the statistics show a median)."""
    return _t(
        "bot.stats.approvals",
        lang,
        decided=figures.decided,
        rejected=figures.rejected,
        median=duration(lang, figures.median_business_seconds),
        waiting=figures.waiting,
    )


def reject_modal(lang: Language, ticket: TicketSummary) -> dict[str, Any]:
    """The form behind Reject: the reason, required (the reporter is told it)."""
    view = View(
        type="modal",
        callback_id=REJECT_FORM,
        private_metadata=ticket_value(ticket),
        title=PlainTextObject(
            text=clip(_t("bot.approval.reject_title", lang, ticket_id=ticket.id), 24)
        ),
        submit=PlainTextObject(text=_t("bot.approval.reject_submit", lang)),
        close=PlainTextObject(text=_t("bot.approval.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="reason",
                label=_t("bot.approval.reject_reason", lang),
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=REASON_MAX
                ),
            )
        ],
    )
    return view.to_dict()


def _request_body(lang: Language, ticket: TicketSummary, kind: str) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(
            block_id="request", text=MarkdownTextObject(text=request_text(lang, ticket, kind))
        )
    ]
    if ticket.description:
        blocks.append(
            SectionBlock(
                block_id="description",
                text=MarkdownTextObject(text=quote_clipped(ticket.description, SECTION_MAX)),
            )
        )
    fields = fields_section(lang, ticket)
    if fields is not None:
        blocks.append(fields)
    return blocks
