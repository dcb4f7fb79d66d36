"""The HTTP server's own limits: a body too large is refused before it is read, and
idle connections neither crowd out /healthz nor stay open for ever.

Everything here talks to 127.0.0.1, waits with socket timeouts (never sleeps) and
closes what it opened.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from bot.front import FrontServer
from bot.request_checks import MAX_BODY_BYTES
from tests.bot_harness import Bot
from tests.conftest import ALICE

TIMEOUT = 10.0


def health(port: int, timeout: float = TIMEOUT) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    finally:
        connection.close()


def status_line(sock: socket.socket) -> bytes:
    """The first line of the server's answer (the socket's timeout bounds the wait)."""
    received = b""
    while b"\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.split(b"\r\n", 1)[0]


@contextmanager
def idle_connections(port: int, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections that connect and then say nothing."""
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT))
            for _ in range(count)
        ]
        yield sockets


def test_a_body_announced_too_large_is_refused_before_it_is_sent(sqlite_bot: Bot) -> None:
    # Headers announce one byte more than allowed and not a byte of it follows: a server
    # that read the body before judging its size would wait here until the client gave up.
    too_large = b"%d" % (MAX_BODY_BYTES + 1)
    with socket.create_connection(("127.0.0.1", sqlite_bot.http.port), timeout=TIMEOUT) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + too_large + b"\r\n\r\n"
        )
        assert status_line(sock).startswith(b"HTTP/1.1 413")
    assert health(sqlite_bot.http.port) == 200


def test_a_chunked_body_is_refused_before_it_is_read(sqlite_bot: Bot) -> None:
    # Slack always says how long its body is; chunked framing is refused from the head
    # (411), so however large the chunks grow, none of them is read.
    chunk = b"x" * (64 * 1024)
    with socket.create_connection(("127.0.0.1", sqlite_bot.http.port), timeout=TIMEOUT) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the server answered and closed while the client was still sending
        assert status_line(sock).startswith(b"HTTP/1.1 411")
    assert health(sqlite_bot.http.port) == 200


def test_a_body_of_the_largest_size_allowed_reaches_the_edge(sqlite_bot: Bot) -> None:
    body = b"{" + b" " * (MAX_BODY_BYTES - 2) + b"}"
    response = sqlite_bot.http.post(body, content_type="application/json")
    # Not 413 from the server: the edge read it, checked the signature, found no type.
    assert (response.status, response.body) == (400, b"payload must have a type")


def test_many_idle_connections_leave_healthz_and_slack_answered(sqlite_bot: Bot) -> None:
    # A limit of 100 connections (the HTTP server's of old) made the 101st wait for minutes.
    with idle_connections(sqlite_bot.http.port, 150):
        assert health(sqlite_bot.http.port) == 200
        assert sqlite_bot.command(ALICE, "help").status == 200


def test_idle_connections_over_the_limit_are_closed_and_the_server_answers_again(
    sqlite_bot: Bot,
) -> None:
    """At its limit the server stops accepting; idle connections are closed after the
    idle timeout, and a waiting request is then answered."""
    server = FrontServer(
        sqlite_bot.running.http.wsgi,
        host="127.0.0.1",
        port=0,
        threads=2,
        connection_limit=8,
        idle_timeout=1,
    )
    server.start()
    try:
        with idle_connections(server.port, 12) as idle:
            # A bounded wait (the client's timeout), not a stopwatch.
            assert health(server.port, timeout=15) == 200
            # The first idle connection was accepted, then closed by the server.
            assert idle[0].recv(1) == b""
    finally:
        server.stop()
