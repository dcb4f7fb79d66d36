"""What a Slack error means for the message that got it, in one table: tried again,
failed at once, or failed at once and told."""

from __future__ import annotations

from enum import StrEnum

from slack_sdk.errors import SlackApiError

from flashticket_core.service_layer.delivery.ports import PermanentFailure, TemporaryFailure


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
# Slack's ok:false errors after which the message may have been posted all the same.
MAYBE_DONE_ERRORS = frozenset({"internal_error", "fatal_error", "request_timeout"})


def error_code(error: SlackApiError) -> str | None:
    response = error.response
    code = response.get("error") if isinstance(response.data, dict) else None
    return None if code is None else str(code)


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
