"""Telling a delivery failure (`bot.delivery.*` words): another message failed for
good, said once under the ticket's card, or to one admin by DM."""

from __future__ import annotations

from bot.mrkdwn import escape
from bot.sending.slack import Sender, Slack, said_on_the_card
from bot.words import translate
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def _what(slack: Slack, kind: str, lang: Language) -> str:
    """The failed message as the notice names it: the reporter's, support's, a file..."""
    told_as = next((s.told_as for k, s in slack.senders.items() if k.value == kind), "other")
    return translate(f"bot.delivery.what.{told_as}", lang)


def tell_failure(slack: Slack, message: Outgoing) -> Delivered:
    payload, ticket, thread = message.payload, message.ticket, message.thread
    failed = str(payload.get("kind") or "")
    error = escape(str(payload.get("error") or "?")[:100])
    user = payload.get("user")
    if user:
        lang = slack.language_of(str(user))
        ticket_id = payload.get("ticket")
        text = translate(
            "bot.delivery.failed_to_admin",
            lang,
            what=_what(slack, failed, lang),
            ticket=translate("bot.delivery.of_ticket", lang, ticket_id=ticket_id)
            if ticket_id
            else "",
            error=error,
        )
        return slack.post(channel=str(user), text=text, message=message)
    if ticket is None or not thread.support_ts:
        return Delivered()  # the card is gone with its ticket: nothing to say it under
    text = translate(
        "bot.delivery.failed_in_thread",
        slack.lang,
        what=_what(slack, failed, slack.lang),
        ticket_id=ticket.id,
        error=error,
    )
    return slack.post(
        channel=thread.support_channel or slack.team_channel(ticket.team_id),
        thread_ts=thread.support_ts,
        text=text,
        message=message,
    )


SENDERS = {MessageKind.DELIVERY_NOTICE: Sender(tell_failure, on_the_card=said_on_the_card)}
