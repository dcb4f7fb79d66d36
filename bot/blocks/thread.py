"""Messages in threads: the reporter's DM thread (its root, who did what, the buttons of a
resolved ticket), the team's thread under the card, and role changes told by DM."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, quote_clipped, render
from bot.blocks.ids import RATE, REOPEN, WITHDRAW, action_value
from bot.blocks.ticket_view import role_label, status_label
from bot.blocks.timers import card_link, nudge_text
from bot.mrkdwn import escape, quote, split_quoted, user_id
from flashticket_core.domain.enums import EntryKind, Role, Status
from flashticket_core.domain.model import WITHDRAWN
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Thread
from flashticket_core.service_layer.views import TicketSummary

# The status changes the help desk makes by itself, each told in its own words.
_AUTOMATIC = ("waiting_resolve", "auto_close")
# A change of who holds a ticket that its holder did not make.
_ASSIGNMENT_EVENTS = ("took_over", "unassigned", "reassigned")
# Why a team's rule gave someone a ticket, each told in its own words.
RULE_REASONS = ("round_robin", "least_open", "no_first_response")
# The widest part marker a text may get, " (14/14)", kept free in every part.
_PART_MARKER_ROOM = 12
_ENTRY_TEMPLATES = {
    EntryKind.SUPPORT_REPLY.value: "bot.thread.support_reply",
    EntryKind.REPORTER_REPLY.value: "bot.thread.reporter_reply",
    EntryKind.INTERNAL_NOTE.value: "bot.thread.internal_note",
}


def reporter_root_text(lang: Language, ticket: TicketSummary) -> str:
    return _t("bot.dm.root", lang, ticket_id=ticket.id, title=escape(ticket.title))


# What a chat message's place looks like when it comes from Slack: only such values make
# a link back to it (a stored value is never trusted to be one).
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,63}")
_MESSAGE_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")


def message_link(source: dict[str, Any]) -> str | None:
    """The archive link of a chat message (a reply's opens its thread)."""
    channel, ts = str(source.get("channel") or ""), str(source.get("ts") or "")
    thread_ts = str(source.get("thread_ts") or ts)
    if not (_CHANNEL_ID.fullmatch(channel) and _MESSAGE_TS.fullmatch(ts)):
        return None
    link = f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts != ts and _MESSAGE_TS.fullmatch(thread_ts):
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


def opened_for_you(ticket: TicketSummary, payload: dict[str, Any]) -> bool:
    """Whether the root goes to someone whose ticket another person opened."""
    actor = str(payload.get("actor") or "")
    return bool(actor) and actor != ticket.reporter_id


def opened_for_root_text(lang: Language, ticket: TicketSummary, payload: dict[str, Any]) -> str:
    """The root of a DM thread whose ticket someone else opened from the reporter's
    message: who, from which message (a link to it), in which conversation."""
    given = payload.get("source")
    if not isinstance(given, dict):
        # Opened on behalf of them ("On behalf of" in the form), not from a message.
        actor = user_id(str(payload.get("actor", "")))
        title = escape(ticket.title)
        return _t("bot.dm.opened_on_behalf", lang, actor=actor, ticket_id=ticket.id, title=title)
    source: dict[str, Any] = given
    link = message_link(source)
    channel = str(source.get("channel") or "")
    where = ""
    if link is not None and channel.startswith(("C", "G")):
        where = _t("bot.dm.opened_for.in_channel", lang, channel=channel)
    elif link is not None:
        where = _t("bot.dm.opened_for.in_dm", lang)
    message = (
        _t("bot.dm.opened_for.your_message_link", lang, link=link)
        if link is not None
        else _t("bot.dm.opened_for.your_message", lang)
    )
    return _t(
        "bot.dm.opened_for",
        lang,
        actor=user_id(str(payload.get("actor", ""))),
        ticket_id=ticket.id,
        message=message,
        where=where,
    )


def opened_for_root_blocks(
    lang: Language, ticket: TicketSummary, payload: dict[str, Any], text: str
) -> Blocks:
    """The root's words, the ticket as it was submitted (its title and description, as
    the person who opened it wrote them), and a button to withdraw it."""
    heading = f"*{escape(ticket.title)}*"
    submitted = heading
    if ticket.description:
        submitted += "\n" + quote_clipped(ticket.description, SECTION_MAX - len(heading) - 1)
    withdraw = ButtonElement(
        text=_t("bot.reporter.withdraw", lang),
        action_id=WITHDRAW,
        value=action_value(ticket.id, ticket.version),
        style="danger",
        confirm=ConfirmObject(
            title=_t("bot.reporter.withdraw.confirm_title", lang, ticket_id=ticket.id),
            text=_t("bot.reporter.withdraw.confirm_text", lang),
            confirm=_t("bot.reporter.withdraw", lang),
            deny=_t("bot.reporter.withdraw.deny", lang),
        ),
    )
    return render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            SectionBlock(text=MarkdownTextObject(text=submitted)),
            ActionsBlock(block_id="reporter_withdraw", elements=[withdraw]),
        ]
    )


