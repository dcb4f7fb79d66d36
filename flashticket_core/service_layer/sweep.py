"""The sweep: fires the timers that are due, each once.

Each round claims the due rows (held by its transaction, so a second sweeper skips
them), marks each fired and does what it is for in the same transaction: a reminder or
an escalation written to the outbox, a nudge in the reporter's DM thread, or a status
change made through the domain by the system, whose events reach the outbox as any
change's do. A crash before the commit leaves the timers unfired; after it, fired.

The reminders and escalations of one round are told together: the escalation channel
gets one message listing every target the round found missed, an assignee one message
listing their reminders, and the support channel one for the unassigned tickets'
(a single one is told as before: under its card, or naming its ticket alone). A list
holds at most NOTICE_BATCH tickets, so a message stays readable and within Slack's
limits; a longer one is split.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flashticket_core.domain.clock import SYSTEM_ACTOR, TargetKind, TimerKind
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import DEFAULT_TEAM_ID, Ticket
from flashticket_core.service_layer.jobs import Leases
from flashticket_core.service_layer.outbox import MessageKind, NewMessage
from flashticket_core.service_layer.timers import ClockPolicy, Clocks, TeamClocks, Timer
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# The sweep runs every 5 s and renews its lease each round; a replica that died holding
# it delays the timers by at most this (one that stops gives it up).
SWEEP_LEASE = timedelta(seconds=10)
SWEEP_LEASE_NAME = "timers"
SWEEP_BATCH = 200
# The most tickets one reminder or escalation message lists.
NOTICE_BATCH = 20


@dataclass(frozen=True)
class Notice:
    """A reminder or an escalation a target timer owes, sent with the round's others."""

    ticket_id: int
    breach: bool
    # The assignee to remind; None: the support channel (a breach: the escalation channel).
    recipient: str | None
    payload: dict[str, Any]
    # The ticket's team: what goes to a channel goes to the team's.
    team_id: str = DEFAULT_TEAM_ID


