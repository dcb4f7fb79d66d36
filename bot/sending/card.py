"""Sending the ticket's card (`blocks/card.py`): posted once in its team's channel, then
edited in place to show the ticket as it is now; a ticket moved to another team has its
old card edited to say where it went, and a new card in the new team's channel."""

from __future__ import annotations

from bot import times
from bot.blocks.card import card_text, ticket_card
from bot.blocks.moving import moved_card, moved_card_text
from bot.blocks.retyping import type_name
from bot.sending.slack import Sender, Slack, said_on_the_card, the_ticket
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def post_card(slack: Slack, message: Outgoing) -> Delivered:
    ticket = the_ticket(message)
    return slack.post(
        channel=slack.team_channel(ticket.team_id),
        text=times.plain_times(card_text(slack.lang, ticket)),
        blocks=ticket_card(
            slack.lang,
            ticket,
            movable=slack.several_teams,
            retypable=slack.several_types(ticket.team_id),
            type_name=type_name(slack.desk, ticket.request_type),
        ),
        message=message,
    )


def update_card(slack: Slack, message: Outgoing) -> Delivered:
    ticket, thread = the_ticket(message), message.thread
    if not (thread.support_channel and thread.support_ts):
        # The card itself could not be posted; its failure is listed for admins and a
        # retry posts the current state, so this update has nothing to do.
        return Delivered()
    slack.client.chat_update(
        channel=thread.support_channel,
        ts=thread.support_ts,
        text=times.plain_times(card_text(slack.lang, ticket)),
        blocks=ticket_card(
            slack.lang,
            ticket,
            movable=slack.several_teams,
            retypable=slack.several_types(ticket.team_id),
            type_name=type_name(slack.desk, ticket.request_type),
        ),
    )
    return Delivered(channel=thread.support_channel, ts=thread.support_ts)


def update_moved_card(slack: Slack, message: Outgoing) -> Delivered:
    """The card in the old team's channel says where the ticket went, without buttons
    (its new card is posted after this, and is its card from then on)."""
    ticket, thread = the_ticket(message), message.thread
    if not (thread.support_channel and thread.support_ts):
        return Delivered()  # its card never went out: nothing to say it on
    team = slack.team_name(str(message.payload.get("new") or ticket.team_id))
    actor = str(message.payload.get("actor") or "")
    slack.client.chat_update(
        channel=thread.support_channel,
        ts=thread.support_ts,
        text=moved_card_text(slack.lang, ticket, team),
        blocks=moved_card(slack.lang, ticket, team=team, actor=actor),
    )
    return Delivered(channel=thread.support_channel, ts=thread.support_ts)


def support_channel(slack: Slack, message: Outgoing) -> str | None:
    if message.ticket is None:
        return None
    return slack.team_channel(message.ticket.team_id)


SENDERS = {
    MessageKind.SUPPORT_POST: Sender(
        post_card, channel=support_channel, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.SUPPORT_UPDATE: Sender(
        update_card, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.SUPPORT_MOVED: Sender(
        update_moved_card, on_the_card=said_on_the_card, told_as="support"
    ),
}
