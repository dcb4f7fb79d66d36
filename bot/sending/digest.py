"""Sending the morning digest (`blocks/digest.py`) to the support channel."""

from __future__ import annotations

from bot.blocks.digest import digest_blocks, digest_text
from bot.sending.slack import Sender, Slack
from bot.sending.timers import support_channel
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.digest import Digest
from flashticket_core.service_layer.outbox import MessageKind


def post_digest(slack: Slack, message: Outgoing) -> Delivered:
    digest = Digest.from_payload(message.payload)
    return slack.post(
        channel=slack.support_channel,
        text=digest_text(slack.lang, digest),
        blocks=digest_blocks(slack.lang, digest),
        message=message,
    )


SENDERS = {
    MessageKind.SUPPORT_DIGEST: Sender(post_digest, channel=support_channel, told_as="support"),
}