def thread_texts(
    lang: Language, ticket_id: int, payload: dict[str, Any], *, for_reporter: bool
) -> list[str]:
    """The messages, in order, saying who did what in the reporter's or the team's thread.

    A conversation entry is quoted whole: when it does not fit one message (3,000
    characters once escaped) it is split over several, each headed "(2/3)".
    """
    event = payload.get("event")
    actor = user_id(str(payload.get("actor", "")))
    if event == "status" and payload.get("reason") == WITHDRAWN:
        key = "bot.dm.status_withdrawn" if for_reporter else "bot.thread.ticket_withdrawn"
        return [_t(key, lang, ticket_id=ticket_id, actor=actor)]
    if event == "ticket_withdrawn":
        return [_t("bot.thread.ticket_withdrawn", lang, ticket_id=ticket_id, actor=actor)]
    if event == "status" and payload.get("reason") in _AUTOMATIC:
        side = "dm" if for_reporter else "thread"
        return [_t(f"bot.{side}.status_{payload['reason']}", lang, ticket_id=ticket_id)]
    if event == "waiting_nudge":
        return [nudge_text(lang, ticket_id, payload)]
    if event == "status":
        # Support is told of a status change only when the reporter reopened the ticket.
        key = "bot.dm.status" if for_reporter else "bot.thread.reopened"
        text = _t(
            key,
            lang,
            actor=actor,
            ticket_id=ticket_id,
            old=status_label(lang, payload["old"]),
            new=status_label(lang, payload["new"]),
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
        key = "bot.dm.deleted" if for_reporter else "bot.thread.deleted"
        return [_t(key, lang, actor=actor, ticket_id=ticket_id)]
    if event == "late_answer" and for_reporter:
        reopen = "_reopen" if payload.get("reopen") else ""
        return [_t(f"bot.dm.late_answer.{payload['status']}{reopen}", lang, ticket_id=ticket_id)]
    if event == "late_answer":
        status = status_label(lang, payload["status"])
        return [_t("bot.thread.late_answer", lang, actor=actor, ticket_id=ticket_id, status=status)]
    if event in (*_ASSIGNMENT_EVENTS, "auto_reassigned"):
        people = {name: user_id(str(payload.get(name) or "")) for name in ("old", "new")}
        return [_t(f"bot.thread.{event}", lang, actor=actor, ticket_id=ticket_id, **people)]
    if event == "withdrawn":
        return [withdrawn_text(lang, payload)]
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


def withdrawn_text(lang: Language, payload: dict[str, Any]) -> str:
    """What stands where a reply the reporter deleted was relayed."""
    return _t("bot.thread.withdrawn", lang, actor=user_id(str(payload.get("actor", ""))))


def person_text(
    lang: Language, ticket: TicketSummary, thread: Thread, payload: dict[str, Any]
) -> str:
    """A DM to one person about a ticket: a change of its holder they did not make, or,
    for its assignee, what the card's thread was told (a reopen, the clock, a late answer)."""
    event = str(payload.get("event"))
    actor = user_id(str(payload.get("actor", "")))
    title = escape(ticket.title)
    if event == "auto_assigned":
        text = _t(
            "bot.person.auto_assigned",
            lang,
            ticket_id=ticket.id,
            title=title,
            why=rule_reason(lang, payload),
        )
    elif event == "opened_on_behalf":
        reporter = user_id(ticket.reporter_id)
        text = _t(f"bot.person.{event}", lang, ticket_id=ticket.id, title=title, reporter=reporter)
    elif event in (*_ASSIGNMENT_EVENTS, "assigned", "auto_reassigned"):
        new = user_id(str(payload.get("new") or ""))
        text = _t(
            f"bot.person.{event}", lang, actor=actor, ticket_id=ticket.id, title=title, new=new
        )
    else:
        (told, *_) = thread_texts(lang, ticket.id, payload, for_reporter=False)
        text = _t("bot.person.about", lang, ticket_id=ticket.id, title=title, text=told)
    url = card_link(thread)
    if url is not None:
        text += _t("bot.sla.card_link", lang, url=url)
    return text


def rule_reason(lang: Language, payload: dict[str, Any]) -> str:
    """Why the team's rule gave the ticket to someone, in the reader's words."""
    reason = str(payload.get("reason"))
    return _t(f"bot.assignment.{reason if reason in RULE_REASONS else 'other'}", lang)


def nobody_available_text(lang: Language, ticket: TicketSummary, team: str) -> str:
    """The team's channel told that everyone is away, so the ticket waits unassigned."""
    return _t(
        "bot.notice.nobody_available",
        lang,
        ticket_id=ticket.id,
        title=escape(ticket.title),
        team=escape(team),
    )


def reporter_thread_blocks(
    lang: Language, ticket: TicketSummary, payload: dict[str, Any], text: str
) -> Blocks | None:
    """A resolved ticket's DM offers the reporter to reopen it or rate the support; one
    the clock closed offers them to reopen it, and so does the answer to their message on
    a finished ticket they may reopen."""
    if payload.get("event") == "late_answer" and payload.get("reopen"):
        return _reopen_blocks(lang, ticket, Status(payload["status"]), text)
    if payload.get("event") != "status":
        return None
    if payload.get("new") == Status.CLOSED.value and payload.get("reason") == "auto_close":
        return _auto_closed_blocks(lang, ticket, text)
    if payload.get("new") != Status.RESOLVED.value:
        return None
    if ticket.deleted or ticket.status != Status.RESOLVED:
        return None  # changed again before this message went out: no stale buttons
    value = action_value(ticket.id, ticket.version)
    stars = [Option(text="★" * n + "☆" * (5 - n), value=f"{value}|{n}") for n in range(1, 6)]
    return render(
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


def _auto_closed_blocks(lang: Language, ticket: TicketSummary, text: str) -> Blocks | None:
    return _reopen_blocks(lang, ticket, Status.CLOSED, text)


def _reopen_blocks(
    lang: Language, ticket: TicketSummary, status: Status, text: str
) -> Blocks | None:
    if ticket.deleted or ticket.status != status:
        return None  # changed again before this message went out: no stale button
    value = action_value(ticket.id, ticket.version)
    return render(
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))),
            ActionsBlock(
                block_id="reporter_actions",
                elements=[
                    ButtonElement(
                        text=_t("bot.reporter.reopen", lang), action_id=REOPEN, value=value
                    )
                ],
            ),
        ]
    )


def role_text(lang: Language, payload: dict[str, Any], team_name: str | None = None) -> str:
    """The DM a role change sends the person; `team_name`: support in that team alone
    was granted (role support) or taken back (role user)."""
    actor = user_id(str(payload["actor"]))
    if team_name is None:
        return _t("bot.dm.role", lang, actor=actor, role=role_label(lang, payload["role"]))
    key = "bot.dm.team_granted" if payload["role"] == Role.SUPPORT.value else "bot.dm.team_revoked"
    return _t(key, lang, actor=actor, team=escape(team_name))
