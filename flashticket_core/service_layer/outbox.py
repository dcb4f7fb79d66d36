"""Which messages a change causes, and how the outbox handles each kind (`PLANS`). The
policy is product logic; how they look is the adapter's.

`write_outbox` is the unit of work's event sink: it runs inside the change's
transaction, so a change and its messages are committed together or not at all. It
reaches the stored messages through `MessageQueue`, the outbox as one transaction sees
it (SQL in `adapters/sql_outbox.py`).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind, Role
from flashticket_core.domain.model.approval import APPROVAL_REASONS


class MessageKind(StrEnum):
    SUPPORT_POST = "support_post"  # the ticket's card in the support channel
    SUPPORT_UPDATE = "support_update"  # the card edited in place to show the current state
    SUPPORT_MOVED = "support_moved"  # the old card of a moved ticket, saying where it went
    SUPPORT_THREAD = "support_thread"  # a reply under the card
    SUPPORT_THREAD_EDIT = "support_thread_edit"  # a relayed entry's copy, edited in place
    SUPPORT_THREAD_WITHDRAW = "support_thread_withdraw"  # a relayed entry's copy, taken back
    REPORTER_ROOT = "reporter_root"  # the DM that starts the reporter's thread
    REPORTER_THREAD = "reporter_thread"  # a reply in the reporter's DM thread
    DIRECT = "direct"  # a DM to a person, outside any ticket
    HOME = "home"  # republish a person's App Home with the current state
    SOURCE_THREAD = "source_thread"  # the ticket's number, under the message it was made from
    SUPPORT_DIGEST = "support_digest"  # the morning digest in the support channel
    # A DM to one person about a ticket: a reminder to its assignee, a change they did
    # not make (a reopen, the clock, a take-over).
    PERSON = "person"
    ESCALATION = "escalation"  # a missed target, told in the escalation channel
    SUPPORT_NOTICE = "support_notice"  # one message in the support channel on several tickets
    RELAY_FILE = "relay_file"  # a file, fetched once from chat and shared once on the other side
    # A ticket asked for from a chat message that could not be read then (the chat's rate
    # limit, an outage): read again, and the ticket opened, when the chat lets us.
    FROM_MESSAGE_LATER = "from_message_later"
    # Another message failed for good: said once in the card's thread, or to an admin
    # (`user` in its payload) when the card itself cannot be reached.
    DELIVERY_NOTICE = "delivery_notice"
    # A ticket waits for approval: each approver gets it by DM with Approve / Reject.
    APPROVAL_REQUEST = "approval_request"
    # Decided: each approver's request loses its buttons, and the others hear who decided.
    APPROVAL_DECIDED = "approval_decided"
    # A business day without a decision: each approver is reminded, by DM.
    APPROVAL_REMINDER = "approval_reminder"
    # The DM that starts a follower's own thread about a ticket (`user` in its payload),
    # and a status change or support reply in it (follower_news.py plans them).
    FOLLOWER_ROOT = "follower_root"
    FOLLOWER_THREAD = "follower_thread"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # a later card update made this one pointless
    CANCELLED = "cancelled"  # its ticket was deleted before it went out


class ThreadSide(StrEnum):
    """The two threads of a ticket in chat."""

    REPORTER = "reporter"  # the reporter's DM thread
    SUPPORT = "support"  # under the ticket's card in the support channel
    FOLLOWER = "follower"  # a follower's own DM thread (one per follower)


@dataclass(frozen=True)
class KindPlan:
    """How the outbox handles one kind of message, whoever writes it."""

    # Begins one of its ticket's threads: where it lands is remembered, and what follows
    # is said under it. A failure of it cannot be told under the card.
    begins: ThreadSide | None = None
    # May take long (a file fetched, then shared): delivered on the worker's side thread,
    # one at a time; its ticket's later messages wait for its first attempt only.
    on_the_side: bool = False
    # Pointless once a later one of its kind waits for the same ticket: marked superseded.
    superseded_by_later: bool = False
    # Relays a conversation entry: its copy in chat is where this message landed.
    leaves_copy: bool = False
    # Edits or withdraws the copy the last message about its entry left (and leaves it).
    changes_copy: bool = False
    # May list several tickets (`items` in its payload): each is read as it is now.
    lists_tickets: bool = False
    # A failure for good is told once; never that of a notice about a failure.
    failure_told: bool = True
    # Edits, or answers under, the approval request DM sent to the same person about the
    # same ticket (`copy`: where it landed).
    follows_request: bool = False


# Every kind's plan; a test fails when a kind has none.
PLANS: dict[MessageKind, KindPlan] = {
    MessageKind.SUPPORT_POST: KindPlan(begins=ThreadSide.SUPPORT),
    MessageKind.SUPPORT_UPDATE: KindPlan(superseded_by_later=True),
    MessageKind.SUPPORT_MOVED: KindPlan(),
    MessageKind.SUPPORT_THREAD: KindPlan(leaves_copy=True),
    MessageKind.SUPPORT_THREAD_EDIT: KindPlan(leaves_copy=True, changes_copy=True),
    MessageKind.SUPPORT_THREAD_WITHDRAW: KindPlan(leaves_copy=True, changes_copy=True),
    MessageKind.REPORTER_ROOT: KindPlan(begins=ThreadSide.REPORTER),
    MessageKind.REPORTER_THREAD: KindPlan(),
    MessageKind.DIRECT: KindPlan(),
    MessageKind.HOME: KindPlan(),
    MessageKind.SOURCE_THREAD: KindPlan(),
    MessageKind.SUPPORT_DIGEST: KindPlan(),
    MessageKind.PERSON: KindPlan(lists_tickets=True),
    MessageKind.ESCALATION: KindPlan(lists_tickets=True),
    MessageKind.SUPPORT_NOTICE: KindPlan(lists_tickets=True),
    MessageKind.RELAY_FILE: KindPlan(on_the_side=True),
    MessageKind.FROM_MESSAGE_LATER: KindPlan(),
    MessageKind.DELIVERY_NOTICE: KindPlan(failure_told=False),
    MessageKind.APPROVAL_REQUEST: KindPlan(),
    MessageKind.APPROVAL_DECIDED: KindPlan(follows_request=True),
    MessageKind.APPROVAL_REMINDER: KindPlan(),
    MessageKind.FOLLOWER_ROOT: KindPlan(begins=ThreadSide.FOLLOWER),
    MessageKind.FOLLOWER_THREAD: KindPlan(),
}
# The messages to one person (their `user`), recorded as its recipient.
TO_ONE_PERSON = frozenset(
    {
        MessageKind.PERSON,
        MessageKind.APPROVAL_REQUEST,
        MessageKind.APPROVAL_DECIDED,
        MessageKind.APPROVAL_REMINDER,
        MessageKind.FOLLOWER_ROOT,
        MessageKind.FOLLOWER_THREAD,
    }
)


def kinds_where(wanted: Callable[[KindPlan], bool]) -> frozenset[MessageKind]:
    return frozenset(kind for kind, plan in PLANS.items() if wanted(plan))


Planned = tuple[MessageKind, int | None, dict[str, Any]]


def plan(event: events.Event) -> list[Planned]:
    """The messages one event causes, in the order they must be delivered."""
    match event:
        case events.TicketOpened(ticket_id=tid, actor_id=actor):
            root: dict[str, Any] = {"actor": actor}
            if event.source_channel and event.source_ts:
                # Opened by someone else, the root tells the author which message it was.
                root["source"] = {
                    "channel": event.source_channel,
                    "ts": event.source_ts,
                    "thread_ts": event.source_thread_ts or event.source_ts,
                }
            planned: list[Planned] = [(MessageKind.REPORTER_ROOT, tid, root)]
            if not event.awaiting_approval:
                # Waiting for approval, its card is posted once it is approved.
                planned.append((MessageKind.SUPPORT_POST, tid, {"actor": actor}))
            if event.source_channel and event.source_thread_ts:
                source = {
                    "channel": event.source_channel,
                    "thread_ts": event.source_thread_ts,
                    # Told instead when the bot is not in that channel.
                    "actor": actor,
                }
                planned.append((MessageKind.SOURCE_THREAD, tid, source))
            return planned
        case events.StatusChanged(
            ticket_id=tid, actor_id=actor, old=old, new=new, reason="withdrawn"
        ):
            # The reporter took back a ticket opened in their name: support hears of it.
            change = {"event": "status", "actor": actor, "old": old.value, "new": new.value}
            change["reason"] = "withdrawn"
            return [
                (MessageKind.REPORTER_THREAD, tid, change),
                (MessageKind.SUPPORT_UPDATE, tid, {}),
                (MessageKind.SUPPORT_THREAD, tid, {"event": "ticket_withdrawn", "actor": actor}),
            ]
        case events.StatusChanged(reason=reason) if reason in APPROVAL_REASONS:
            return []  # told as the decision (`ApprovalDecided`)
        case events.ApprovalRequested() | events.ApprovalDecided():
            return approval_messages(event)
        case events.StatusChanged(ticket_id=tid, actor_id=actor, old=old, new=new):
            change = {"event": "status", "actor": actor, "old": old.value, "new": new.value}
            if event.reason is not None:
                change["reason"] = event.reason
            planned = [
                (MessageKind.REPORTER_THREAD, tid, change),
                (MessageKind.SUPPORT_UPDATE, tid, {}),
            ]
            if event.by_reporter_or_clock:
                # The card changes silently: support and the assignee are told.
                planned.append((MessageKind.SUPPORT_THREAD, tid, change))
                planned.extend(_to_assignee(tid, event.assignee_id, actor, change))
            return planned
        case events.AnsweredWhenFinished(ticket_id=tid, actor_id=actor, status=status):
            late = {"event": "late_answer", "actor": actor, "status": status.value}
            return [
                (MessageKind.REPORTER_THREAD, tid, late | {"reopen": event.may_reopen}),
                (MessageKind.SUPPORT_THREAD, tid, late),
                *_to_assignee(tid, event.assignee_id, actor, late),
            ]
        case events.AssigneeChanged(ticket_id=tid, actor_id=actor, old=old, new=new, reason=None):
            return [(MessageKind.SUPPORT_UPDATE, tid, {}), *_assignment_told(tid, actor, old, new)]
        case events.AssigneeChanged(ticket_id=tid, actor_id=actor, old=old, new=new):
            return [(MessageKind.SUPPORT_UPDATE, tid, {}), *_rule_told(event)]
        case events.NobodyAvailable(ticket_id=tid, team_id=team):
            # Every member is away: the team's channel hears that the ticket waits.
            return [(MessageKind.SUPPORT_NOTICE, tid, {"event": "nobody_available", "team": team})]
        case events.PriorityChanged(ticket_id=tid):
            return [(MessageKind.SUPPORT_UPDATE, tid, {})]
        case events.TypeChanged(ticket_id=tid, actor_id=actor, old=old, new=new):
            retyped = {"event": "type_changed", "actor": actor, "old": old, "new": new}
            return [
                (MessageKind.SUPPORT_UPDATE, tid, {}),
                (MessageKind.SUPPORT_THREAD, tid, retyped),
            ]
        case events.TicketDeleted(ticket_id=tid, actor_id=actor):
            deleted = {"event": "deleted", "actor": actor}
            return [
                (MessageKind.SUPPORT_UPDATE, tid, {}),
                (MessageKind.SUPPORT_THREAD, tid, deleted),
                (MessageKind.REPORTER_THREAD, tid, deleted),
            ]
        case events.EntryAdded(ticket_id=tid, actor_id=actor, kind=kind, text=text, entry_id=eid):
            entry = {"event": kind.value, "actor": actor, "text": text, "entry": eid}
            if kind is EntryKind.SUPPORT_REPLY:
                return [
                    (MessageKind.REPORTER_THREAD, tid, entry),
                    (MessageKind.SUPPORT_THREAD, tid, entry),
                ]
            # Reporter replies are relayed to the team; internal notes never reach the reporter.
            return [(MessageKind.SUPPORT_THREAD, tid, entry)]
        case events.EntryEdited(ticket_id=tid, actor_id=actor, kind=kind, text=text, entry_id=eid):
            # Only what was relayed to the team can be edited there: the reporter's words.
            edit = {"event": kind.value, "actor": actor, "text": text, "entry": eid}
            return [(MessageKind.SUPPORT_THREAD_EDIT, tid, edit)]
        case events.EntryWithdrawn(ticket_id=tid, actor_id=actor, entry_id=eid):
            withdrawal = {"event": "withdrawn", "actor": actor, "entry": eid}
            return [(MessageKind.SUPPORT_THREAD_WITHDRAW, tid, withdrawal)]
        case events.FileAttached(ticket_id=tid, actor_id=actor):
            relay = {
                "event": "file",
                "actor": actor,
                "file_row": event.file_row,
                "file": event.chat_file_id,
                "name": event.name,
                "direction": event.direction,
            }
            return [(MessageKind.RELAY_FILE, tid, relay)]
        case events.TicketRated(ticket_id=tid, actor_id=actor, rating=rating):
            rated = {"event": "rated", "actor": actor, "rating": rating}
            return [(MessageKind.SUPPORT_THREAD, tid, rated)]
        case events.RoleChanged(actor_id=actor, user_id=user, new=role, team_id=team):
            told = {"event": "role", "actor": actor, "user": user, "role": role.value}
            return [(MessageKind.DIRECT, None, told | ({"team": team} if team else {}))]
        case events.TeamChanged(ticket_id=tid, actor_id=actor, old=old, new=new):
            # The old card and its thread say where it went; a new card in the new team's
            # channel (its thread from then on) says whence; the reporter is told.
            moved = {"event": "moved", "actor": actor, "old": old, "new": new}
            return [
                (MessageKind.SUPPORT_MOVED, tid, moved),
                (MessageKind.SUPPORT_THREAD, tid, moved),
                (MessageKind.SUPPORT_POST, tid, {"actor": actor}),
                (MessageKind.SUPPORT_THREAD, tid, moved | {"event": "moved_here"}),
                (MessageKind.REPORTER_THREAD, tid, moved),
            ]
    return []


def approval_messages(event: events.ApprovalRequested | events.ApprovalDecided) -> list[Planned]:
    """Asked: the reporter hears that it waits, each approver gets the request. Decided:
    the reporter hears how and why; approved, the card is posted in the team's channel
    with the approval under it; each approver's request loses its buttons."""
    tid = event.ticket_id
    if isinstance(event, events.ApprovalRequested):
        waiting = {"event": "awaiting_approval", "approvers": list(event.approvers)}
        requests = [(MessageKind.APPROVAL_REQUEST, tid, {"user": a}) for a in event.approvers]
        return [(MessageKind.REPORTER_THREAD, tid, waiting), *requests]
    decided: dict[str, Any] = {
        "event": "approved" if event.approved else "rejected",
        "actor": event.actor_id,
        "reason": event.reason,
    }
    planned: list[Planned] = [(MessageKind.REPORTER_THREAD, tid, decided)]
    if event.approved:
        planned.append((MessageKind.SUPPORT_POST, tid, {"actor": event.actor_id}))
        planned.append((MessageKind.SUPPORT_THREAD, tid, decided))
    planned.extend(
        (MessageKind.APPROVAL_DECIDED, tid, decided | {"user": a}) for a in event.approvers
    )
    return planned


