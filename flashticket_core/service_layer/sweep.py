"""The sweep: fires the timers that are due, each once.

Each round claims the due rows (held by its transaction, so a second sweeper skips
them), marks each fired and does what it is for in the same transaction: a reminder or
an escalation written to the outbox, a nudge in the reporter's DM thread, or a status
change made through the domain by the system, whose events reach the outbox as any
change's do. A crash before the commit leaves the timers unfired; after it, fired.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from flashticket_core.domain.clock import SYSTEM_ACTOR, TargetKind, TimerKind
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import Ticket
from flashticket_core.service_layer.jobs import Leases
from flashticket_core.service_layer.outbox import MessageKind, NewMessage
from flashticket_core.service_layer.timers import ClockPolicy, Clocks, Timer
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# The sweep runs every 5 s and renews its lease each round; a replica that died holding
# it delays the timers by at most this (one that stops gives it up).
SWEEP_LEASE = timedelta(seconds=10)
SWEEP_LEASE_NAME = "timers"
SWEEP_BATCH = 200


def sweep(
    units: UnitOfWorkFactory,
    leases: Leases,
    policy: ClockPolicy,
    clock: Callable[[], datetime],
    *,
    batch: int = SWEEP_BATCH,
) -> int:
    """Fire every due timer; returns how many. Only the lease's holder sweeps; claimed
    rows keep even two sweepers (a lease that expired mid-round) from firing one twice."""
    if not leases.acquire(SWEEP_LEASE_NAME, SWEEP_LEASE):
        return 0
    fired = 0
    while True:
        with units() as uow:
            now = clock()
            due = uow.timers.claim_due(now, batch)
            for timer in due:
                fire(uow, timer, policy, now)
            if due:
                uow.commit()
        fired += len(due)
        if len(due) < batch:
            break
    if fired:
        log.info("timers: fired %s", fired)
    return fired


def fire(uow: AbstractUnitOfWork, timer: Timer, policy: ClockPolicy, now: datetime) -> None:
    """Mark the timer fired and do what it is for, in the caller's transaction. A timer
    whose moment passed (its ticket changed in a way a cancel has not caught) does
    nothing."""
    uow.timers.mark_fired(timer.id, now)
    ticket = uow.tickets.get(timer.ticket_id)
    if ticket is None or ticket.deleted_at is not None:
        return
    target = timer.kind.target
    if target is not None:
        _fire_target(uow, ticket, timer, target, now)
    elif timer.kind is TimerKind.WAITING_NUDGE and ticket.status is Status.WAITING:
        resolve_after = policy.waiting_resolve.total_seconds() if policy.waiting_resolve else None
        payload = {"event": "waiting_nudge", "resolve_after": resolve_after}
        uow.messages.add([_message(MessageKind.REPORTER_THREAD, ticket.id, payload, now)])
    elif timer.kind is TimerKind.WAITING_RESOLVE and ticket.status is Status.WAITING:
        ticket.change_status(Status.RESOLVED, actor_id=SYSTEM_ACTOR, now=now, reason=timer.kind)
    elif timer.kind is TimerKind.AUTO_CLOSE and ticket.status is Status.RESOLVED:
        ticket.change_status(Status.CLOSED, actor_id=SYSTEM_ACTOR, now=now, reason=timer.kind)


def _fire_target(
    uow: AbstractUnitOfWork, ticket: Ticket, timer: Timer, target: TargetKind, now: datetime
) -> None:
    clocks: Clocks = uow.timers.targets([ticket.id]).get(ticket.id, {})
    clock = clocks.get(target)
    if clock is None or clock.met_at is not None or clock.due_at is None:
        return
    payload: dict[str, Any] = {
        "target": target.value,
        "due": clock.due_at.isoformat(),
        "length": clock.length.total_seconds(),
    }
    if timer.kind.is_breach:
        clocks[target] = replace(clock, breached=True, warned=True)
        payload |= {"event": "sla_breach", "late": max((now - clock.due_at).total_seconds(), 0)}
        message = _message(MessageKind.ESCALATION, ticket.id, payload, now)
        # The card shows the target as missed from now on.
        uow.messages.add([_message(MessageKind.SUPPORT_UPDATE, ticket.id, {}, now)])
    else:
        clocks[target] = replace(clock, warned=True)
        payload["event"] = "sla_warning"
        if ticket.assignee_id is not None:
            payload["user"] = ticket.assignee_id
            message = _message(
                MessageKind.PERSON, ticket.id, payload, now, recipient=ticket.assignee_id
            )
        else:
            message = _message(MessageKind.SUPPORT_THREAD, ticket.id, payload, now)
    uow.timers.save_targets(ticket.id, clocks)
    uow.messages.add([message])


def _message(
    kind: MessageKind,
    ticket_id: int,
    payload: dict[str, Any],
    now: datetime,
    recipient: str | None = None,
) -> NewMessage:
    return NewMessage(
        kind=kind,
        ticket_id=ticket_id,
        payload=json.dumps(payload, ensure_ascii=False),
        next_attempt_at=now,
        created_at=now,
        recipient=recipient,
    )
