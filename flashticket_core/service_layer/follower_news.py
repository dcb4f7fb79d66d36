"""What a ticket's followers are told, and when: each in their own DM thread, begun by a
first DM when they start following, then every status change and every support reply
(never an internal note: support followers read those under the card, where they are
posted). The change's own author is not told of it. The reporter hears when someone
else starts a person following their ticket, and the card shows who follows. Whoever
opens a ticket on behalf of someone is told so by DM (the reporter's DM thread begins as
for any ticket, saying who opened it for them).

`FollowerNews` is asked by the outbox writer for each event of a commit, inside its
transaction, so the followers told are those of the moment of the change."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind
from flashticket_core.domain.model.approval import APPROVAL_REASONS
from flashticket_core.service_layer.outbox import MessageKind, MessageQueue, Planned


def _news(event: events.Event) -> dict[str, Any] | None:
    """What followers are told of the event, if anything (the reporter's payload)."""
    match event:
        case events.StatusChanged(reason=reason) if reason in APPROVAL_REASONS:
            return None  # told as the decision, with its reason (below)
        case events.ApprovalDecided(actor_id=actor, approved=approved, reason=reason):
            decided = "approved" if approved else "rejected"
            return {"event": decided, "actor": actor, "reason": reason}
        case events.StatusChanged(actor_id=actor, old=old, new=new):
            change = {"event": "status", "actor": actor, "old": old.value, "new": new.value}
            if event.reason is not None:
                change["reason"] = event.reason
            return change
        case events.EntryAdded(actor_id=actor, kind=EntryKind.SUPPORT_REPLY, text=text):
            return {"event": EntryKind.SUPPORT_REPLY.value, "actor": actor, "text": text}
        case events.TicketDeleted(actor_id=actor):
            return {"event": "deleted", "actor": actor}
    return None


def _about_followers(event: events.Event) -> list[Planned]:
    match event:
        case events.FollowerAdded(ticket_id=tid, actor_id=actor, user_id=user):
            planned: list[Planned] = [
                (MessageKind.FOLLOWER_ROOT, tid, {"actor": actor, "user": user}),
                (MessageKind.SUPPORT_UPDATE, tid, {}),
            ]
            if actor != event.reporter_id:
                added = {"event": "follower_added", "actor": actor, "user": user}
                planned.append((MessageKind.REPORTER_THREAD, tid, added))
            return planned
        case events.FollowerRemoved(ticket_id=tid):
            return [(MessageKind.SUPPORT_UPDATE, tid, {})]
        case events.TicketOpened(ticket_id=tid, actor_id=actor, reporter_id=str()):
            if event.source_channel is None:
                # Opened on behalf of someone: the opener's confirmation, by DM.
                opened = {"event": "opened_on_behalf", "actor": actor, "user": actor}
                return [(MessageKind.PERSON, tid, opened)]
    return []


class FollowerNews:
    """The follower messages of one commit's events, their followers read once."""

    def __init__(self, messages: MessageQueue, event_list: Collection[events.Event]) -> None:
        told = {
            e.ticket_id
            for e in event_list
            if isinstance(e, events.TicketEvent) and _news(e) is not None
        }
        self._followers: Mapping[int, list[str]] = messages.followers_of(told) if told else {}
        # A ticket opened in this commit: its card, posted after it, shows them already.
        self._opened = {e.ticket_id for e in event_list if isinstance(e, events.TicketOpened)}

    def __call__(self, event: events.Event) -> list[Planned]:
        planned = _about_followers(event)
        if isinstance(event, events.FollowerAdded) and event.ticket_id in self._opened:
            planned = [p for p in planned if p[0] is not MessageKind.SUPPORT_UPDATE]
        news = _news(event)
        if news is None or not isinstance(event, events.TicketEvent):
            return planned
        for user in self._followers.get(event.ticket_id, ()):
            if user != event.actor_id:
                planned.append(
                    (MessageKind.FOLLOWER_THREAD, event.ticket_id, news | {"user": user})
                )
        return planned
