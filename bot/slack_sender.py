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
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import blocks, file_relay
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

# Slack's error codes that retrying cannot fix; everything else is tried again.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "ekm_access_denied",
        "invalid_auth",
        "invalid_blocks",
        "invalid_blocks_format",
        "is_archived",
        "message_not_found",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "no_text",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "too_many_attachments",
        "user_not_found",
        "user_not_visible",
        "cant_update_message",
        "edit_window_closed",
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
            raise classify(error) from None
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
                text=blocks.card_text(lang, ticket),
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
                text=blocks.card_text(lang, ticket),
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
            return self._post(
                channel=message.payload["channel"],
                thread_ts=message.payload["thread_ts"],
                text=text,
                message=message,
            )
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
            if error.response.get("error") in ("file_not_found", "file_deleted"):
                note = translate("bot.file.unreadable", lang, name=escape(name))
                return self._post(channel=channel, thread_ts=thread_ts, text=note)
            raise
        file_id = file_relay.upload(self.client, fetched)
        # The upload is recorded before it is shared: an attempt after one whose answer
        # was lost (or whose worker died) looks at it, so a file is never shared twice.
        message.part_delivered(0, file_id)
        message.ensure_held()
        file_relay.share(
            self.client, file_id, title=fetched.name, channel=channel, thread_ts=thread_ts
        )
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
        return delivered

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
            text=text,
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
    if code in PERMANENT_ERRORS:
        return PermanentFailure(str(code), log_fields=fields)
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
