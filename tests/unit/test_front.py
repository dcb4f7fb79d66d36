"""The web worker's reading of a request head (bot/http_wire.py): what reaches the
application and what is refused before it, with which status, before the body is read."""

from __future__ import annotations

import pytest

from bot.http_wire import Refused, environ_for, parse_head
from bot.request_checks import MAX_BODY_BYTES


def refused(raw: bytes) -> int:
    with pytest.raises(Refused) as caught:
        parse_head(raw).content_length()
    return caught.value.status


def test_a_slack_request_head_becomes_its_wsgi_environ() -> None:
    head = parse_head(
        b"POST /slack/events?x=1 HTTP/1.1\r\nHost: bot\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n"
        b"X-Slack-Signature: v0=ab  \r\nX-Slack-Request-Timestamp: 1\r\nX_Smuggled: 1"
    )
    assert head.content_length() == 5
    assert head.keep_alive
    environ = environ_for(head, b"a=b&c", ("127.0.0.1", 3000), ("127.0.0.1", 5555))
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/slack/events"
    assert environ["QUERY_STRING"] == "x=1"
    assert environ["CONTENT_LENGTH"] == "5"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["HTTP_X_SLACK_SIGNATURE"] == "v0=ab"
    assert "HTTP_X_SMUGGLED" not in environ
    assert environ["wsgi.input"].read() == b"a=b&c"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"\x00\x01 not http", 400),
        (b"POST /slack/events", 400),
        (b"POST /slack/events HTTP/9.9\r\nHost: x", 400),
        (b"POST /slack events HTTP/1.1\r\nHost: x", 400),
        (b"GET http://elsewhere/ HTTP/1.1", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1", 414),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 9000, 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(200))[:-2], 431),
        (b"GET / HTTP/1.1\r\nHost x", 400),
        (b"GET / HTTP/1.1\r\nHost: x\x00y", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\n folded", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: -1", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: \xd9\xa3", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: %d" % (MAX_BODY_BYTES + 1), 413),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked", 411),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", 400),
    ],
)
def test_a_bad_or_oversized_head_is_refused_before_its_body(raw: bytes, status: int) -> None:
    assert refused(raw) == status


@pytest.mark.parametrize(
    ("raw", "keep_alive"),
    [
        (b"GET / HTTP/1.1", True),
        (b"GET / HTTP/1.1\r\nConnection: close", False),
        (b"GET / HTTP/1.0", False),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive", True),
    ],
)
def test_keep_alive_follows_the_version_and_the_connection_header(
    raw: bytes, keep_alive: bool
) -> None:
    assert parse_head(raw).keep_alive is keep_alive
