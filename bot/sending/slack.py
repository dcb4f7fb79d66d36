"""What a sender is (`Sender`: how one kind of message goes to Slack), and what every
sender is given (`Slack`: the client, where the help desk's messages go, who reads them
in which language, and posting as the outbox needs it).

Every message posted carries its outbox id in its metadata (`flashticket_outbox`). When
an earlier attempt may have reached Slack (its answer was lost, or its worker died), the
conversation is read back first, and a message found with that id is recorded as sent
instead of being posted again. chat.postEphemeral cannot carry metadata (an ephemeral
message cannot be read back either); chat.update, chat.delete and views.publish are
idempotent, so repeating them changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import times
from bot.sending.slack_errors import classify
from flashticket_core.desk_file.models import DeskStructure
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import (
    Delivered,
    PermanentFailure,
    TemporaryFailure,
)
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.views import TicketSummary

log = logging.getLogger(__name__)

# The metadata event type of FlashTicket's own messages; the payload's `id` is the
# outbox id (and `part`, from the second part of a long text on).
METADATA_EVENT_TYPE = "flashticket_outbox"
# Looking back for a message that may be there: from its outbox row's creation, less
# this margin for clocks that disagree, at most READ_BACK_PAGES pages of READ_BACK_LIMIT.
READ_BACK_MARGIN = timedelta(minutes=5)
READ_BACK_LIMIT = 200
READ_BACK_PAGES = 2

HomeView = Callable[[Language, str], dict[str, Any]]
PersonLanguage = Callable[[str], Language]
# Takes up again a ticket asked for from a message Slack would not let us read then.
FromMessageLater = Callable[[WebClient, dict[str, Any]], None]


def unpaced(_slack: Slack, _message: Outgoing) -> str | None:
    return None


def nowhere_on_the_card(_message: Outgoing) -> bool:
    return False


def said_on_the_card(message: Outgoing) -> bool:
    """Said in the support channel, on the card or in its thread (not to one person)."""
    return not message.payload.get("user")


def the_ticket(message: Outgoing) -> TicketSummary:
    """The message's ticket; a ticket gone from the database cannot be spoken of."""
    if message.ticket is None:
        raise PermanentFailure(f"ticket #{message.ticket_id} no longer exists")
    return message.ticket


@dataclass(frozen=True)
class Sender:
    """How one kind of message goes to Slack."""

    send: Callable[[Slack, Outgoing], Delivered]
    # The conversation a post of it goes to (Slack paces chat.postMessage per channel);
    # None for what is not paced: edits, deletions, App Homes.
    channel: Callable[[Slack, Outgoing], str | None] = unpaced
    # Said on the card or in its thread: refused there, it cannot be told there either.
    on_the_card: Callable[[Outgoing], bool] = nowhere_on_the_card
    # What a failure notice calls it (`bot.delivery.what.*`).
    told_as: str = "other"


