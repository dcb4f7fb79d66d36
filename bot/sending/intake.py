"""Taking up again a ticket asked for from a chat message Slack would not let the bot
read then (its rate limit, an outage): the message is read now and the ticket opened,
answered as the intake answers (`blocks/intake.py`, the listeners' intake)."""

from __future__ import annotations

from bot.sending.slack import Sender, Slack
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered, PermanentFailure
from flashticket_core.service_layer.outbox import MessageKind


def from_message_later(slack: Slack, message: Outgoing) -> Delivered:
    if slack.from_message_later is None:
        raise PermanentFailure("no one here reads messages for tickets again")
    try:
        slack.from_message_later(slack.client, message.payload)
    except ValueError as error:  # its details are unusable: no retry mends them
        raise PermanentFailure(f"unusable: {error}"[:300]) from None
    return Delivered()


SENDERS = {MessageKind.FROM_MESSAGE_LATER: Sender(from_message_later)}
