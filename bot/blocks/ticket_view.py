"""The ticket as every surface renders it, and the one way each of its fields reads.

The delivery worker hands the blocks a `TicketState`, the read views a `TicketSummary`
or a `TicketDetail`; each becomes a `TicketView`, so a status, a priority or a person
is labelled here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.blocks.common import HEADER_MAX, _t, clip
from bot.mrkdwn import user_id
from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import TicketState
from flashticket_core.service_layer.views import TicketDetail, TicketSummary


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


@dataclass(frozen=True)
class TicketView:
    id: int
    title: str
    status: Status
    priority: Priority
    reporter_id: str
    assignee_id: str | None
    version: int
    description: str = ""
    deleted: bool = False
    deleted_by: str | None = None
    targets: tuple[TargetClock, ...] = ()

    @classmethod
    def of_state(cls, ticket: TicketState) -> TicketView:
        """The ticket as it is when a delivery goes out."""
        return cls(
            id=ticket.id,
            title=ticket.title,
            status=ticket.status,
            priority=ticket.priority,
            reporter_id=ticket.reporter_id,
            assignee_id=ticket.assignee_id,
            version=ticket.version,
            description=ticket.description,
            deleted=ticket.deleted,
            deleted_by=ticket.deleted_by,
            targets=ticket.targets,
        )

    @classmethod
    def of_summary(cls, ticket: TicketSummary) -> TicketView:
        """A ticket of a list: no description (lists never show one)."""
        return cls(
            id=ticket.id,
            title=ticket.title,
            status=ticket.status,
            priority=ticket.priority,
            reporter_id=ticket.reporter_id,
            assignee_id=ticket.assignee_id,
            version=ticket.version,
        )

    @classmethod
    def of_detail(cls, detail: TicketDetail) -> TicketView:
        return replace(
            cls.of_summary(detail.ticket), description=detail.description, targets=detail.targets
        )

    @property
    def heading(self) -> str:
        """Number and title, "#42 Printer on fire", as plain text for a header block."""
        return clip(f"#{self.id} {self.title}", HEADER_MAX)
