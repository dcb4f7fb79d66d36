"""The outbox as one unit of work sees it, in SQL (`MessageQueue`): the messages its
change causes are added in its own transaction, a deleted ticket's unsent ones cancelled,
failed ones put back. The delivery worker's claims and outcomes are
`adapters/sql_outbox_store.py`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.orm import Session

from flashticket_core.adapters.tables import HomeViewer, OutboxMessage
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import RoleAssignment, TeamMembership, Ticket, TicketFollower
from flashticket_core.service_layer.outbox import (
    MessageKind,
    MessageQueue,
    MessageStatus,
    NewMessage,
)

# The outbox's table itself: Core statements on it skip the ORM's bulk bookkeeping.
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def _columns(message: NewMessage) -> dict[str, Any]:
    return {
        "ticket_id": message.ticket_id,
        "kind": message.kind.value,
        "recipient": message.recipient,
        "payload": message.payload,
        "status": MessageStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": message.next_attempt_at,
        "created_at": message.created_at,
        "entry_id": message.entry_id,
    }


class SqlMessageQueue(MessageQueue):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, messages: list[NewMessage]) -> None:
        # One multi-row INSERT, without the ORM's per-object bookkeeping: this runs in
        # every change's transaction, on the request path.
        self.session.execute(insert(OUTBOX), [_columns(m) for m in messages])

    def cancel_unsent(self, ticket_ids: Collection[int], now: datetime) -> None:
        self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.ticket_id.in_(ticket_ids),
                OutboxMessage.status.in_([MessageStatus.PENDING.value, MessageStatus.FAILED.value]),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(status=MessageStatus.CANCELLED.value)
        )

    def requeue_failed(self, now: datetime) -> int:
        result = self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.FAILED.value)
            .values(
                status=MessageStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                claimed_until=None,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def home_viewers(self, *, since: datetime) -> set[str]:
        return set(
            self.session.scalars(select(HomeViewer.user_id).where(HomeViewer.opened_at >= since))
        )

    def people_with(self, roles: Collection[Role]) -> set[str]:
        people = set(
            self.session.scalars(
                select(RoleAssignment.user_id).where(RoleAssignment.role.in_(sorted(roles)))
            )
        )
        if Role.SUPPORT in roles:
            # A team's members are support for its tickets, whatever their stored role.
            people.update(self.session.scalars(select(TeamMembership.user_id).distinct()))
        return people

    def people_on(self, ticket_ids: Collection[int]) -> set[str]:
        people: set[str] = set()
        for ticket in self.session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))):
            people.add(ticket.reporter_id)
            if ticket.assignee_id:
                people.add(ticket.assignee_id)
        return people

    def followers_of(self, ticket_ids: Collection[int]) -> dict[int, list[str]]:
        followers: dict[int, list[str]] = {}
        rows = self.session.execute(
            select(TicketFollower.ticket_id, TicketFollower.user_id)
            .where(TicketFollower.ticket_id.in_(sorted(ticket_ids)))
            .order_by(TicketFollower.added_at, TicketFollower.user_id)
        )
        for ticket_id, user_id in rows:
            followers.setdefault(ticket_id, []).append(user_id)
        return followers

    def home_refreshes_waiting(self, users: Collection[str]) -> set[str]:
        # One a worker holds may have read the Home before this change: it covers nothing.
        return {
            user
            for user in self.session.scalars(
                select(OutboxMessage.recipient).where(
                    OutboxMessage.kind == MessageKind.HOME.value,
                    OutboxMessage.status == MessageStatus.PENDING.value,
                    OutboxMessage.recipient.in_(users),
                    OutboxMessage.claimed_until.is_(None),
                )
            )
            if user is not None
        }
