"""Moving a ticket to another team: the form the card's "Move to team" opens, the old
card once the ticket went (where to, by whom, no buttons), and what the card's threads
and the reporter's DM thread are told."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import Blocks, _t, clip, render
from bot.blocks.ids import MOVE_TEAM_FORM, action_value
from bot.blocks.ticket_view import header_text
from bot.mrkdwn import escape, user_id
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary

# Slack's limits on a select's options: their number, and the length of their text.
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
# The events of a move as the card's threads and the reporter's thread tell them.
MOVED_EVENTS = ("moved", "moved_here")


def move_modal(
    lang: Language, ticket: TicketSummary, teams: Sequence[tuple[str, str]], *, version: int
) -> dict[str, Any]:
    """The form behind "Move to team": the desk's other teams (id, name) to choose from.
    It carries the ticket and the `version` the clicker saw, so a move of a ticket that
    changed meanwhile is refused as stale."""
    options = [
        Option(text=clip(name, OPTION_TEXT_MAX), value=team_id)
        for team_id, name in teams
        if team_id != ticket.team_id
    ][:OPTIONS_MAX]
    view = View(
        type="modal",
        callback_id=MOVE_TEAM_FORM,
        private_metadata=action_value(ticket.id, version),
        title=PlainTextObject(text=_t("bot.modal.move.title", lang)),
        submit=PlainTextObject(text=_t("bot.modal.move.submit", lang)),
        close=PlainTextObject(text=_t("bot.modal.cancel", lang)),
        blocks=[
            InputBlock(
                block_id="team",
                label=_t("bot.field.team", lang, ticket_id=ticket.id),
                element=StaticSelectElement(action_id="value", options=options),
            )
        ],
    )
    return view.to_dict()


def moved_card_text(lang: Language, ticket: TicketSummary, team: str) -> str:
    """The old card's notification text; `team` is the new team's name, as written."""
    return _t("bot.card.moved.fallback", lang, ticket_id=ticket.id, team=team)


def moved_card(lang: Language, ticket: TicketSummary, *, team: str, actor: str) -> Blocks:
    """The card in the old team's channel once the ticket went: its number and title, and
    where it went and who moved it. No buttons: its new card is where it is worked on."""
    moved = _t("bot.card.moved", lang, team=escape(team), actor=user_id(actor))
    return render(
        [
            HeaderBlock(text=header_text(ticket)),
            ContextBlock(block_id="moved", elements=[MarkdownTextObject(text=moved)]),
        ]
    )


def moved_text(
    lang: Language,
    ticket_id: int,
    payload: dict[str, Any],
    name_of: Callable[[str], str],
    *,
    for_reporter: bool,
) -> str:
    """A move as the reporter's thread, the old card's thread (`moved`) or the new
    card's (`moved_here`) tells it; `name_of` names a team by its id."""
    old, new = (name_of(str(payload.get(side) or "")) for side in ("old", "new"))
    key = "bot.dm.moved" if for_reporter else f"bot.thread.{payload.get('event')}"
    return _t(
        key,
        lang,
        ticket_id=ticket_id,
        actor=user_id(str(payload.get("actor") or "")),
        old=escape(old),
        new=escape(new),
    )