def sweep(
    units: UnitOfWorkFactory,
    leases: Leases,
    policy: ClockPolicy | TeamClocks,
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
            notices = [fire(uow, timer, policy, now) for timer in due]
            told = notice_messages([n for n in notices if n is not None], now)
            if told:
                uow.messages.add(told)
            if due:
                uow.commit()
        fired += len(due)
        if len(due) < batch:
            break
    if fired:
        log.info("timers: fired %s", fired)
    return fired


def fire(
    uow: AbstractUnitOfWork, timer: Timer, clocks: ClockPolicy | TeamClocks, now: datetime
) -> Notice | None:
    """Mark the timer fired and do what it is for, in the caller's transaction; a
    reminder or an escalation is returned, for `notice_messages` to tell with the
    round's others. A timer whose moment passed (its ticket changed in a way a cancel
    has not caught) does nothing."""
    uow.timers.mark_fired(timer.id, now)
    ticket = uow.tickets.get(timer.ticket_id)
    if ticket is None or ticket.deleted_at is not None:
        return None
    target = timer.kind.target
    if target is not None:
        return _fire_target(uow, ticket, timer, target, now)
    policy = TeamClocks.one(clocks).of(ticket.team_id)
    if timer.kind is TimerKind.WAITING_NUDGE and ticket.status is Status.WAITING:
        resolve_after = policy.waiting_resolve.total_seconds() if policy.waiting_resolve else None
        payload = {"event": "waiting_nudge", "resolve_after": resolve_after}
        uow.messages.add([_message(MessageKind.REPORTER_THREAD, ticket.id, payload, now)])
    elif timer.kind is TimerKind.WAITING_RESOLVE and ticket.status is Status.WAITING:
        ticket.change_status(Status.RESOLVED, actor_id=SYSTEM_ACTOR, now=now, reason=timer.kind)
    elif timer.kind is TimerKind.AUTO_CLOSE and ticket.status is Status.RESOLVED:
        ticket.change_status(Status.CLOSED, actor_id=SYSTEM_ACTOR, now=now, reason=timer.kind)
    elif timer.kind is TimerKind.APPROVAL_REMINDER and ticket.status is Status.PENDING_APPROVAL:
        uow.messages.add(_approval_reminders(uow, ticket, now))
    return None


def _approval_reminders(uow: AbstractUnitOfWork, ticket: Ticket, now: datetime) -> list[NewMessage]:
    """Each approver of a ticket still waiting for approval, reminded under their request."""
    state = uow.approvals.get(ticket.id)
    approvers = state.approvers if state is not None else ()
    payload = {"event": "approval_reminder", "since": ticket.created_at.isoformat()}
    return [
        _message(
            MessageKind.APPROVAL_REMINDER,
            ticket.id,
            payload | {"user": approver},
            now,
            recipient=approver,
        )
        for approver in approvers
    ]


def _fire_target(
    uow: AbstractUnitOfWork, ticket: Ticket, timer: Timer, target: TargetKind, now: datetime
) -> Notice | None:
    clocks: Clocks = uow.timers.targets([ticket.id]).get(ticket.id, {})
    clock = clocks.get(target)
    if clock is None or clock.met_at is not None or clock.due_at is None:
        return None
    payload: dict[str, Any] = {
        "target": target.value,
        "due": clock.due_at.isoformat(),
        "length": clock.length.total_seconds(),
    }
    if timer.kind.is_breach:
        clocks[target] = replace(clock, breached=True, warned=True)
        payload |= {"event": "sla_breach", "late": max((now - clock.due_at).total_seconds(), 0)}
        # The card shows the target as missed from now on.
        uow.messages.add([_message(MessageKind.SUPPORT_UPDATE, ticket.id, {}, now)])
        notice = Notice(ticket.id, True, None, payload, team_id=ticket.team_id)
    else:
        clocks[target] = replace(clock, warned=True)
        payload["event"] = "sla_warning"
        if ticket.assignee_id is not None:
            payload["user"] = ticket.assignee_id
        notice = Notice(ticket.id, False, ticket.assignee_id, payload, team_id=ticket.team_id)
    uow.timers.save_targets(ticket.id, clocks)
    return notice


def notice_messages(notices: list[Notice], now: datetime) -> list[NewMessage]:
    """The round's reminders and escalations as messages: one per escalation channel,
    assignee and support channel, each listing its tickets (at most NOTICE_BATCH a
    message); a lone notice is told about its ticket as it always was."""
    # What goes to a channel goes to the ticket's team's: listed per team.
    groups: dict[tuple[bool, str | None, str | None], list[Notice]] = {}
    for notice in notices:
        team = notice.team_id if notice.recipient is None else None
        groups.setdefault((notice.breach, notice.recipient, team), []).append(notice)
    messages: list[NewMessage] = []
    for (breach, recipient, team), group in groups.items():
        if len(group) == 1:
            messages.append(_single(group[0], now))
            continue
        if breach:
            kind, event = MessageKind.ESCALATION, "sla_breaches"
        elif recipient is not None:
            kind, event = MessageKind.PERSON, "sla_warnings"
        else:
            kind, event = MessageKind.SUPPORT_NOTICE, "sla_warnings"
        for start in range(0, len(group), NOTICE_BATCH):
            items = [
                {"ticket": n.ticket_id} | {k: v for k, v in n.payload.items() if k in _ITEM}
                for n in group[start : start + NOTICE_BATCH]
            ]
            payload: dict[str, Any] = {"event": event, "items": items}
            if recipient is not None:
                payload["user"] = recipient
            if team is not None:
                payload["team"] = team
            messages.append(_message(kind, None, payload, now, recipient=recipient))
    return messages


# What a listed ticket's line says of its target.
_ITEM = frozenset({"target", "due", "length", "late"})


def _single(notice: Notice, now: datetime) -> NewMessage:
    if notice.breach:
        return _message(MessageKind.ESCALATION, notice.ticket_id, notice.payload, now)
    if notice.recipient is not None:
        return _message(
            MessageKind.PERSON, notice.ticket_id, notice.payload, now, recipient=notice.recipient
        )
    return _message(MessageKind.SUPPORT_THREAD, notice.ticket_id, notice.payload, now)


def _message(
    kind: MessageKind,
    ticket_id: int | None,
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
