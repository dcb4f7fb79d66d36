"""Sending approvals (`blocks/approvals.py`): the request to each approver by DM, with
Approve / Reject while the ticket waits; once decided, each approver's request edited
to say who decided how, without buttons, and (an edit notifies nobody) a DM line to
each approver who did not decide; the reminder after a business day."""

from __future__ import annotations

from bot import times
from bot.blocks.approvals import (
    decided_blocks,
    decided_text,
    reminder_text,
    request_blocks,
    request_text,
)
from bot.sending.slack import Sender, Slack, the_ticket
from bot.sending.threads import to_the_person
from flashticket_core.domain.enums import Status
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered, PermanentFailure
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.views import TicketSummary


def _approver(message: Outgoing) -> str:
    approver = str(message.payload.get("user") or "")
    if not approver:
        raise PermanentFailure("an approval message without its approver")
    return approver


def _kind_name(slack: Slack, ticket: TicketSummary) -> str:
    kind = None
    if slack.desk is not None and ticket.request_type is not None:
        kind = slack.desk.request_type(ticket.request_type)
    return kind.name if kind is not None else (ticket.request_type or "")


def send_request(slack: Slack, message: Outgoing) -> Delivered:
    ticket, approver = the_ticket(message), _approver(message)
    if ticket.deleted:
        return Delivered()  # deleted before the request went out: nothing to ask
    lang = slack.language_of(approver)
    kind = _kind_name(slack, ticket)
    text = request_text(lang, ticket, kind)
    if ticket.status is Status.PENDING_APPROVAL:
        blocks = request_blocks(lang, ticket, kind=kind, team=slack.team_name(ticket.team_id))
    else:
        # Decided before this went out: its decision follows, and no button is offered.
        blocks = None
    return slack.post(channel=approver, text=text, blocks=blocks, message=message)


def send_decided(slack: Slack, message: Outgoing) -> Delivered:
    ticket, approver = the_ticket(message), _approver(message)
    lang = slack.language_of(approver)
    kind = _kind_name(slack, ticket)
    text = decided_text(lang, ticket, message.payload)
    request = message.copy
    delivered = Delivered()
    if request is not None:
        slack.client.chat_update(
            channel=request.channel,
            ts=request.parts[0],
            text=times.plain_times(text),
            blocks=decided_blocks(lang, ticket, kind=kind, payload=message.payload),
        )
        delivered = Delivered(channel=request.channel, ts=request.parts[0])
    if approver != message.payload.get("actor"):
        # The edit notifies nobody: the other approvers are told who decided.
        delivered = slack.post(channel=approver, text=text, message=message)
    return delivered


def send_reminder(slack: Slack, message: Outgoing) -> Delivered:
    ticket, approver = the_ticket(message), _approver(message)
    if ticket.deleted or ticket.status is not Status.PENDING_APPROVAL:
        return Delivered()  # decided (or gone) since: nothing to remind of
    text = reminder_text(slack.language_of(approver), ticket, message.payload)
    return slack.post(channel=approver, text=text, message=message)


SENDERS = {
    MessageKind.APPROVAL_REQUEST: Sender(send_request, channel=to_the_person, told_as="person"),
    MessageKind.APPROVAL_DECIDED: Sender(send_decided, channel=to_the_person, told_as="person"),
    MessageKind.APPROVAL_REMINDER: Sender(send_reminder, channel=to_the_person, told_as="person"),
}
