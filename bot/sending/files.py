"""Relaying a file (`bot/file_relay.py`): fetched once from chat and shared once in the
other side's thread; a file that cannot be shared becomes a note there naming it."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot import file_relay
from bot.mrkdwn import escape
from bot.sending.slack import Sender, Slack, the_ticket
from bot.words import translate
from flashticket_core.domain.enums import FileDirection
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.outbox import MessageKind

log = logging.getLogger(__name__)

# files.info codes after which the file is told as unreadable, not retried.
FILE_UNREADABLE = frozenset({"file_not_found", "file_deleted", "access_denied", "not_visible"})
# Upload codes for a file this workspace will not take (files.completeUploadExternal).
FILE_NOT_SHAREABLE = frozenset(
    {"file_type_not_allowed", "file_uploads_disabled", "file_uploads_except_images_disabled"}
)


def relay_file(slack: Slack, message: Outgoing) -> Delivered:
    """Fetch the file once and share it once in the other side's thread; a file that
    cannot be shared becomes a note there naming it (and saying why)."""
    ticket, thread, payload = the_ticket(message), message.thread, message.payload
    if payload.get("direction") == FileDirection.TO_REPORTER.value:
        lang = slack.language_of(ticket.reporter_id)
        channel = thread.reporter_channel or ticket.reporter_id
        thread_ts = thread.reporter_ts
    else:
        lang = slack.lang
        channel = thread.support_channel or slack.team_channel(ticket.team_id)
        thread_ts = thread.support_ts
    name = str(payload.get("name") or payload.get("file") or "?")
    if message.maybe_sent and any(
        file_relay.is_shared(slack.client, file_id) for file_id in message.uploads
    ):
        return Delivered(channel=channel)  # an earlier attempt shared it
    try:
        fetched = file_relay.fetch(slack.client, str(payload.get("file") or ""))
    except file_relay.NotRelayed as refusal:
        log.info("file %s of #%s not relayed: %s", payload.get("file"), ticket.id, refusal)
        note = translate(
            f"bot.file.{refusal.reason}",
            lang,
            name=escape(name),
            size=megabytes(refusal.size),
            limit=megabytes(file_relay.FILE_SIZE_MAX),
        )
        return slack.post(channel=channel, thread_ts=thread_ts, text=note)
    except SlackApiError as error:
        # files.info: gone, or not for this bot to see (another organisation's file).
        if error.response.get("error") in FILE_UNREADABLE:
            note = translate("bot.file.unreadable", lang, name=escape(name))
            return slack.post(channel=channel, thread_ts=thread_ts, text=note)
        raise
    try:
        file_id = file_relay.upload(slack.client, fetched)
        # The upload is recorded before it is shared: an attempt after one whose
        # answer was lost (or whose worker died) looks at it, so a file is never
        # shared twice.
        message.part_delivered(0, file_id)
        message.ensure_held()
        file_relay.share(
            slack.client, file_id, title=fetched.name, channel=channel, thread_ts=thread_ts
        )
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        if code not in FILE_NOT_SHAREABLE:
            raise
        # The workspace refuses the file itself: the note says so in its place.
        note = translate("bot.file.not_allowed", lang, name=escape(name), error=code)
        return slack.post(channel=channel, thread_ts=thread_ts, text=note)
    return Delivered(channel=channel)


def megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / (1024 * 1024):.1f} MB"


def shared_under_the_card(message: Outgoing) -> bool:
    """A file for the support side is shared under the card."""
    return message.payload.get("direction") != FileDirection.TO_REPORTER.value


# Delivered on the worker's side thread, one at a time: not paced.
SENDERS = {
    MessageKind.RELAY_FILE: Sender(relay_file, on_the_card=shared_under_the_card, told_as="file")
}
