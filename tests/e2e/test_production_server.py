"""Hostile HTTP against `flashticket serve` itself: gunicorn's workers in front of the
edge, as in production (the other end-to-end tests run the same server with one worker
in their own process).

Raw requests, written byte by byte: malformed request lines, headers too long or too
many, bodies too large, announced and never sent, chunked; and a bounded Hypothesis run
of signed Slack bodies with mangled HTTP around them. Whatever arrives, the answer is
never a 5xx, the server keeps answering /healthz and Slack, and it logs no traceback.
Every wait is a socket timeout; FLASHTICKET_FUZZ_EXAMPLES sets the examples (default 30).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.front import IDLE_TIMEOUT_SECONDS, REQUEST_READ_SECONDS
from bot.request_checks import MAX_BODY_BYTES
from tests.bot_harness import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, serve_environment
from tests.slack_requests import Response, SlackClientSimulator, command_body, sign

TIMEOUT = 10.0
EXAMPLES = int(os.environ.get("FLASHTICKET_FUZZ_EXAMPLES", "30"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    directory = tmp_path_factory.mktemp("production")
    with FakeSlack() as slack:
        env = serve_environment(
            f"sqlite:///{directory / 'tickets.db'}", slack.base_url, FLASHTICKET_WEB_WORKERS="2"
        )
        process = ServeProcess(env, directory).wait_healthy()
        try:
            yield process
        finally:
            stderr = process.terminate()
            assert process.process.returncode == 0, stderr
            assert "Traceback" not in stderr, stderr
            assert SIGNING_SECRET not in stderr


def answer_status(port: int, raw: bytes) -> int | None:
    """The status of the server's answer to `raw`, or None if it closed without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server closed early: it refused before reading it all
            pass
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except ConnectionResetError:
            pass
    line = received.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else None


def still_serving(port: int) -> None:
    client = SlackClientSimulator(port, SIGNING_SECRET)
    assert client.request("GET", "/healthz").status == 200
    assert client.command("/ticket", "help", "UALICE0001").status == 200


