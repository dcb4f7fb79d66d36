"""What a commit writes into the outbox (`Outbox`, which the unit of work calls): the
messages its events plan (`outbox.py`), as rows in order (`outbox_rows`), a deleted
ticket's unsent ones cancelled, and a refresh of each App Home that shows what changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role
from flashticket_core.domain.events import Event
from flashticket_core.domain.permissions import PERMISSIONS, Action, Scope
from flashticket_core.service_layer.follower_news import FollowerNews
from flashticket_core.service_layer.outbox import (
    TO_ONE_PERSON,
    MessageKind,
    MessageQueue,
    NewMessage,
    Planned,
    plan,
)

# App Homes are republished for people who looked at theirs recently, at most once per
# HOME_DEBOUNCE: a burst of changes becomes one views.publish per person.
HOME_AUDIENCE_WINDOW = timedelta(minutes=30)
HOME_DEBOUNCE = timedelta(seconds=2)


def write_outbox(
    messages: MessageQueue,
    event_list: list[events.Event],
    now: datetime,
    *,
    configured_admins: frozenset[str] = frozenset(),
) -> int:
    cancel_messages_of_deleted(messages, event_list, now)
    rows = outbox_rows(event_list, now, also=FollowerNews(messages, event_list))
    rows.extend(home_refreshes(messages, event_list, now, configured_admins))
    if rows:
        messages.add(rows)
    return len(rows)


def cancel_messages_of_deleted(
    messages: MessageQueue, event_list: list[events.Event], now: datetime
) -> None:
    """A deleted ticket's messages that have not gone out never will (a support reply
    queued behind an outage, a failed one an admin might retry). The one a worker holds
    right now is left alone: it may already be in Slack, and the card's update that
    follows must wait for it."""
    deleted = {e.ticket_id for e in event_list if isinstance(e, events.TicketDeleted)}
    if deleted:
        messages.cancel_unsent(deleted, now)


def home_refreshes(
    messages: MessageQueue,
    event_list: list[events.Event],
    now: datetime,
    configured_admins: frozenset[str],
) -> list[NewMessage]:
    """One pending Home refresh for each recent viewer whose Home shows what changed:
    the people on a changed ticket, the one whose role changed, and support."""
    ticket_ids = {e.ticket_id for e in event_list if isinstance(e, events.TicketEvent)}
    role_users = {e.user_id for e in event_list if isinstance(e, events.RoleChanged)}
    if not ticket_ids and not role_users:
        return []
    viewers = messages.home_viewers(since=now - HOME_AUDIENCE_WINDOW)
    if not viewers:
        return []
    # Whose Home shows the queue: the roles the permission table lets see every ticket.
    queue_roles = [role for role in Role if PERMISSIONS[Action.FILTER_OTHERS][role] is Scope.ALL]
    support = configured_admins | messages.people_with(queue_roles)
    involved = role_users | messages.people_on(ticket_ids)
    audience = viewers & (involved | support)
    already_waiting = messages.home_refreshes_waiting(audience)
    return [
        NewMessage(
            kind=MessageKind.HOME,
            ticket_id=None,
            recipient=user,
            payload=json.dumps({"user": user}),
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

    def __call__(self, messages: MessageQueue, events: list[Event]) -> None:
        write_outbox(messages, events, self.clock(), configured_admins=self.configured_admins)


def outbox_rows(
    event_list: list[events.Event],
    now: datetime,
    also: Callable[[events.Event], list[Planned]] | None = None,
) -> list[NewMessage]:
    """The messages the events cause, in order; `also`: more each event causes, right
    after its own (what its ticket's followers are told)."""
    planned = _without_updates_after_post(
        [step for event in event_list for step in plan(event) + (also(event) if also else [])]
    )
    return [
        NewMessage(
            kind=kind,
            ticket_id=ticket_id,
            payload=json.dumps(payload, ensure_ascii=False),
            next_attempt_at=now,
            created_at=now,
            entry_id=payload.get("entry"),
            recipient=payload.get("user") if kind in TO_ONE_PERSON else None,
        )
        for kind, ticket_id, payload in planned
    ]


def _without_updates_after_post(planned: list[Planned]) -> list[Planned]:
    """A card is posted as its ticket stands when it goes out: an update of it planned
    by the same commit after its post (a new ticket the team's rule assigned at once)
    would only edit it to what it shows already."""
    posted: set[int | None] = set()
    kept: list[Planned] = []
    for step in planned:
        kind, ticket_id, _payload = step
        if kind is MessageKind.SUPPORT_UPDATE and ticket_id in posted:
            continue
        if kind is MessageKind.SUPPORT_POST:
            posted.add(ticket_id)
        kept.append(step)
    return kept
