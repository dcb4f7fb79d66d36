"""Sending what the timers say (`blocks/timers.py`): a missed target escalated, a
reminder or a change told to one person by DM, and a sweep's reminders or escalations
listed in one message."""

from __future__ import annotations

from bot.blocks.thread import nobody_available_text, person_text
from bot.blocks.timers import target_text, targets_list_text
from bot.sending.slack import Sender, Slack, the_ticket
from bot.sending.threads import to_the_person
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind


def _lists(message: Outgoing) -> bool:
    return "items" in message.payload


def _post_list(slack: Slack, message: Outgoing, channel: str, lang_of_person: bool) -> Delivered:
    """A sweep's reminders or escalations, one message listing their tickets."""
    lang = slack.language_of(channel) if lang_of_person else slack.lang
    text = targets_list_text(lang, message.payload, message.listed)
    if text is None:
        return Delivered()  # every ticket it listed was deleted since
    return slack.post(channel=channel, text=text, message=message)


def _team_of(message: Outgoing) -> str | None:
    """The team a message about targets is for: its ticket's, or a list's (one team's)."""
    if message.ticket is not None:
        return message.ticket.team_id
    team = message.payload.get("team")
    return str(team) if team else None


def _escalation_channel_of(slack: Slack, message: Outgoing) -> str:
    team = _team_of(message)
    return slack.escalation_channel if team is None else slack.team_escalation_channel(team)


def _support_channel_of(slack: Slack, message: Outgoing) -> str:
    team = _team_of(message)
    return slack.support_channel if team is None else slack.team_channel(team)


def escalate(slack: Slack, message: Outgoing) -> Delivered:
    """A missed target goes to the ticket's team's escalation channel (its own, else
    FLASHTICKET_ESCALATION_CHANNEL, else the team's channel)."""
    channel = _escalation_channel_of(slack, message)
    if _lists(message):
        return _post_list(slack, message, channel, lang_of_person=False)
    ticket = the_ticket(message)
    text = target_text(slack.lang, ticket, message.thread, message.payload)
    return slack.post(channel=channel, text=text, message=message)


def escalation_channel(slack: Slack, message: Outgoing) -> str | None:
    if _lists(message) or message.ticket is not None:
        return _escalation_channel_of(slack, message)
    return None


def tell_person(slack: Slack, message: Outgoing) -> Delivered:
    user = str(message.payload["user"])
    if _lists(message):
        return _post_list(slack, message, user, lang_of_person=True)
    ticket = the_ticket(message)
    render = target_text if "target" in message.payload else person_text
    text = render(slack.language_of(user), ticket, message.thread, message.payload)
    return slack.post(channel=user, text=text, message=message)


def tell_support(slack: Slack, message: Outgoing) -> Delivered:
    channel = _support_channel_of(slack, message)
    if message.payload.get("event") == "nobody_available":
        return _nobody_available(slack, message, channel)
    return _post_list(slack, message, channel, lang_of_person=False)


def _nobody_available(slack: Slack, message: Outgoing, channel: str) -> Delivered:
    """Everyone of the team is away: its channel hears the ticket waits unassigned (in
    the desk's language, as everything the channel is told)."""
    ticket = the_ticket(message)
    text = nobody_available_text(slack.lang, ticket, slack.team_name(ticket.team_id))
    return slack.post(channel=channel, text=text, message=message)


def support_channel(slack: Slack, message: Outgoing) -> str | None:
    return _support_channel_of(slack, message)


SENDERS = {
    MessageKind.ESCALATION: Sender(escalate, channel=escalation_channel, told_as="support"),
    MessageKind.PERSON: Sender(tell_person, channel=to_the_person, told_as="person"),
    MessageKind.SUPPORT_NOTICE: Sender(tell_support, channel=support_channel),
}
