"""Callback and action IDs, and what a button carries: the contract between the blocks
and the listeners that answer them."""

from __future__ import annotations

import json

# Modals, by callback_id.
NEW_TICKET = "new_ticket"
# The new-ticket modal's select of the request types: choosing one shows its fields.
NEW_TICKET_TYPE = "new_ticket.request_type"
SUPPORT_REPLY = "support_reply"
INTERNAL_NOTE = "internal_note"
# The reply modal's select of the team's saved replies; "Save as reply" under the word
# that a reply went out, and the form it opens.
SAVED_REPLY_PICK = "support_reply.saved_reply"
SAVE_AS_REPLY = "support_reply.save_as_reply"
SAVE_REPLY_FORM = "save_reply"
# The support channel's card.
TAKE = "ticket.take"
# On the card of a ticket someone holds: taking it over (which asks first), and taking
# the holder off it; the question's button, which takes it over from whom it names.
TAKE_OVER = "ticket.take_over"
UNASSIGN = "ticket.unassign"
CONFIRM_TAKE_OVER = "ticket.take_over.confirm"
# "Assign to…" a member of the ticket's team, and its take-over question's answer.
ASSIGN_TO = "ticket.assign_to"
CONFIRM_ASSIGN_TO = "ticket.assign_to.confirm"
STATUS = "ticket.status"
PRIORITY = "ticket.priority"
REPLY = "ticket.reply"
NOTE = "ticket.note"
# Moving a ticket to another team: the card's button, and the form it opens.
MOVE_TEAM = "ticket.move_team"
MOVE_TEAM_FORM = "move_team"
# Giving a ticket another request type of its team: the card's button, and its form.
CHANGE_TYPE = "ticket.change_type"
CHANGE_TYPE_FORM = "change_type"
# The App Home.
HOME_NEW_TICKET = "home.new_ticket"
# The App Home's queue table: its filters and sort (one select each), its pages, and the
# select on each row that changes the ticket's status or priority.
HOME_QUEUE_TEAM = "home.queue.team"
HOME_QUEUE_STATUS = "home.queue.status"
HOME_QUEUE_PRIORITY = "home.queue.priority"
HOME_QUEUE_ASSIGNEE = "home.queue.assignee"
HOME_QUEUE_SORT = "home.queue.sort"
HOME_QUEUE_PREVIOUS = "home.queue.previous"
HOME_QUEUE_NEXT = "home.queue.next"
HOME_QUEUE_ROW = "home.queue.row"
# A filter's option for "not filtered".
ANY = "any"
# Tickets from messages: the message shortcut, and the offer under a DM to the bot.
FROM_MESSAGE = "ticket.from_message"
FROM_DM = "dm.new_ticket"
# The reporter's DM thread.
REOPEN = "reporter.reopen"
RATE = "reporter.rate"
# `/ticket-admin delete`: the question's answers.
DELETE = "admin.delete"
DELETE_CANCEL = "admin.delete_cancel"
WITHDRAW = "reporter.withdraw"
# Following a ticket: the card's buttons (Unfollow also in a follower's DM thread).
FOLLOW = "ticket.follow"
UNFOLLOW = "ticket.unfollow"


def action_value(ticket_id: int, version: int) -> str:
    """What a card's buttons carry: the ticket and the version the clicker saw."""
    return json.dumps({"t": ticket_id, "v": version}, separators=(",", ":"))


def holder_value(ticket_id: int, version: int, holder: str) -> str:
    """What a button about the ticket's holder carries: also whom the clicker saw holding
    it, so the server acts only if that is still true."""
    return json.dumps({"t": ticket_id, "v": version, "h": holder}, separators=(",", ":"))


# An approval request's buttons (in the approver's DM), and the form of a rejection.
APPROVE = "approval.approve"
REJECT = "approval.reject"
REJECT_FORM = "approval.reject_form"
