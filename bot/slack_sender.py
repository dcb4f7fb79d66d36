"""Delivering outbox messages to Slack: each kind by its sender (`bot.sending.SENDERS`),
every failure classified by one table (`bot.sending.slack_errors`), and the pace Slack
allows its posts per channel."""

from __future__ import annotations

import copy
import urllib.error

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.sending import SENDERS
from bot.sending.slack import FromMessageLater, HomeView, PersonLanguage, Slack
from bot.sending.slack_errors import UNREACHABLE_ERRORS, classify, error_code
from flashticket_core import metrics
from flashticket_core.desk_file.models import DeskStructure
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.pacing import Pace
from flashticket_core.service_layer.delivery.ports import (
    Delivered,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)

# Slack takes about one chat.postMessage per second per channel, short bursts allowed.
SLACK_PACE = Pace(burst=4, per_second=1.0)


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
        desk: DeskStructure | None = None,
    ) -> None:
        # The outbox retries (and reads back first); a client's own retry of a reset
        # connection would post a message Slack may have taken a second time, unseen.
        client = copy.copy(client)
        # The 429 counter stays: it counts and never retries.
        client.retry_handlers = [
            handler for handler in client.retry_handlers if isinstance(handler, RateLimitCounter)
        ]
        self.slack = Slack(
            client=client,
            support_channel=support_channel,
            escalation_channel=escalation_channel or support_channel,
            lang=lang,
            language_of=language_of or (lambda _person: lang),
            home_view=home_view,
            from_message_later=from_message_later,
            senders=SENDERS,
            desk=desk,
        )

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
        return SENDERS[message.kind].channel(self.slack, message)

    def _send(self, message: Outgoing) -> Delivered:
        return SENDERS[message.kind].send(self.slack, message)


def _refused_on_card(message: Outgoing, error: SlackApiError) -> bool:
    """The card's channel or thread refused (archived, the bot removed from it)."""
    if error_code(error) not in UNREACHABLE_ERRORS:
        return False
    return SENDERS[message.kind].on_the_card(message)


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
