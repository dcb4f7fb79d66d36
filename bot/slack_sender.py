"""Delivering outbox messages to Slack: render with bot.blocks, classify every failure."""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot import blocks, file_relay
from bot.mrkdwn import escape, mention
from bot.words import translate
from flashticket_core.domain.enums import FileDirection
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import (
    Delivered,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)
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


HomeView = Callable[[Language, str], dict[str, Any]]
PersonLanguage = Callable[[str], Language]


class SlackTransport(Transport):
    """`lang` is the help desk's language (the support channel); what goes to a person
    (their DM thread, a role change, their App Home) is in `language_of(person)`."""

    def __init__(
        self,
        client: WebClient,
        *,
        support_channel: str,
        lang: Language,
        home_view: HomeView | None = None,
        language_of: PersonLanguage | None = None,
    ) -> None:
        self.client = client
        self.support_channel = support_channel
        self.lang = lang
        # Renders a person's App Home as it is now; None where no Home is published.
        self.home_view = home_view
        self.language_of: PersonLanguage = language_of or (lambda _person: lang)

    def deliver(self, message: Outgoing) -> Delivered:
        try:
            return self._send(message)
        except SlackApiError as error:
            raise classify(error) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise TemporaryFailure(f"network: {type(error).__name__}: {error}"[:300]) from None
        except SlackRequestError as error:
            raise TemporaryFailure(f"request: {error}"[:300]) from None

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
            return self._post(channel=user, text=text)
        if ticket is None:
            raise PermanentFailure(f"ticket #{message.ticket_id} no longer exists")
        if kind is MessageKind.SUPPORT_POST:
            return self._post(
                channel=self.support_channel,
                text=blocks.card_text(lang, ticket),
                blocks=blocks.ticket_card(lang, ticket),
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
            )
        if kind is MessageKind.RELAY_FILE:
            return self._relay_file(message)
        lang = self.language_of(ticket.reporter_id)
        if kind is MessageKind.REPORTER_ROOT:
            return self._post(
                channel=ticket.reporter_id, text=blocks.reporter_root_text(lang, ticket)
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
        file_relay.share(self.client, fetched, channel=channel, thread_ts=thread_ts)
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
                    channel=copy.channel, thread_ts=thread_ts, text=texts[number]
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
    ) -> Delivered:
        response = self.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return Delivered(channel=response.get("channel"), ts=response.get("ts"))


def megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / (1024 * 1024):.1f} MB"


def classify(error: SlackApiError) -> Exception:
    response = error.response
    code = response.get("error") if isinstance(response.data, dict) else None
    status = response.status_code
    if status == 429 or code == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
        try:
            seconds = float(retry_after) if retry_after is not None else None
        except ValueError:
            seconds = None
        return TemporaryFailure("ratelimited", retry_after=seconds)
    if code in PERMANENT_ERRORS:
        return PermanentFailure(str(code))
    return TemporaryFailure(f"HTTP {status}: {code or 'no error code'}")