def _to_assignee(
    ticket_id: int, assignee: str | None, actor: str, payload: dict[str, Any]
) -> list[Planned]:
    """The assignee also hears of a change they did not make, by DM."""
    if assignee is None or assignee == actor:
        return []
    return [(MessageKind.PERSON, ticket_id, payload | {"user": assignee})]


def _assignment_told(ticket_id: int, actor: str, old: str | None, new: str | None) -> list[Planned]:
    """Who hears of a change of assignee they did not make: the one who held the ticket
    (and the card's thread, where the team sees who holds it now), and the one it went to."""
    planned: list[Planned] = []
    if old is not None and old != actor:
        event = "took_over" if new == actor else "reassigned" if new is not None else "unassigned"
        change = {"event": event, "actor": actor, "old": old, "new": new}
        planned.append((MessageKind.SUPPORT_THREAD, ticket_id, change))
        planned.append((MessageKind.PERSON, ticket_id, change | {"user": old}))
    if new is not None and new != actor:
        planned.append(
            (MessageKind.PERSON, ticket_id, {"event": "assigned", "actor": actor, "user": new})
        )
    return planned


def _rule_told(event: events.AssigneeChanged) -> list[Planned]:
    """The team's rule gave the ticket to someone: they are told, with a link to the
    card; one it moved from (nobody answered in time) and the card's thread too."""
    tid, new, old = event.ticket_id, event.new, event.old
    change = {"actor": event.actor_id, "old": old, "new": new, "reason": event.reason}
    planned: list[Planned] = []
    if old is not None:
        moved = change | {"event": "auto_reassigned"}
        planned.append((MessageKind.SUPPORT_THREAD, tid, moved))
        planned.append((MessageKind.PERSON, tid, moved | {"user": old}))
    if new is not None:
        planned.append((MessageKind.PERSON, tid, change | {"event": "auto_assigned", "user": new}))
    return planned


