"""Sending the morning digest (`blocks/digest.py`) to its team's channel: the support
channel without a desk file."""

from __future__ import annotations

from bot.blocks.digest import digest_blocks, digest_text
from bot.sending.slack import Sender, Slack
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.digest import Digest
from flashticket_core.service_layer.outbox import MessageKind


def digest_channel(slack: Slack, message: Outgoing) -> str | None:
    return slack.team_channel(Digest.from_payload(message.payload).team)


def digest_team(slack: Slack, team_id: str) -> str | None:
    """The team a digest names where the desk has several; None with one team (its
    digest need not say whose it is)."""
    return slack.team_name(team_id) if slack.several_teams else None


def post_digest(slack: Slack, message: Outgoing) -> Delivered:
    digest = Digest.from_payload(message.payload)
    team = digest_team(slack, digest.team)
    return slack.post(
        channel=slack.team_channel(digest.team),
        text=digest_text(slack.lang, digest, team),
        blocks=digest_blocks(slack.lang, digest, team),
        message=message,
    )


SENDERS = {
    MessageKind.SUPPORT_DIGEST: Sender(post_digest, channel=digest_channel, told_as="support"),
}
