"""Delivering outbox messages to Slack: render with bot.blocks, classify every failure.

Every message posted carries its outbox id in its metadata (`flashticket_outbox`). When
an earlier attempt may have reached Slack (its answer was lost, or its worker died), the
conversation is read back first, and a message found with that id is recorded as sent
instead of being posted again. chat.postEphemeral cannot carry metadata (an ephemeral
message cannot be read back either); chat.update, chat.delete and views.publish are
idempotent, so repeating them changes nothing.
"""

from __future__ import annotations

import copy
import logging
import urllib.error
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import blocks, file_relay, times
from bot.mrkdwn import escape, mention
from bot.words import translate
from flashticket_core import metrics
from flashticket_core.domain.enums import FileDirection
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import (
    Delivered,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)
from flashticket_core.service_layer.digest import Digest
from flashticket_core.service_layer.outbox import MessageKind

log = logging.getLogger(__name__)


class Handling(StrEnum):
    """What a Slack error code means for the message that got it."""

    RETRY = "retry"  # may pass later (the default for a code not in the table)
    FAIL = "fail"  # fails at once; nobody would miss it, or nobody can be told (no token)
    TELL = "tell"  # fails at once, and people hear of it (the card's thread, or the admins)


# Slack's `ok: false` error codes that retrying cannot fix (chat.postMessage,
# chat.update, chat.delete, files.info, files.completeUploadExternal, views.publish);
# every code not named here is tried again with back-off.
SLACK_ERRORS: dict[str, Handling] = {
    # The token or the installation: nothing can be posted, telling included.
    "account_inactive": Handling.FAIL,
    "invalid_auth": Handling.FAIL,
    "not_authed": Handling.FAIL,
    "token_expired": Handling.FAIL,
    "token_revoked": Handling.FAIL,
    "missing_scope": Handling.FAIL,
    "not_allowed_token_type": Handling.FAIL,
    # What was to change is gone or not ours to change: nothing a person misses.
    "message_not_found": Handling.FAIL,
    "cant_update_message": Handling.FAIL,
    "cant_delete_message": Handling.FAIL,
    "edit_window_closed": Handling.FAIL,
    # views.publish: the app's Home tab is turned off; there is no Home to refresh.
    "not_enabled": Handling.FAIL,
    # The conversation will not take the message.
    "channel_not_found": Handling.TELL,
    "not_in_channel": Handling.TELL,
    "is_archived": Handling.TELL,
    "restricted_action": Handling.TELL,
    "restricted_action_read_only_channel": Handling.TELL,
    "restricted_action_thread_only_channel": Handling.TELL,
    "restricted_action_non_threadable_channel": Handling.TELL,
    "restricted_action_thread_locked": Handling.TELL,
    "cannot_reply_to_message": Handling.TELL,
    "ekm_access_denied": Handling.TELL,
    "no_permission": Handling.TELL,
    "team_access_not_granted": Handling.TELL,
    "access_denied": Handling.TELL,
    # The person cannot be written to.
    "messages_tab_disabled": Handling.TELL,
    "cannot_dm_bot": Handling.TELL,
    "user_not_found": Handling.TELL,
    "user_not_visible": Handling.TELL,
    # The message itself is refused: the same message is refused again.
    "msg_too_long": Handling.TELL,
    "msg_blocks_too_long": Handling.TELL,
    "no_text": Handling.TELL,
    "invalid_blocks": Handling.TELL,
    "invalid_blocks_format": Handling.TELL,
    "too_many_attachments": Handling.TELL,
    # A file that cannot be read or shared.
    "not_visible": Handling.TELL,
    "file_type_not_allowed": Handling.TELL,
    "file_uploads_disabled": Handling.TELL,
}
# Codes that refuse the whole conversation or thread, not one message: when the card's
# channel or thread answers one of these, the card's thread is no place to tell it.
UNREACHABLE_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "restricted_action_thread_locked",
        "cannot_reply_to_message",
        "ekm_access_denied",
        "no_permission",
        "team_access_not_granted",
        "access_denied",
    }
)
PERMANENT_ERRORS = frozenset(
    code for code, how in SLACK_ERRORS.items() if how is not Handling.RETRY
)
# The messages said in the support channel (the card, its thread): refused there, they
# cannot be told there either.
ON_THE_CARD = frozenset(
    {
        MessageKind.SUPPORT_POST,
        MessageKind.SUPPORT_UPDATE,
        MessageKind.SUPPORT_THREAD,
        MessageKind.SUPPORT_THREAD_EDIT,
        MessageKind.SUPPORT_THREAD_WITHDRAW,
        MessageKind.DELIVERY_NOTICE,
    }
)


