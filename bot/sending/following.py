"""Sending to a ticket's followers (`blocks/following.py`): the first DM, which begins
the follower's own thread about the ticket, and each status change and support reply
in it, in the follower's language."""

from __future__ import annotations

from bot.blocks.following import follower_root_blocks, follower_root_text, follower_texts
from bot.sending.slack import Sender, Slack, the_ticket
from bot.sending.threads import to_the_person
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def follower_root(slack: Slack, message: Outgoing) -> Delivered:
    ticket, user = the_ticket(message), str(message.payload["user"])
    lang = slack.language_of(user)
    text = follower_root_text(lang, ticket, message.payload)
    return slack.post(
        channel=user, text=text, blocks=follower_root_blocks(lang, ticket, text), message=message
    )


def follower_thread(slack: Slack, message: Outgoing) -> Delivered:
    ticket, thread, user = the_ticket(message), message.thread, str(message.payload["user"])
    texts = follower_texts(slack.language_of(user), ticket.id, message.payload)
    return slack.post_parts(
        message, texts, channel=thread.follower_channel or user, thread_ts=thread.follower_ts
    )


SENDERS = {
    MessageKind.FOLLOWER_ROOT: Sender(follower_root, channel=to_the_person, told_as="person"),
    MessageKind.FOLLOWER_THREAD: Sender(follower_thread, channel=to_the_person, told_as="person"),
}
