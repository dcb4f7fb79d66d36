"""The one way each field of a ticket reads. Every surface renders the core's one ticket
read model (`TicketSummary`, whether the reads or the outbox filled it), and a status, a
priority or a person is labelled here and nowhere else.
"""

from __future__ import annotations

from typing import Protocol

from bot.blocks.common import HEADER_MAX, _t, clip
from bot.mrkdwn import user_id
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary


def status_label(lang: Language, status: str) -> str:
    """A status (a `Status` or its value, as events carry it) in the reader's words."""
    return _t(f"status.{status}", lang)


def priority_label(lang: Language, priority: str) -> str:
    return _t(f"priority.{priority}", lang)


def person(user: str) -> str:
    """A mention of someone: Slack shows their name."""
    return f"<@{user_id(user)}>"


def assignee_label(lang: Language, assignee_id: str | None) -> str:
    return person(assignee_id) if assignee_id else _t("bot.card.nobody", lang)


def role_label(lang: Language, role: str) -> str:
    """A person's role (a `Role` or its value) in the reader's words."""
    return _t(f"role.{role}", lang)


def header_text(ticket: TicketSummary) -> str:
    """Number and title, "#42 Printer on fire", as plain text for a header block."""
    return clip(f"#{ticket.id} {ticket.title}", HEADER_MAX)


class Listed(Protocol):
    """What a list line shows of a ticket: the read model's, or the digest's snapshot."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def assignee_id(self) -> str | None: ...
