"""A ticket's approval, as steps of the ticket aggregate: it waits for one of its
approvers, and the first decision moves it on (approved: New, into its team's queue;
rejected: Closed, with the reason). Who may decide is the permission table's
(`Action.DECIDE_APPROVAL`); that only the first decision counts, the database's (the
decision is a conditional UPDATE, `adapters/sql_approvals.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flashticket_core.domain import events
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model.records import HistoryEntry
from flashticket_core.errors import InvalidInput

if TYPE_CHECKING:
    from flashticket_core.domain.model.ticket import Ticket

# Why a ticket's status changed, when an approval moved it (the status change's reason).
APPROVED = "approved"
REJECTED = "rejected"
APPROVAL_REASONS = frozenset({APPROVED, REJECTED})
# How long a rejection's reason or an approval's note may be.
REASON_MAX = 3000


def await_approval(ticket: Ticket, approvers: Sequence[str]) -> None:
    """A ticket just opened as Waiting for approval (`Ticket.open`): its approvers are to
    be asked."""
    if ticket.status is not Status.PENDING_APPROVAL:
        raise InvalidInput("error.not_pending_approval", ticket_id=ticket.id)
    asked = tuple(approvers)
    ticket._raise(
        lambda ticket_id: events.ApprovalRequested(
            actor_id=ticket.reporter_id, ticket_id=ticket_id, approvers=asked
        )
    )


def checked_reason(*, approved: bool, reason: str | None) -> str | None:
    """The reason (of a rejection: required) or note (of an approval: optional), its
    whitespace made plain; None for none."""
    text = " ".join((reason or "").split()) or None
    if not approved and text is None:
        raise InvalidInput("error.rejection_reason", field="reason")
    if text is not None and len(text) > REASON_MAX:
        raise InvalidInput(
            "error.text_too_long", field="reason", limit=REASON_MAX, length=len(text)
        )
    return text


def decide_approval(
    ticket: Ticket,
    *,
    approved: bool,
    reason: str | None,
    approvers: Sequence[str],
    actor_id: str,
    now: datetime,
) -> None:
    """The approver's decision: the history keeps it with its reason; a rejection closes
    the ticket. Only a ticket waiting for approval takes one."""
    text = checked_reason(approved=approved, reason=reason)
    if ticket.status is not Status.PENDING_APPROVAL:
        raise InvalidInput("error.not_pending_approval", ticket_id=ticket.id)
    field = APPROVED if approved else REJECTED
    ticket.history.add(
        HistoryEntry(actor_id=actor_id, field=field, old_text="", new_text=text or "", at=now)
    )
    if not approved:
        # An approval's move into the queue is the service's (`enter_team_queue`).
        ticket.change_status(Status.CLOSED, actor_id=actor_id, now=now, reason=field)
    asked, reporter = tuple(approvers), ticket.reporter_id
    ticket._raise(
        lambda ticket_id: events.ApprovalDecided(
            actor_id=actor_id,
            ticket_id=ticket_id,
            approved=approved,
            reason=text,
            approvers=asked,
            reporter_id=reporter,
        )
    )
