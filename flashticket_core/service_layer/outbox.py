"""Which messages a change causes. The policy is product logic; how they look is the adapter's.

`write_outbox` is the unit of work's event sink: it runs inside the change's
transaction, so a change and its messages are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from flashticket_core.adapters.tables import HomeViewer, OutboxMessage
from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind, Role
from flashticket_core.domain.events import Event
from flashticket_core.domain.model import RoleAssignment, Ticket


class MessageKind(StrEnum):
    SUPPORT_POST = "support_post"  # the ticket's card in the support channel
    SUPPORT_UPDATE = "support_update"  # the card edited in place to show the current state
    SUPPORT_THREAD = "support_thread"  # a reply under the card
    REPORTER_ROOT = "reporter_root"  # the DM that starts the reporter's thread
    REPORTER_THREAD = "reporter_thread"  # a reply in the reporter's DM thread
    DIRECT = "direct"  # a DM to a person, outside any ticket
    HOME = "home"  # republish a person's App Home with the current state


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # a later card update made this one pointless
    CANCELLED = "cancelled"  # its ticket was deleted before it went out


Planned = tuple[MessageKind, int | None, dict[str, Any]]


def plan(event: events.Event) -> list[Planned]:
    """The messages one event causes, in the order they must be delivered."""
    match event:
        case events.TicketOpened(ticket_id=tid, actor_id=actor):
            return [
                (MessageKind.REPORTER_ROOT, tid, {"actor": actor}),
                (MessageKind.SUPPORT_POST, tid, {"actor": actor}),
            ]
        case events.StatusChanged(ticket_id=tid, actor_id=actor, old=old, new=new):
            change = {"event": "status", "actor": actor, "old": old.value, "new": new.value}
            return [
                (MessageKind.REPORTER_THREAD, tid, change),
                (MessageKind.SUPPORT_UPDATE, tid, {}),
            ]
        case events.AssigneeChanged(ticket_id=tid) | events.PriorityChanged(ticket_id=tid):
            return [(MessageKind.SUPPORT_UPDATE, tid, {})]
        case events.TicketDeleted(ticket_id=tid, actor_id=actor):
            return [
                (MessageKind.SUPPORT_UPDATE, tid, {}),
                (MessageKind.SUPPORT_THREAD, tid, {"event": "deleted", "actor": actor}),
            ]
        case events.EntryAdded(ticket_id=tid, actor_id=actor, kind=kind, text=text):
            entry = {"event": kind.value, "actor": actor, "text": text}
            if kind is EntryKind.SUPPORT_REPLY:
                return [
                    (MessageKind.REPORTER_THREAD, tid, entry),
                    (MessageKind.SUPPORT_THREAD, tid, entry),
                ]
            # Reporter replies are relayed to the team; internal notes never reach the reporter.
            return [(MessageKind.SUPPORT_THREAD, tid, entry)]
        case events.TicketRated(ticket_id=tid, actor_id=actor, rating=rating):
            return [
                (
                    MessageKind.SUPPORT_THREAD,
                    tid,
                    {"event": "rated", "actor": actor, "rating": rating},
                )
            ]
        case events.RoleChanged(actor_id=actor, user_id=user, new=role):
            return [
                (
                    MessageKind.DIRECT,
                    None,
                    {"event": "role", "actor": actor, "user": user, "role": role.value},
                )
            ]
    return []


def outbox_rows(event_list: list[events.Event], now: datetime) -> list[OutboxMessage]:
    return [
        OutboxMessage(
            ticket_id=ticket_id,
            kind=kind.value,
            payload=json.dumps(payload, ensure_ascii=False),
            status=MessageStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for event in event_list
        for kind, ticket_id, payload in plan(event)
    ]


# App Homes are republished for people who looked at theirs recently, at most once per
# HOME_DEBOUNCE: a burst of changes becomes one views.publish per person.
HOME_AUDIENCE_WINDOW = timedelta(minutes=30)
HOME_DEBOUNCE = timedelta(seconds=2)


def write_outbox(
    session: Session,
    event_list: list[events.Event],
    now: datetime,
    *,
    configured_admins: frozenset[str] = frozenset(),
) -> int:
    cancel_messages_of_deleted(session, event_list, now)
    rows = outbox_rows(event_list, now)
    rows.extend(home_refreshes(session, event_list, now, configured_admins))
    if rows:
        # One multi-row INSERT, without the ORM's per-object bookkeeping: this runs in
        # every change's transaction, on the request path.
        session.execute(insert(OutboxMessage), [_columns(row) for row in rows])
    return len(rows)


def cancel_messages_of_deleted(
    session: Session, event_list: list[events.Event], now: datetime
) -> None:
    """A deleted ticket's messages that have not gone out never will (a support reply
    queued behind an outage, a failed one an admin might retry). The one a worker holds
    right now is left alone: it may already be in Slack, and the card's update that
    follows must wait for it."""
    deleted = {e.ticket_id for e in event_list if isinstance(e, events.TicketDeleted)}
    if not deleted:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.ticket_id.in_(deleted),
            OutboxMessage.status.in_([MessageStatus.PENDING.value, MessageStatus.FAILED.value]),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(status=MessageStatus.CANCELLED.value)
    )


def _columns(row: OutboxMessage) -> dict[str, Any]:
    return {
        "ticket_id": row.ticket_id,
        "kind": row.kind,
        "recipient": row.recipient,
        "payload": row.payload,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "created_at": row.created_at,
    }


def home_refreshes(
    session: Session,
    event_list: list[events.Event],
    now: datetime,
    configured_admins: frozenset[str],
) -> list[OutboxMessage]:
    """One pending Home refresh for each recent viewer whose Home shows what changed."""
    ticket_ids = {e.ticket_id for e in event_list if isinstance(e, events.TicketEvent)}
    role_users = {e.user_id for e in event_list if isinstance(e, events.RoleChanged)}
    if not ticket_ids and not role_users:
        return []
    viewers = set(
        session.scalars(
            select(HomeViewer.user_id).where(HomeViewer.opened_at >= now - HOME_AUDIENCE_WINDOW)
        )
    )
    if not viewers:
        return []
    support = configured_admins | set(
        session.scalars(
            select(RoleAssignment.user_id).where(
                RoleAssignment.role.in_([Role.SUPPORT, Role.ADMIN])
            )
        )
    )
    involved = set(role_users)
    for ticket in session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))):
        involved.add(ticket.reporter_id)
        if ticket.assignee_id:
            involved.add(ticket.assignee_id)
    audience = viewers & (involved | support)
    already_waiting = set(
        session.scalars(
            select(OutboxMessage.recipient).where(
                OutboxMessage.kind == MessageKind.HOME.value,
                OutboxMessage.status == MessageStatus.PENDING.value,
                OutboxMessage.recipient.in_(audience),
            )
        )
    )
    return [
        OutboxMessage(
            ticket_id=None,
            kind=MessageKind.HOME.value,
            recipient=user,
            payload=json.dumps({"user": user}),
            status=MessageStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now + HOME_DEBOUNCE,
            created_at=now,
        )
        for user in sorted(audience - already_waiting)
    ]


class Outbox:
    """The outbox writer a unit of work calls inside its commit."""

    def __init__(
        self, clock: Callable[[], datetime], configured_admins: frozenset[str] = frozenset()
    ) -> None:
        self.clock = clock
        self.configured_admins = configured_admins

    def __call__(self, session: Session, events: list[Event]) -> None:
        write_outbox(session, events, self.clock(), configured_admins=self.configured_admins)