@dataclass
class Slack:
    """`lang` is the help desk's language (the support channel); what goes to a person
    (their DM thread, a role change, their App Home) is in `language_of(person)`."""

    client: WebClient
    support_channel: str
    # Where missed targets are told: the support channel unless one is set.
    escalation_channel: str
    lang: Language
    language_of: PersonLanguage
    # Renders a person's App Home as it is now; None where no Home is published.
    home_view: HomeView | None = None
    from_message_later: FromMessageLater | None = None
    # Every kind's sender (a notice names the kind that failed as its sender says).
    senders: Mapping[MessageKind, Sender] = field(default_factory=dict)
    # The desk's teams and their channels (`sending/teams.py`); None: the one team in
    # the support channel.
    desk: DeskStructure | None = None

    def post_parts(
        self,
        message: Outgoing,
        texts: list[str],
        *,
        channel: str,
        thread_ts: str | None,
        blocks: list[dict[str, object]] | None = None,
    ) -> Delivered:
        """Post the parts of a long text in order (`blocks` go with a text in one part).

        Each part that is out is recorded at once, so a retry (after a rate limit, an
        outage or a crash) starts with the first part Slack has not got: no part twice.
        """
        delivered = Delivered()
        for number in range(message.parts_delivered, len(texts)):
            delivered = self.post(
                channel=channel,
                thread_ts=thread_ts,
                text=texts[number],
                blocks=blocks if len(texts) == 1 else None,
                message=message,
                part=number,
            )
            if number + 1 < len(texts):
                message.part_delivered(number + 1, delivered.ts)
        # Each part was a post of its own, for the channel's pace.
        return replace(delivered, posts=max(1, len(texts) - message.parts_delivered))

    def edit_copy(self, message: Outgoing, texts: list[str], *, thread_ts: str | None) -> Delivered:
        """Update the entry's copy in place, part by part; a longer text gets its new
        parts posted after it, a shorter one has the parts it no longer needs deleted."""
        copy = message.copy
        if copy is None:
            return Delivered()  # never relayed (its relay failed): nothing to edit
        delivered = Delivered()
        for number in range(message.parts_delivered, len(texts)):
            if number < len(copy.parts):
                self.client.chat_update(
                    channel=copy.channel, ts=copy.parts[number], text=texts[number]
                )
                delivered = Delivered(channel=copy.channel, ts=copy.parts[number])
            else:
                delivered = self.post(
                    channel=copy.channel,
                    thread_ts=thread_ts,
                    text=texts[number],
                    message=message,
                    part=number,
                )
            if number + 1 < len(texts):
                message.part_delivered(number + 1, delivered.ts)
        for ts in copy.parts[len(texts) :]:
            self.delete(copy.channel, ts)
        return delivered

    def withdraw_copy(self, message: Outgoing, note: str) -> Delivered:
        """The copy's first part says the reporter withdrew it; the other parts go."""
        copy = message.copy
        if copy is None:
            return Delivered()
        first, *rest = copy.parts
        self.client.chat_update(channel=copy.channel, ts=first, text=note)
        for ts in rest:
            self.delete(copy.channel, ts)
        return Delivered(channel=copy.channel, ts=first)

    def delete(self, channel: str, ts: str) -> None:
        try:
            self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            # Gone already (a retry after a crash, or someone removed it): what was wanted.
            if error.response.get("error") != "message_not_found":
                raise

    def post(
        self,
        *,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list[dict[str, object]] | None = None,
        message: Outgoing | None = None,
        part: int = 0,
    ) -> Delivered:
        metadata = None
        if message is not None:
            payload: dict[str, object] = {"id": str(message.id)}
            if part:
                payload["part"] = part
            metadata = {"event_type": METADATA_EVENT_TYPE, "event_payload": payload}
            # Only the part an earlier attempt was sending can be there already.
            if message.maybe_sent and part == message.parts_delivered:
                found = self._posted_already(message, part, channel=channel, thread_ts=thread_ts)
                if found is not None:
                    return found
        response = self.client.chat_postMessage(
            channel=channel,
            # With blocks, `text` is the notification, where Slack shows no date markup.
            text=times.plain_times(text) if blocks else text,
            blocks=blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata=metadata,
        )
        return Delivered(channel=response.get("channel"), ts=response.get("ts"))

    def _posted_already(
        self, message: Outgoing, part: int, *, channel: str, thread_ts: str | None
    ) -> Delivered | None:
        """The message (part) as an earlier attempt posted it, if Slack has it: read the
        thread or the channel back from before the message was written, a page or two.
        A refusal to read (an install without the history scope) is logged and the
        message posted: a possible duplicate rather than a lost message. A temporary
        failure propagates, and the message is tried (and looked for) again later."""
        oldest = None
        if message.created_at is not None:
            oldest = f"{(message.created_at - READ_BACK_MARGIN).timestamp():.6f}"
        try:
            conversation = channel
            if channel.startswith(("U", "W")):
                # A person's ID posts to their DM; reading it back needs the DM's ID.
                opened = self.client.conversations_open(users=channel)
                conversation = str((opened.get("channel") or {}).get("id") or channel)
            cursor = None
            for _ in range(READ_BACK_PAGES):
                args: dict[str, Any] = {
                    "channel": conversation,
                    "limit": READ_BACK_LIMIT,
                    "include_all_metadata": True,
                }
                if oldest is not None:
                    args["oldest"] = oldest
                if cursor:
                    args["cursor"] = cursor
                if thread_ts:
                    page = self.client.conversations_replies(ts=thread_ts, **args)
                else:
                    page = self.client.conversations_history(**args)
                for posted in page.get("messages") or []:
                    if _carries(posted, message.id, part):
                        log.info(
                            "outbox message %s was posted already (%s); not sent again",
                            message.id,
                            posted.get("ts"),
                        )
                        return Delivered(channel=conversation, ts=str(posted.get("ts")))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as error:
            failure = classify(error)
            gone = error.response.get("error") == "thread_not_found"
            if isinstance(failure, TemporaryFailure) and not gone:
                raise
            log.warning(
                "outbox message %s: cannot read %s back (%s); posting it, it may be there twice",
                message.id,
                channel,
                failure,
            )
        return None


def _carries(posted: dict[str, Any], message_id: int, part: int) -> bool:
    metadata = posted.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    if not isinstance(payload, dict):
        return False
    return str(payload.get("id")) == str(message_id) and int(payload.get("part") or 0) == part
