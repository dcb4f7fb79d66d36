"""Callback and action IDs, and what a button carries: the contract between the blocks
and the listeners that answer them."""

from __future__ import annotations

import json

# Modals, by callback_id.
NEW_TICKET = "new_ticket"
SUPPORT_REPLY = "support_reply"
INTERNAL_NOTE = "internal_note"
# The support channel's card.
TAKE = "ticket.take"
STATUS = "ticket.status"
PRIORITY = "ticket.priority"
REPLY = "ticket.reply"
NOTE = "ticket.note"
# The App Home.
HOME_NEW_TICKET = "home.new_ticket"
# Tickets from messages: the message shortcut, and the offer under a DM to the bot.
FROM_MESSAGE = "ticket.from_message"
FROM_DM = "dm.new_ticket"
# The reporter's DM thread.
REOPEN = "reporter.reopen"
RATE = "reporter.rate"
WITHDRAW = "reporter.withdraw"


def action_value(ticket_id: int, version: int) -> str:
    """What a card's buttons carry: the ticket and the version the clicker saw."""
    return json.dumps({"t": ticket_id, "v": version}, separators=(",", ":"))
