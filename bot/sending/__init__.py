"""Sending outbox messages to Slack: one table, `SENDERS`, from each message kind to its
sender (where it goes, how it is sent), each sender in the module named like the Block
Kit module it renders with:

- `card`: the ticket's card, posted and updated (`blocks/card.py`)
- `threads`: the reporter's DM thread, the team's thread under the card, the message a
  ticket was made from, a role change by DM (`blocks/thread.py`)
- `timers`: reminders and escalations, one or a sweep's list (`blocks/timers.py`)
- `digest`: the morning digest (`blocks/digest.py`)
- `app_home`: a person's App Home (`blocks/app_home.py`)
- `files`: a file relayed to the other side (`bot/file_relay.py`)
- `intake`: a ticket from a message taken up again
- `notices`: a message that failed for good, told once
- `approvals`: an approval's request, decision and reminder, to each approver by DM
- `following`: a follower's own DM thread (`blocks/following.py`)

`slack` is what every sender is given (the client, the channels, the languages, and
posting as the outbox needs it); `slack_errors` what a Slack error means for a message.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.sending import (
    app_home,
    approvals,
    card,
    digest,
    files,
    following,
    intake,
    notices,
    threads,
    timers,
)
from bot.sending.slack import Sender
from flashticket_core.service_layer.outbox import MessageKind

SENDERS: Mapping[MessageKind, Sender] = {
    **card.SENDERS,
    **threads.SENDERS,
    **timers.SENDERS,
    **digest.SENDERS,
    **app_home.SENDERS,
    **files.SENDERS,
    **intake.SENDERS,
    **notices.SENDERS,
    **approvals.SENDERS,
    **following.SENDERS,
}