# The metadata event type of FlashTicket's own messages; the payload's `id` is the
# outbox id (and `part`, from the second part of a long text on).
METADATA_EVENT_TYPE = "flashticket_outbox"
# Looking back for a message that may be there: from its outbox row's creation, less
# this margin for clocks that disagree, at most READ_BACK_PAGES pages of READ_BACK_LIMIT.
READ_BACK_MARGIN = timedelta(minutes=5)
READ_BACK_LIMIT = 200
READ_BACK_PAGES = 2
# Slack's ok:false errors after which the message may have been posted all the same.
MAYBE_DONE_ERRORS = frozenset({"internal_error", "fatal_error", "request_timeout"})

# The kinds a message listing several tickets may be (a sweep's reminders, escalations).
LIST_CHANNELS = frozenset({MessageKind.ESCALATION, MessageKind.PERSON, MessageKind.SUPPORT_NOTICE})

HomeView = Callable[[Language, str], dict[str, Any]]
PersonLanguage = Callable[[str], Language]
# Takes up again a ticket asked for from a message Slack would not let us read then.
FromMessageLater = Callable[[WebClient, dict[str, Any]], None]


class SlackTransport(Transport):
    """`lang` is the help desk's language (the support channel); what goes to a person
    (their DM thread, a role change, their App Home) is in `language_of(person)`."""

    def __init__(
        self,
        client: WebClient,
        *,
        support_channel: str,
        lang: Language,
        escalation_channel: str | None = None,
        home_view: HomeView | None = None,
        language_of: PersonLanguage | None = None,
        from_message_later: FromMessageLater | None = None,
    ) -> None:
        # The outbox retries (and reads back first); a client's own retry of a reset
        # connection would post a message Slack may have taken a second time, unseen.
        self.client = copy.copy(client)
        # The 429 counter stays: it counts and never retries.
        self.client.retry_handlers = [
            handler for handler in client.retry_handlers if isinstance(handler, RateLimitCounter)
        ]
        self.support_channel = support_channel
        # Where missed targets are told: the support channel unless one is set.
        self.escalation_channel = escalation_channel or support_channel
        self.lang = lang
        # Renders a person's App Home as it is now; None where no Home is published.
        self.home_view = home_view
        self.language_of: PersonLanguage = language_of or (lambda _person: lang)
        self.from_message_later = from_message_later

    def deliver(self, message: Outgoing) -> Delivered:
        try:
            return self._send(message)
        except SlackApiError as error:
            failure = classify(error)
            if isinstance(failure, PermanentFailure):
                failure.card_unreachable = _refused_on_card(message, error)
            raise failure from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            # Refused: nothing reached Slack. A timeout or a reset may come after the post.
            reason = getattr(error, "reason", error)
            refused = isinstance(reason, ConnectionRefusedError)
            raise TemporaryFailure(
                f"network: {type(error).__name__}: {error}"[:300], maybe_sent=not refused
            ) from None
        except SlackRequestError as error:
            raise TemporaryFailure(f"request: {error}"[:300], maybe_sent=True) from None

    def channel_of(self, message: Outgoing) -> str | None:
        """Where a chat.postMessage of this message goes (Slack paces those per channel);
        None for edits, deletions and App Homes."""
        ticket, thread, kind = message.ticket, message.thread, message.kind
        if kind in (MessageKind.DIRECT, MessageKind.PERSON):
            return str(message.payload.get("user") or "") or None
        if kind in (MessageKind.SUPPORT_DIGEST, MessageKind.SUPPORT_NOTICE):
            return self.support_channel
        if kind is MessageKind.ESCALATION and "items" in message.payload:
            return self.escalation_channel
        if ticket is None:
            return None
        if kind is MessageKind.SUPPORT_POST:
            return self.support_channel
        if kind is MessageKind.ESCALATION:
            return self.escalation_channel
        if kind is MessageKind.SUPPORT_THREAD:
            return thread.support_channel or self.support_channel
        if kind is MessageKind.SOURCE_THREAD:
            return str(message.payload.get("channel") or "") or None
        if kind is MessageKind.REPORTER_ROOT:
            return ticket.reporter_id
        if kind is MessageKind.REPORTER_THREAD:
            # The reporter's DM, counted under their ID as its first message was.
            return ticket.reporter_id
        return None

    def _post_list(self, message: Outgoing) -> Delivered:
        """A sweep's reminders or escalations, one message listing their tickets."""
        kind = message.kind
        lang = self.lang
        if kind is MessageKind.PERSON:
            channel = str(message.payload["user"])
            lang = self.language_of(channel)
        elif kind is MessageKind.ESCALATION:
            channel = self.escalation_channel
        else:
            channel = self.support_channel
        text = blocks.targets_list_text(lang, message.payload, message.listed)
        if text is None:
            return Delivered()  # every ticket it listed was deleted since
        return self._post(channel=channel, text=text, message=message)

    def _send(self, message: Outgoing) -> Delivered:
        ticket, thread, lang = message.ticket, message.thread, self.lang
        kind = message.kind
        if kind is MessageKind.HOME:
            user = message.payload["user"]
            if self.home_view is not None:
                view = self.home_view(self.language_of(user), user)
                self.client.views_publish(user_id=user, view=view)
            return Delivered()
        if kind is MessageKind.DELIVERY_NOTICE:
            return self._notice(message)
        if kind is MessageKind.DIRECT:
            user = message.payload["user"]
            text = blocks.role_text(self.language_of(user), message.payload)
            return self._post(channel=user, text=text, message=message)
        if kind is MessageKind.SUPPORT_DIGEST:
            digest = Digest.from_payload(message.payload)
            return self._post(
                channel=self.support_channel,
                text=blocks.digest_text(lang, digest),
                blocks=blocks.digest_blocks(lang, digest),
                message=message,
            )
        if kind is MessageKind.FROM_MESSAGE_LATER:
            if self.from_message_later is None:
                raise PermanentFailure("no one here reads messages for tickets again")
            try:
                self.from_message_later(self.client, message.payload)
            except ValueError as error:  # its details are unusable: no retry mends them
                raise PermanentFailure(f"unusable: {error}"[:300]) from None
            return Delivered()
        if "items" in message.payload and kind in LIST_CHANNELS:
            return self._post_list(message)
        if ticket is None:
            raise PermanentFailure(f"ticket #{message.ticket_id} no longer exists")
        if kind is MessageKind.SUPPORT_POST:
            return self._post(
                channel=self.support_channel,
                text=times.plain_times(blocks.card_text(lang, ticket)),
                blocks=blocks.ticket_card(lang, ticket),
                message=message,
            )
        if kind is MessageKind.SUPPORT_UPDATE:
            if not (thread.support_channel and thread.support_ts):
                # The card itself could not be posted; its failure is listed for admins
                # and a retry posts the current state, so this update has nothing to do.
                return Delivered()
            self.client.chat_update(
                channel=thread.support_channel,
                ts=thread.support_ts,
                text=times.plain_times(blocks.card_text(lang, ticket)),
                blocks=blocks.ticket_card(lang, ticket),
            )
            return Delivered(channel=thread.support_channel, ts=thread.support_ts)
        if kind is MessageKind.ESCALATION:
            text = blocks.target_text(lang, ticket, thread, message.payload)
            return self._post(channel=self.escalation_channel, text=text, message=message)
        if kind is MessageKind.PERSON:
            user = message.payload["user"]
            render = blocks.target_text if "target" in message.payload else blocks.person_text
            text = render(self.language_of(user), ticket, thread, message.payload)
            return self._post(channel=user, text=text, message=message)
        if kind is MessageKind.SUPPORT_THREAD and message.payload.get("event") == "sla_warning":
            text = blocks.target_text(lang, ticket, thread, message.payload)
            return self._post(
                channel=thread.support_channel or self.support_channel,
                thread_ts=thread.support_ts,
                text=text,
                message=message,
            )
        if kind is MessageKind.SUPPORT_THREAD:
            if ticket.deleted and not thread.support_ts:
                return Delivered()  # its card never went out: nothing to note it under
            texts = blocks.thread_texts(lang, ticket.id, message.payload, for_reporter=False)
            return self._post_parts(
                message,
                texts,
                channel=thread.support_channel or self.support_channel,
                thread_ts=thread.support_ts,
            )
        if kind is MessageKind.SUPPORT_THREAD_EDIT:
            texts = blocks.thread_texts(lang, ticket.id, message.payload, for_reporter=False)
            return self._edit_copy(message, texts, thread_ts=thread.support_ts)
        if kind is MessageKind.SUPPORT_THREAD_WITHDRAW:
            return self._withdraw_copy(message, blocks.withdrawn_text(lang, message.payload))
        if kind is MessageKind.SOURCE_THREAD:
            text = translate(
                "bot.source.opened", lang, ticket_id=ticket.id, reporter=mention(ticket.reporter_id)
            )
            try:
                return self._post(
                    channel=message.payload["channel"],
                    thread_ts=message.payload["thread_ts"],
                    text=text,
                    message=message,
                )
            except SlackApiError as error:
                if error.response.get("error") not in ("not_in_channel", "channel_not_found"):
                    raise
                return self._source_told_privately(message, ticket.id, ticket.reporter_id)
        if kind is MessageKind.RELAY_FILE:
            return self._relay_file(message)
        lang = self.language_of(ticket.reporter_id)
        if kind is MessageKind.REPORTER_ROOT and blocks.opened_for_you(ticket, message.payload):
            # Someone else opened it from the reporter's message: they are told who, from
            # which message, what was submitted in their name, and may withdraw it.
            text = blocks.opened_for_root_text(lang, ticket, message.payload)
            return self._post(
                channel=ticket.reporter_id,
                text=text,
                blocks=blocks.opened_for_root_blocks(lang, ticket, message.payload, text),
                message=message,
            )
        if kind is MessageKind.REPORTER_ROOT:
            return self._post(
                channel=ticket.reporter_id,
                text=blocks.reporter_root_text(lang, ticket),
                message=message,
            )
        if kind is MessageKind.REPORTER_THREAD:
            texts = blocks.thread_texts(lang, ticket.id, message.payload, for_reporter=True)
            return self._post_parts(
                message,
                texts,
                channel=thread.reporter_channel or ticket.reporter_id,
                thread_ts=thread.reporter_ts,
                blocks=blocks.reporter_thread_blocks(lang, ticket, message.payload, texts[0]),
            )
        raise PermanentFailure(f"unknown message kind {kind}")

    def _source_told_privately(self, message: Outgoing, ticket_id: int, reporter: str) -> Delivered:
        """A shortcut on a message in a channel the bot is not in: the ticket is there,
        and the person who made it hears so by DM, with how to add the bot."""
        person = str(message.payload.get("actor") or reporter)
        text = translate(
            "bot.source.not_in_channel",
            self.language_of(person),
            ticket_id=ticket_id,
            reporter=mention(reporter),
            channel=escape(str(message.payload.get("channel") or "")),
        )
        return self._post(channel=person, text=text, message=message)

    def _notice(self, message: Outgoing) -> Delivered:
        """Another message failed for good: said under the ticket's card, or to one admin."""
        payload, ticket, thread = message.payload, message.ticket, message.thread
        failed = str(payload.get("kind") or "")
        error = escape(str(payload.get("error") or "?")[:100])
        user = payload.get("user")
        if user:
            lang = self.language_of(str(user))
            ticket_id = payload.get("ticket")
            text = translate(
                "bot.delivery.failed_to_admin",
                lang,
                what=translate(f"bot.delivery.what.{_what(failed)}", lang),
                ticket=translate("bot.delivery.of_ticket", lang, ticket_id=ticket_id)
                if ticket_id
                else "",
                error=error,
            )
            return self._post(channel=str(user), text=text, message=message)
        if ticket is None or not thread.support_ts:
            return Delivered()  # the card is gone with its ticket: nothing to say it under
        text = translate(
            "bot.delivery.failed_in_thread",
            self.lang,
            what=translate(f"bot.delivery.what.{_what(failed)}", self.lang),
            ticket_id=ticket.id,
            error=error,
        )
        return self._post(
            channel=thread.support_channel or self.support_channel,
            thread_ts=thread.support_ts,
            text=text,
            message=message,
        )

    def _relay_file(self, message: Outgoing) -> Delivered:
        """Fetch the file once and share it once in the other side's thread; a file that
        cannot be shared becomes a note there naming it (and saying why)."""
        ticket, thread, payload = message.ticket, message.thread, message.payload
        assert ticket is not None
        if payload.get("direction") == FileDirection.TO_REPORTER.value:
            lang = self.language_of(ticket.reporter_id)
            channel = thread.reporter_channel or ticket.reporter_id
            thread_ts = thread.reporter_ts
        else:
            lang = self.lang
            channel = thread.support_channel or self.support_channel
            thread_ts = thread.support_ts
        name = str(payload.get("name") or payload.get("file") or "?")
        if message.maybe_sent and any(
            file_relay.is_shared(self.client, file_id) for file_id in message.uploads
        ):
            return Delivered(channel=channel)  # an earlier attempt shared it
        try:
            fetched = file_relay.fetch(self.client, str(payload.get("file") or ""))
        except file_relay.NotRelayed as refusal:
            log.info("file %s of #%s not relayed: %s", payload.get("file"), ticket.id, refusal)
            note = translate(
                f"bot.file.{refusal.reason}",
                lang,
                name=escape(name),
                size=megabytes(refusal.size),
                limit=megabytes(file_relay.FILE_SIZE_MAX),
            )
            return self._post(channel=channel, thread_ts=thread_ts, text=note)
        except SlackApiError as error:
            # files.info: gone, or not for this bot to see (another organisation's file).
            if error.response.get("error") in FILE_UNREADABLE:
                note = translate("bot.file.unreadable", lang, name=escape(name))
                return self._post(channel=channel, thread_ts=thread_ts, text=note)
            raise
        try:
            file_id = file_relay.upload(self.client, fetched)
            # The upload is recorded before it is shared: an attempt after one whose
            # answer was lost (or whose worker died) looks at it, so a file is never
            # shared twice.
            message.part_delivered(0, file_id)
            message.ensure_held()
            file_relay.share(
                self.client, file_id, title=fetched.name, channel=channel, thread_ts=thread_ts
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code not in FILE_NOT_SHAREABLE:
                raise
            # The workspace refuses the file itself: the note says so in its place.
            note = translate("bot.file.not_allowed", lang, name=escape(name), error=code)
            return self._post(channel=channel, thread_ts=thread_ts, text=note)
        return Delivered(channel=channel)

    def _post_parts(
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
            delivered = self._post(
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

    def _edit_copy(
        self, message: Outgoing, texts: list[str], *, thread_ts: str | None
    ) -> Delivered:
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
                delivered = self._post(
                    channel=copy.channel,
                    thread_ts=thread_ts,
                    text=texts[number],
                    message=message,
                    part=number,
                )
            if number + 1 < len(texts):
                message.part_delivered(number + 1, delivered.ts)
        for ts in copy.parts[len(texts) :]:
            self._delete(copy.channel, ts)
        return delivered

    def _withdraw_copy(self, message: Outgoing, note: str) -> Delivered:
        """The copy's first part says the reporter withdrew it; the other parts go."""
        copy = message.copy
        if copy is None:
            return Delivered()
        first, *rest = copy.parts
        self.client.chat_update(channel=copy.channel, ts=first, text=note)
        for ts in rest:
            self._delete(copy.channel, ts)
        return Delivered(channel=copy.channel, ts=first)

    def _delete(self, channel: str, ts: str) -> None:
        try:
            self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            # Gone already (a retry after a crash, or someone removed it): what was wanted.
            if error.response.get("error") != "message_not_found":
                raise

    def _post(
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


# files.info codes after which the file is told as unreadable, not retried.
FILE_UNREADABLE = frozenset({"file_not_found", "file_deleted", "access_denied", "not_visible"})
# Upload codes for a file this workspace will not take (files.completeUploadExternal).
FILE_NOT_SHAREABLE = frozenset(
    {"file_type_not_allowed", "file_uploads_disabled", "file_uploads_except_images_disabled"}
)
# The failed message's kind, as the notice names it.
_WHAT = {
    MessageKind.REPORTER_ROOT.value: "reporter",
    MessageKind.REPORTER_THREAD.value: "reporter",
    MessageKind.SUPPORT_POST.value: "support",
    MessageKind.SUPPORT_UPDATE.value: "support",
    MessageKind.SUPPORT_THREAD.value: "support",
    MessageKind.SUPPORT_THREAD_EDIT.value: "support",
    MessageKind.SUPPORT_THREAD_WITHDRAW.value: "support",
    MessageKind.SUPPORT_DIGEST.value: "support",
    MessageKind.ESCALATION.value: "support",
    MessageKind.SOURCE_THREAD.value: "source",
    MessageKind.PERSON.value: "person",
    MessageKind.DIRECT.value: "person",
    MessageKind.RELAY_FILE.value: "file",
}


def _what(kind: str) -> str:
    return _WHAT.get(kind, "other")


def _refused_on_card(message: Outgoing, error: SlackApiError) -> bool:
    """The card's channel or thread refused (archived, the bot removed from it)."""
    code = error.response.get("error") if isinstance(error.response.data, dict) else None
    if code not in UNREACHABLE_ERRORS:
        return False
    if message.kind in ON_THE_CARD and not message.payload.get("user"):
        return True
    # A file for the support side is shared under the card.
    return (
        message.kind is MessageKind.RELAY_FILE
        and message.payload.get("direction") != FileDirection.TO_REPORTER.value
    )


def megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / (1024 * 1024):.1f} MB"


def classify(error: SlackApiError) -> Exception:
    response = error.response
    code = response.get("error") if isinstance(response.data, dict) else None
    status = response.status_code
    fields = {"slack_error": str(code)[:100]} if code else {}
    if status == 429 or code == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
        try:
            seconds = float(retry_after) if retry_after is not None else None
        except ValueError:
            seconds = None
        return TemporaryFailure(
            "ratelimited", retry_after=seconds, rate_limited=True, log_fields=fields
        )
    handling = SLACK_ERRORS.get(str(code), Handling.RETRY) if code else Handling.RETRY
    if handling is not Handling.RETRY:
        return PermanentFailure(str(code), log_fields=fields, tell=handling is Handling.TELL)
    # A 5xx or an internal error may come after Slack did the work.
    maybe_sent = status >= 500 or code in MAYBE_DONE_ERRORS
    return TemporaryFailure(
        f"HTTP {status}: {code or 'no error code'}", maybe_sent=maybe_sent, log_fields=fields
    )


class RateLimitCounter(RetryHandler):
    """Counts every HTTP 429 the Web API answers, whichever call it was; retries none
    (the outbox waits out Retry-After itself, and a listener must answer in 3 s)."""

    def __init__(self) -> None:
        # Asked after every attempt, also after another handler's retry: it never retries.
        super().__init__(max_retry_count=100)

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            metrics.count_rate_limited(request.url.rstrip("/").rsplit("/", 1)[-1])
        return False
