"""Publishing a person's App Home (`blocks/app_home.py`) as it is now."""

from __future__ import annotations

from bot.sending.slack import Sender, Slack
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def publish_home(slack: Slack, message: Outgoing) -> Delivered:
    user = message.payload["user"]
    if slack.home_view is not None:
        view = slack.home_view(slack.language_of(user), user)
        slack.client.views_publish(user_id=user, view=view)
    return Delivered()


SENDERS = {MessageKind.HOME: Sender(publish_home)}
