"""The App Home's queue table: a filter or the sort chosen, a page turned, a row's
status or priority changed. The core remembers the person's choice (or changes the
ticket, with the same effects as the card's selects); then their Home is published
again, showing it."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.ids import (
    ANY,
    HOME_QUEUE_ASSIGNEE,
    HOME_QUEUE_NEXT,
    HOME_QUEUE_PREVIOUS,
    HOME_QUEUE_PRIORITY,
    HOME_QUEUE_ROW,
    HOME_QUEUE_SORT,
    HOME_QUEUE_STATUS,
    HOME_QUEUE_TEAM,
)
from bot.incoming import BadPayload, BlockActions
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import CardAction
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.errors import TicketError
from flashticket_core.service_layer.queue_view import (
    MAX_QUEUE_PAGE,
    AssigneeFilter,
    QueueSort,
)

log = logging.getLogger(__name__)

# Each filter's select, by the field of the queue's view it sets.
FILTERS = {
    HOME_QUEUE_TEAM: "team",
    HOME_QUEUE_STATUS: "status",
    HOME_QUEUE_PRIORITY: "priority",
    HOME_QUEUE_ASSIGNEE: "assignee",
    HOME_QUEUE_SORT: "sort",
}
# What each field's values are read as ("any": not filtered).
KINDS: dict[str, type[Status | Priority | AssigneeFilter | QueueSort] | None] = {
    "team": None,
    "status": Status,
    "priority": Priority,
    "assignee": AssigneeFilter,
    "sort": QueueSort,
}


def register(app: App) -> None:
    for action_id in FILTERS:
        app.action(action_id)(listener(Kind.ACTION)(choose_filter))
    app.action(HOME_QUEUE_PREVIOUS)(listener(Kind.ACTION)(turn_page))
    app.action(HOME_QUEUE_NEXT)(listener(Kind.ACTION)(turn_page))
    app.action(HOME_QUEUE_ROW)(listener(Kind.ACTION)(change_row))


def choose_filter(turn: Turn) -> None:
    """A filter or the sort chosen: the queue from its first page."""
    turn.ack()
    action = turn.expect(BlockActions).action
    field = FILTERS[action.action_id]
    value = _filter_value(field, action.raw_value())
    view = turn.desk.queries.queue_view(turn.actor)
    turn.desk.people.choose_queue_view(turn.actor, replace(view, **{field: value}, page=1))
    publish_home(turn)


def turn_page(turn: Turn) -> None:
    turn.ack()
    raw = turn.expect(BlockActions).action.raw_value() or ""
    if not raw.isdecimal() or not 0 < len(raw) <= len(str(MAX_QUEUE_PAGE)):
        raise BadPayload(f"bad page {raw[:20]!r}")
    view = turn.desk.queries.queue_view(turn.actor)
    turn.desk.people.choose_queue_view(turn.actor, replace(view, page=int(raw)))
    publish_home(turn)


def change_row(turn: Turn) -> None:
    """A row's status or priority changed in place, as the card's selects change it; a
    change made on an older view of the ticket is refused the same way, in the DM."""
    turn.ack()
    action = CardAction.parse(turn.expect(BlockActions).action.raw_value())
    field, _, choice = (action.choice or "").partition(":")
    if field not in ("status", "priority"):
        raise BadPayload(f"bad row choice {action.choice!r}")
    chosen = action.model_copy(update={"choice": choice})
    try:
        if field == "status":
            turn.desk.tickets.change_status(
                turn.actor,
                action.ticket_id,
                chosen.status(),
                expected_version=action.version,
                support_only=True,
            )
        else:
            turn.desk.tickets.set_priority(
                turn.actor, action.ticket_id, chosen.priority(), expected_version=action.version
            )
    except TicketError as error:
        turn.refuse(error)
    publish_home(turn)


def publish_home(turn: Turn) -> None:
    """The person's Home as it is now, at once (the outbox's refresh follows later)."""
    home = blocks.home(turn.lang, turn.desk.queries.home(turn.actor))
    try:
        turn.client.views_publish(user_id=turn.actor, view=home)
    except SlackApiError as error:
        log.warning(
            "could not publish the Home of %s: %s",
            turn.actor,
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )


def _filter_value(field: str, raw: str | None) -> Any:
    if raw is None or len(raw) > 150:
        raise BadPayload(f"bad {field} choice")
    kind = KINDS[field]
    if raw == ANY and field not in ("assignee", "sort"):
        return None
    if kind is None:
        return raw
    try:
        return kind(raw)
    except ValueError:
        raise BadPayload(f"bad {field} choice {raw[:20]!r}") from None
