"""Sending the ticket's card (`blocks/card.py`): posted once in the support channel,
then edited in place to show the ticket as it is now."""

from __future__ import annotations

from bot import times
from bot.blocks.card import card_text, ticket_card
from bot.sending.slack import Sender, Slack, said_on_the_card, the_ticket
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def post_card(slack: Slack, message: Outgoing) -> Delivered:
    ticket = the_ticket(message)
    return slack.post(
        channel=slack.support_channel,
        text=times.plain_times(card_text(slack.lang, ticket)),
        blocks=ticket_card(slack.lang, ticket),
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
        blocks=ticket_card(slack.lang, ticket),
    )
    return Delivered(channel=thread.support_channel, ts=thread.support_ts)


def support_channel(slack: Slack, message: Outgoing) -> str | None:
    return slack.support_channel if message.ticket is not None else None


SENDERS = {
    MessageKind.SUPPORT_POST: Sender(
        post_card, channel=support_channel, on_the_card=said_on_the_card, told_as="support"
    ),
    MessageKind.SUPPORT_UPDATE: Sender(
        update_card, on_the_card=said_on_the_card, told_as="support"
    ),
}
