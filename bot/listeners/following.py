"""Following a ticket: the card's Follow and Unfollow (Unfollow also in a follower's DM
thread), and the check of the people the new-ticket form names ("Keep informed", "On
behalf of"): Slack's people pickers offer apps and deactivated accounts too, who can
neither report a ticket nor read a DM, so they are refused under their input."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.following import FOLLOWERS_BLOCK, ON_BEHALF_BLOCK
from bot.incoming import BlockActions
from bot.listener_turn import Kind, Turn, listener
from bot.payloads import CardAction, NewTicketForm
from flashticket_core.domain.permissions import Action

log = logging.getLogger("flashticket.bot")

# Slackbot is a person in users.info (`is_bot` false), but reads no DM.
SLACKBOT = "USLACKBOT"


def register(app: App) -> None:
    app.action(blocks.FOLLOW)(listener(Kind.ACTION)(follow))
    app.action(blocks.UNFOLLOW)(listener(Kind.ACTION)(unfollow))


def _ticket_id(turn: Turn) -> int:
    return CardAction.parse(turn.expect(BlockActions).action.raw_value()).ticket_id


def follow(turn: Turn) -> None:
    turn.ack()
    ticket_id = _ticket_id(turn)
    _, added = turn.desk.following.follow(turn.actor, ticket_id)
    turn.say(turn.t("bot.followed" if added else "bot.followed.already", ticket_id=ticket_id))


def unfollow(turn: Turn) -> None:
    turn.ack()
    ticket_id = _ticket_id(turn)
    turn.desk.following.unfollow(turn.actor, ticket_id)
    turn.say(turn.t("bot.unfollowed", ticket_id=ticket_id))


def not_people(turn: Turn, form: NewTicketForm) -> dict[str, str]:
    """The form's people inputs that name an app or a deactivated account, each with
    what to do (empty when none does: the usual case asks Slack nothing)."""
    if not form.on_behalf_of and not form.followers:
        return {}
    errors: dict[str, str] = {}
    wrong = turn.t("bot.form.not_a_person")
    someone = form.on_behalf_of
    # Whoever may not name anyone is told that by the core, not asked about the person.
    named = someone and someone != turn.actor and turn.may(Action.OPEN_ON_BEHALF)
    if named and someone and not _is_person(turn, someone):
        errors[ON_BEHALF_BLOCK] = wrong
    if any(not _is_person(turn, user) for user in dict.fromkeys(form.followers)):
        errors[FOLLOWERS_BLOCK] = wrong
    return errors


def _is_person(turn: Turn, user: str) -> bool:
    """Whether `user` is an active person (users.info: not `is_bot`, not `deleted`). One
    Slack cannot tell of just now is taken as one: a DM it cannot read fails on its own
    and is told, and the ticket is not held up."""
    if user == SLACKBOT:
        return False
    try:
        found = turn.client.users_info(user=user).get("user")
    except SlackApiError as error:
        code = str(error.response.get("error"))
        log.info("users.info %s: %s", user, code)
        return code not in ("user_not_found", "user_not_visible")
    if not isinstance(found, dict):
        return True
    return not (found.get("is_bot") or found.get("deleted"))