@dataclass(frozen=True)
class NewMessage:
    """A message to add to the outbox: pending, never tried, due at `next_attempt_at`."""

    kind: MessageKind
    ticket_id: int | None
    payload: str
    next_attempt_at: datetime
    created_at: datetime
    # The person a message is for, when it is for one person (an App Home refresh).
    recipient: str | None = None
    # The conversation entry it carries, edits or withdraws: its copy in chat is found so.
    entry_id: int | None = None


class MessageQueue(abc.ABC):
    """The outbox as one unit of work sees it: the messages its change causes are added,
    a deleted ticket's unsent ones cancelled, and an admin puts failed ones back."""

    @abc.abstractmethod
    def add(self, messages: list[NewMessage]) -> None: ...

    @abc.abstractmethod
    def cancel_unsent(self, ticket_ids: Collection[int], now: datetime) -> None:
        """Cancel the tickets' messages that are pending or failed, except one a worker
        holds right now (its lease runs past `now`)."""

    @abc.abstractmethod
    def requeue_failed(self, now: datetime) -> int:
        """Put every failed message back in the queue; returns how many."""

    @abc.abstractmethod
    def home_viewers(self, *, since: datetime) -> set[str]:
        """Who opened their App Home at `since` or later."""

    @abc.abstractmethod
    def people_with(self, roles: Collection[Role]) -> set[str]:
        """Who holds one of the stored roles (configured admins aside)."""

    @abc.abstractmethod
    def people_on(self, ticket_ids: Collection[int]) -> set[str]:
        """The reporters and assignees of the tickets."""

    @abc.abstractmethod
    def home_refreshes_waiting(self, users: Collection[str]) -> set[str]:
        """Those of `users` whose App Home refresh is pending already, and not being
        sent right now."""

    @abc.abstractmethod
    def followers_of(self, ticket_ids: Collection[int]) -> dict[int, list[str]]:
        """Who follows each of the tickets now (this transaction's changes included),
        in the order they began; a ticket nobody follows is left out."""