def signed_post(body: bytes, *extra: bytes) -> bytes:
    headers = sign(body, SIGNING_SECRET)
    return (
        b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
        + b"".join(extra)
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


HOSTILE = {
    "garbage": b"\x00\x01\x02 not http at all\r\n\r\n",
    "no version": b"POST /slack/events\r\n\r\n",
    "unknown version": b"POST /slack/events HTTP/9.9\r\nHost: x\r\n\r\n",
    "space in path": b"POST /slack events HTTP/1.1\r\nHost: x\r\n\r\n",
    "line too long": b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "header too long": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
    "too many headers": b"GET /healthz HTTP/1.1\r\n"
    + b"".join(b"X-H%d: v\r\n" % n for n in range(500))
    + b"\r\n",
    "header without colon": b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
    "nul in header": b"GET /healthz HTTP/1.1\r\nHost: x\x00y\r\n\r\n",
    "two lengths": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
    b"Content-Length: 5\r\n\r\nabc",
    "negative length": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "length not a number": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n",
    "too large, never sent": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
    % (MAX_BODY_BYTES + 1),
    "chunked": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\n\r\n",
    "bad chunk size": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"zz\r\nhello\r\n0\r\n\r\n",
    "chunked and length": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "unsigned": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nx=1&",
    "signed, body cut short": signed_post(command_body("/ticket", "list", "UALICE0001"))[:-10],
    "signed, twice the headers": signed_post(
        command_body("/ticket", "list", "UALICE0001"), b"X-Slack-Signature: v0=00\r\n"
    ),
    "wrong method": b"DELETE /slack/events HTTP/1.1\r\nHost: x\r\n\r\n",
    "unknown path": b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_http_never_gets_a_5xx_and_the_server_stays(
    server: ServeProcess, name: str
) -> None:
    status = answer_status(server.port, HOSTILE[name])
    assert status is None or 400 <= status < 500, (name, status)
    still_serving(server.port)


header_values = st.text(
    alphabet=st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=200
)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(max_size=300),
    header=st.tuples(
        st.sampled_from(["X-Slack-Signature", "Content-Type", "Host", "X-Odd"]), header_values
    ),
    cut=st.integers(min_value=0, max_value=64),
    signed=st.booleans(),
)
def test_mangled_requests_around_signed_bodies_never_get_a_5xx(
    server: ServeProcess, text: str, header: tuple[str, str], cut: int, signed: bool
) -> None:
    body = command_body("/ticket", text, "UALICE0001")
    raw = signed_post(body, f"{header[0]}: {header[1]}\r\n".encode("latin-1"))
    if not signed:
        raw = raw.replace(b"X-Slack-Signature: v0=", b"X-Slack-Signature: v0=0", 1)
    status = answer_status(server.port, raw[: len(raw) - cut])
    assert status is None or status < 500, (text, header, cut, status)


def test_after_all_of_it_the_server_still_answers(server: ServeProcess) -> None:
    still_serving(server.port)


IDLE_CONNECTIONS = 100
SLOW_CONNECTIONS = 24
SLOW_BYTE_SECONDS = 2.0  # a slow client sends one byte this often
BURST = 48  # signed requests and /healthz, 8 at a time
ANSWER_GOAL_SECONDS = 1.0  # the limit for /healthz and a signed request


def timed(port: int, send: Callable[[SlackClientSimulator], Response]) -> tuple[int, float]:
    started = time.monotonic()
    status = send(SlackClientSimulator(port, SIGNING_SECRET)).status
    return status, time.monotonic() - started


def test_idle_and_slow_clients_delay_neither_healthz_nor_slack(server: ServeProcess) -> None:
    """100 connections that say nothing and 24 that send a request a byte every 2 s take
    no thread: /healthz and signed requests beside them are answered as at rest. The slow
    ones get 408 when their request is not in within its deadline, and the idle ones are
    closed after the README's 20 s, not before."""
    address = ("127.0.0.1", server.port)
    idle = [socket.create_connection(address, timeout=TIMEOUT) for _ in range(IDLE_CONNECTIONS)]
    opened = time.monotonic()
    head = signed_post(command_body("/ticket", "list", "UALICE0001"))
    slow = [socket.create_connection(address, timeout=TIMEOUT) for _ in range(SLOW_CONNECTIONS)]
    done = threading.Event()

    def trickle() -> None:
        sent = 0
        while not done.wait(SLOW_BYTE_SECONDS):  # slow by design, whatever the load
            for sock in slow:
                with contextlib.suppress(OSError):  # answered 408 and closed
                    sock.sendall(head[sent : sent + 1])
            sent += 1

    for sock in slow:
        sock.sendall(head[:1])
    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        sends: list[Callable[[SlackClientSimulator], Response]] = [
            lambda client: client.request("GET", "/healthz"),
            lambda client: client.command("/ticket", "help", "UALICE0001"),
            lambda client: client.command("/ticket", "list", "UBOB000001"),
        ]
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda n: timed(server.port, sends[n % len(sends)]), range(BURST))
            )
        assert [status for status, _ in answers] == [200] * BURST
        slowest = max(seconds for _, seconds in answers)
        assert slowest < ANSWER_GOAL_SECONDS, answers
        # Every idle connection is still open (nothing to read, no EOF) before 20 s.
        assert time.monotonic() - opened < IDLE_TIMEOUT_SECONDS
        readable, _, _ = select.select(idle, [], [], 0)
        assert readable == []
        for sock in slow:  # the request did not come whole within its deadline
            sock.settimeout(REQUEST_READ_SECONDS + TIMEOUT)
            assert sock.recv(4096).startswith(b"HTTP/1.1 408 ")
    finally:
        done.set()
        trickler.join()
        for sock in slow:
            sock.close()
    try:
        for sock in idle:  # the server closes them: EOF, within a bounded wait
            sock.settimeout(IDLE_TIMEOUT_SECONDS + TIMEOUT - (time.monotonic() - opened))
            assert sock.recv(1) == b""
        assert time.monotonic() - opened >= IDLE_TIMEOUT_SECONDS - 1
    finally:
        for sock in idle:
            sock.close()
    still_serving(server.port)
