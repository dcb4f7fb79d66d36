"""Opening a Socket Mode connection: `apps.connections.open` is Tier 1, so a 429 waits
its Retry-After and asks again, a bounded number of times, and never stops serve."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import socket_mode as serve


class ConnectionsOpen:
    """A Web API client whose apps.connections.open answers from a list."""

    def __init__(self, *answers: tuple[int, dict[str, Any], dict[str, Any]]) -> None:
        self.answers = list(answers)
        self.calls = 0

    def apps_connections_open(self, *, app_token: str) -> SlackResponse:
        self.calls += 1
        status, data, headers = self.answers.pop(0)
        response = SlackResponse(
            client=None,
            http_verb="POST",
            api_url="https://slack.com/api/apps.connections.open",
            req_args={},
            data=data,
            headers=headers,
            status_code=status,
        )
        if not data.get("ok"):
            raise SlackApiError("refused", response)
        return response


RATE_LIMITED = (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})
URL = (200, {"ok": True, "url": "wss://wss-primary.slack.com/link/?ticket=1"}, {})


def test_a_429_waits_its_retry_after_and_asks_again() -> None:
    client = ConnectionsOpen(RATE_LIMITED, RATE_LIMITED, URL)
    waits: list[float] = []
    url = serve.connection_url(client, "xapp-1", sleep=waits.append)  # type: ignore[arg-type]
    assert url.startswith("wss://")
    assert waits == [7.0, 7.0]


def test_429s_without_end_are_slack_busy_after_a_bounded_number_of_tries() -> None:
    client = ConnectionsOpen(*[RATE_LIMITED] * serve.SOCKET_MODE_OPEN_ATTEMPTS)
    waits: list[float] = []
    with pytest.raises(serve.SlackBusy):
        serve.connection_url(client, "xapp-1", sleep=waits.append)  # type: ignore[arg-type]
    assert client.calls == serve.SOCKET_MODE_OPEN_ATTEMPTS
    assert len(waits) == serve.SOCKET_MODE_OPEN_ATTEMPTS - 1


@pytest.mark.parametrize(
    ("headers", "wait"),
    [({}, 30.0), ({"Retry-After": "3600"}, 60.0), ({"retry-after": ["2"]}, 2.0)],
)
def test_retry_after_is_bounded_and_has_a_default(headers: dict[str, Any], wait: float) -> None:
    client = ConnectionsOpen((429, {"ok": False, "error": "ratelimited"}, headers), URL)
    waits: list[float] = []
    serve.connection_url(client, "xapp-1", sleep=waits.append)  # type: ignore[arg-type]
    assert waits == [wait]


def test_a_refused_token_is_no_429_and_is_raised() -> None:
    client = ConnectionsOpen((200, {"ok": False, "error": "invalid_auth"}, {}))
    with pytest.raises(SlackApiError):
        serve.connection_url(client, "xapp-1", sleep=lambda _: None)  # type: ignore[arg-type]
