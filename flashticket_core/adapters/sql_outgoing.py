"""The outbound read model in SQL: a claimed message as its transport is handed it, with
its ticket as it is now (the same `TicketSummary` the reads fill), its threads, the copy
in chat an edit changes, and the tickets a list names."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.adapters.sql_ticket_rows import fields_of
from flashticket_core.adapters.sql_timers import targets_of
from flashticket_core.adapters.tables import OutboxMessage, TicketThread
from flashticket_core.domain.enums import EntryKind
from flashticket_core.domain.model import ConversationEntry, Ticket, TicketFollower
from flashticket_core.service_layer.delivery.outgoing import Outgoing, RelayedCopy, Thread
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import (
    PLANS,
    MessageKind,
    MessageStatus,
    ThreadSide,
    kinds_where,
)
from flashticket_core.service_layer.views import TicketSummary


class TicketsOf:
    """The tickets of a claimed batch as its messages show them: their state, targets
    and threads, each read once for the batch."""

    def __init__(self, session: Session, ticket_ids: Collection[int]) -> None:
        ids = sorted(ticket_ids)
        self._tickets = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
        self._threads = {
            t.ticket_id: t
            for t in session.scalars(select(TicketThread).where(TicketThread.ticket_id.in_(ids)))
        }
        self._targets = targets_of(session, ids) if ids else {}
        self._fields = fields_of(session, ids)
        self._followers: dict[int, list[str]] = {}
        followers = select(TicketFollower.ticket_id, TicketFollower.user_id).where(
            TicketFollower.ticket_id.in_(ids)
        )
        for ticket_id, user_id in session.execute(
            followers.order_by(TicketFollower.added_at, TicketFollower.user_id)
        ):
            self._followers.setdefault(ticket_id, []).append(user_id)

    def ticket(self, ticket_id: int) -> TicketSummary | None:
        ticket = self._tickets.get(ticket_id)
        if ticket is None:
            return None
        return TicketSummary.of(
            ticket,
            self._targets.get(ticket_id, ()),
            self._fields.get(ticket_id, ()),
            tuple(self._followers.get(ticket_id, ())),
        )

    def thread(self, ticket_id: int) -> Thread:
        refs = self._threads.get(ticket_id)
        if refs is None:
            return Thread()
        return Thread(
            reporter_channel=refs.reporter_channel,
            reporter_ts=refs.reporter_ts,
            support_channel=refs.support_channel,
            support_ts=refs.support_ts,
        )


def listed_ids(row: OutboxMessage) -> list[int]:
    """The tickets a message about several lists (a sweep's reminders or escalations)."""
    if row.ticket_id is not None or row.kind not in LISTS_TICKETS or '"items"' not in row.payload:
        return []
    items = json.loads(row.payload).get("items")
    if not isinstance(items, list):
        return []
    return [i["ticket"] for i in items if isinstance(i, dict) and isinstance(i.get("ticket"), int)]


def outgoing(session: Session, row: OutboxMessage, tickets: TicketsOf) -> Outgoing:
    state: TicketSummary | None = None
    thread = Thread()
    if row.ticket_id is not None:
        state = tickets.ticket(row.ticket_id)
        thread = tickets.thread(row.ticket_id)
    kind = MessageKind(row.kind)
    if kind is MessageKind.FOLLOWER_THREAD and row.ticket_id is not None and row.recipient:
        thread = _with_follower_thread(session, thread, row.ticket_id, row.recipient)
    listed = {
        ticket_id: (listed_state, tickets.thread(ticket_id))
        for ticket_id in listed_ids(row)
        if (listed_state := tickets.ticket(ticket_id)) is not None
    }
    return Outgoing(
        listed=listed,
        id=row.id,
        kind=kind,
        ticket_id=row.ticket_id,
        payload=_as_the_entry_is_now(session, row, json.loads(row.payload)),
        ticket=state,
        thread=thread,
        parts_delivered=row.parts_delivered,
        copy=_where_it_is(session, row, kind),
        created_at=_utc(row.created_at),
        # A file relay records the file it uploaded as its part, before sharing it.
        uploads=tuple((row.part_ts or "").split()) if row.kind == RELAY_FILE else (),
    )


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; the outbox stores UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


RELAY_FILE = MessageKind.RELAY_FILE.value
# The messages that leave an entry's copy in chat, and those that may list tickets.
LEAVES_A_COPY = sorted(kind.value for kind in kinds_where(lambda plan: plan.leaves_copy))
LISTS_TICKETS = frozenset(kind.value for kind in kinds_where(lambda plan: plan.lists_tickets))


def _as_the_entry_is_now(
    session: Session, row: OutboxMessage, payload: dict[str, Any]
) -> dict[str, Any]:
    """A reporter's reply relayed late (an admin retried it after a failure) says what
    the reply says now: the edits and the withdrawal it missed were nothing to change."""
    if row.kind != MessageKind.SUPPORT_THREAD.value or row.entry_id is None:
        return payload
    entry = session.get(ConversationEntry, row.entry_id)
    if entry is None or entry.kind is not EntryKind.REPORTER_REPLY:
        return payload
    if entry.withdrawn_at is not None:
        return {"event": "withdrawn", "actor": entry.author_id, "entry": entry.id}
    return payload | {"text": entry.text}


def _where_it_is(session: Session, row: OutboxMessage, kind: MessageKind) -> RelayedCopy | None:
    """What the message edits or answers under: an entry's copy, an approval request."""
    if PLANS[kind].changes_copy:
        return _relayed_copy(session, row)
    if PLANS[kind].follows_request:
        return _approval_request(session, row)
    return None


def _approval_request(session: Session, row: OutboxMessage) -> RelayedCopy | None:
    """Where the approval request to the same person about the same ticket landed."""
    found = session.execute(
        select(OutboxMessage.result_channel, OutboxMessage.result_ts)
        .where(
            OutboxMessage.ticket_id == row.ticket_id,
            OutboxMessage.recipient == row.recipient,
            OutboxMessage.kind == MessageKind.APPROVAL_REQUEST.value,
            OutboxMessage.status == MessageStatus.SENT.value,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).one_or_none()
    if found is None or found.result_channel is None or found.result_ts is None:
        return None
    return RelayedCopy(channel=found.result_channel, parts=(found.result_ts,))


def _relayed_copy(session: Session, row: OutboxMessage) -> RelayedCopy | None:
    """The entry's copy as the latest message that left one put it (messages of a ticket
    go out in order, so that is the relay or the edit before this one)."""
    if row.entry_id is None:
        return None
    last = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.entry_id == row.entry_id,
            OutboxMessage.status == MessageStatus.SENT.value,
            OutboxMessage.kind.in_(LEAVES_A_COPY),
            OutboxMessage.id < row.id,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).one_or_none()
    if last is None or last.result_channel is None or last.result_ts is None:
        return None
    parts = (*(last.part_ts or "").split(), last.result_ts)
    return RelayedCopy(channel=last.result_channel, parts=parts)


def _with_follower_thread(session: Session, thread: Thread, ticket_id: int, user: str) -> Thread:
    """The ticket's threads and the follower's own DM thread about it, once begun."""
    following = session.get(TicketFollower, (ticket_id, user))
    if following is None:
        return thread
    return replace(thread, follower_channel=following.dm_channel, follower_ts=following.dm_ts)


def remember_thread(
    session: Session, ticket_id: int, side: ThreadSide, delivered: Delivered, payload: Any
) -> None:
    """Where a message that begins one of its ticket's threads landed: the reporter's DM
    thread, the card, or (its payload's `user`) a follower's DM thread."""
    if side is ThreadSide.FOLLOWER:
        user = payload.get("user") if isinstance(payload, dict) else None
        following = session.get(TicketFollower, (ticket_id, str(user or "")))
        if following is not None:
            following.dm_channel, following.dm_ts = delivered.channel, delivered.ts
        return
    refs = session.get(TicketThread, ticket_id)
    if refs is None:
        refs = TicketThread(ticket_id=ticket_id)
        session.add(refs)
    if side is ThreadSide.SUPPORT:
        refs.support_channel, refs.support_ts = delivered.channel, delivered.ts
    else:
        refs.reporter_channel, refs.reporter_ts = delivered.channel, delivered.ts
