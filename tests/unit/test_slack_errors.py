"""One table decides what a Slack error means for the message that got it: tried
again, failed at once, or failed at once and told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.sending.slack_errors import SLACK_ERRORS, Handling, classify
from bot.slack_sender import SlackTransport
from flashticket_core.service_layer.delivery.outgoing import Outgoing, Thread
from flashticket_core.service_layer.delivery.ports import (
    Delivered,
    PermanentFailure,
    TemporaryFailure,
)
from flashticket_core.service_layer.delivery.worker import notice_for
from flashticket_core.service_layer.outbox import MessageKind


def refusal(code: str, status: int = 200) -> SlackApiError:
    """Slack's answer to a call it refuses: `ok: false` and the code, with HTTP 200."""
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers={},
        status_code=status,
    )
    return SlackApiError(code, response)


# The codes of the issue and the spec, each as Slack's method reference lists it.
TOLD = [
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_thread_locked",
    "cannot_reply_to_message",
    "messages_tab_disabled",
    "msg_too_long",
    "msg_blocks_too_long",
    "access_denied",
    "not_visible",
    "file_type_not_allowed",
    "file_uploads_disabled",
]
FAILED_QUIETLY = ["cant_delete_message", "cant_update_message", "not_enabled", "invalid_auth"]


@pytest.mark.parametrize("code", TOLD)
def test_an_error_that_retrying_cannot_fix_fails_at_once_and_is_told(code: str) -> None:
    failure = classify(refusal(code))
    assert isinstance(failure, PermanentFailure)
    assert failure.reason == code
    assert failure.tell


@pytest.mark.parametrize("code", FAILED_QUIETLY)
def test_an_error_nobody_would_miss_fails_at_once_untold(code: str) -> None:
    failure = classify(refusal(code))
    assert isinstance(failure, PermanentFailure)
    assert not failure.tell


@pytest.mark.parametrize("code", ["internal_error", "service_unavailable", "something_new"])
def test_an_unknown_or_passing_error_is_tried_again(code: str) -> None:
    assert isinstance(classify(refusal(code)), TemporaryFailure)
    assert SLACK_ERRORS.get(code, Handling.RETRY) is Handling.RETRY


def outgoing(kind: MessageKind, *, support_ts: str | None = "1.0", **payload: str) -> Outgoing:
    return Outgoing(
        id=7,
        kind=kind,
        ticket_id=3,
        payload=dict(payload),
        ticket=None,
        thread=Thread(support_channel="C0SUPPORT1", support_ts=support_ts),
    )


class Refusing(SlackTransport):
    """A transport whose every Slack call is refused with one code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def _send(self, message: Outgoing) -> Delivered:
        raise refusal(self.code)


AT = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def refused(message: Outgoing, code: str) -> PermanentFailure:
    with pytest.raises(PermanentFailure) as failure:
        Refusing(code).deliver(message)
    return failure.value


def test_a_refusal_by_the_cards_own_channel_is_told_to_the_admins() -> None:
    card = outgoing(MessageKind.SUPPORT_THREAD)
    notice = notice_for(card, refused(card, "is_archived"), AT)
    assert notice is not None
    assert notice.to_admins


def test_a_refusal_elsewhere_is_told_under_the_card() -> None:
    to_reporter = outgoing(MessageKind.REPORTER_THREAD)
    notice = notice_for(to_reporter, refused(to_reporter, "messages_tab_disabled"), AT)
    assert notice is not None
    assert not notice.to_admins
    # The card itself failed: there will be no thread to say it in.
    card = outgoing(MessageKind.SUPPORT_POST, support_ts=None)
    notice = notice_for(card, refused(card, "msg_blocks_too_long"), AT)
    assert notice is not None
    assert notice.to_admins


def test_a_notice_that_fails_is_not_told() -> None:
    told = outgoing(MessageKind.DELIVERY_NOTICE)
    assert notice_for(told, refused(told, "is_archived"), AT) is None


def test_every_message_kind_has_a_sender() -> None:
    from bot.sending import SENDERS

    assert set(MessageKind) - set(SENDERS) == set(), "a message kind nothing sends to Slack"
