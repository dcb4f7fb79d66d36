"""The new-ticket modal's request types: which it offers, in which order, and the
update of the modal when one is chosen."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.incoming import BadPayload, BlockActions, Incoming
from bot.incoming.objects import View
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import chosen_type, meta_of_view, source_of_view
from flashticket_core.desk_file import DeskStructure, RequestType
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.permissions import Action

log = logging.getLogger("flashticket.bot")


def register(app: App) -> None:
    app.action(blocks.NEW_TICKET_TYPE)(listener(Kind.ACTION)(choose_request_type))


def form_for(
    structure: DeskStructure, channel: str | None
) -> tuple[tuple[RequestType, ...], dict[str, str]]:
    """The request types a form opened in `channel` offers (its team's first, in one of
    the team's intake channels), and what the modal carries to its submission: the one
    type of a desk with one, the team listed first."""
    team = structure.team_for_channel(channel)
    kinds = structure.types_team_first(team.id if team is not None else None)
    if len(kinds) == 1:
        return kinds, {"k": kinds[0].id}
    return kinds, ({"i": team.id} if team is not None and kinds else {})


def choose_request_type(turn: Turn) -> None:
    """A request type chosen in the open modal: the modal, in place, with that type's
    fields; what was typed into title, description and priority stays."""
    turn.ack()
    click = turn.expect(BlockActions)
    view = click.view
    if view is None or view.id is None:
        raise BadPayload("request type chosen outside a modal")
    structure = turn.desk.env.structure
    type_id = click.action.raw_value() or chosen_type(view)
    chosen = structure.request_type(type_id) if type_id else None
    if chosen is None:
        raise BadPayload(f"unknown request type {str(type_id)[:40]!r}")
    meta = meta_of_view(view)
    priority = view.element("priority")
    picked = priority.selected_option if priority is not None else None
    modal = blocks.new_ticket_modal(
        turn.lang,
        title=_typed(view, "title"),
        description=_typed(view, "description"),
        priority=_priority(picked.value if picked else None),
        source=_kept_metadata(view.private_metadata),
        kinds=structure.types_team_first(meta.i),
        chosen=chosen,
        # Made from a message, the ticket is its author's: nobody else to name.
        on_behalf=source_of_view(view) is None and turn.may(Action.OPEN_ON_BEHALF),
    )
    try:
        # With the view's hash Slack refuses the change if the form changed since (a
        # later choice's update won): that one stands.
        turn.client.views_update(view_id=view.id, hash=view.hash, view=modal)
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code != "hash_conflict":
            raise
        log.info("views.update after a newer change: %s", code)


def _typed(view: View, block_id: str) -> str:
    """What the text input `block_id` holds: its state's value, else (a state that does
    not name it) what it started with, such as the title typed after `/ticket`."""
    element = view.element(block_id)
    if element is not None:
        return element.value or ""
    return view.initial_text(block_id) or ""


def origin_channel(turn: Turn) -> str | None:
    """The channel a request came from (a command's, a click's), if any."""
    payload: Incoming | None = turn.context.get("payload")
    return None if payload is None else payload.origin_channel()


def _priority(value: str | None) -> Priority | None:
    try:
        return Priority(value) if value else None
    except ValueError:
        return None


def _kept_metadata(metadata: str | None) -> dict[str, Any] | None:
    """The modal's private_metadata, carried over as it was (the bot wrote it)."""
    if not metadata:
        return None
    kept = json.loads(metadata)
    return kept if isinstance(kept, dict) else None
