"""Sending the morning digest (`blocks/digest.py`) to its team's channel: the support
channel without a desk file."""

from __future__ import annotations

from bot.blocks.digest import digest_blocks, digest_text
from bot.sending.slack import Sender, Slack
from bot.sending.teams import team_channel, team_name
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.digest import Digest
from flashticket_core.service_layer.outbox import MessageKind


def digest_channel(slack: Slack, message: Outgoing) -> str | None:
    return team_channel(slack, Digest.from_payload(message.payload).team)


def post_digest(slack: Slack, message: Outgoing) -> Delivered:
    digest = Digest.from_payload(message.payload)
    team = team_name(slack, digest.team)
    return slack.post(
        channel=team_channel(slack, digest.team),
        text=digest_text(slack.lang, digest, team),
        blocks=digest_blocks(slack.lang, digest, team),
        message=message,
    )


SENDERS = {
    MessageKind.SUPPORT_DIGEST: Sender(post_digest, channel=digest_channel, told_as="support"),
}
