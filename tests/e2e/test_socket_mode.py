"""Socket Mode, end to end: the real bot (`bot.composition.start` with an app token) asks the
fake Web API for a WebSocket URL, connects to the fake Socket Mode server with
slack_sdk's own client, and answers envelopes shaped as Slack sends them.

Slack waits 3 s for an envelope's ack, so every ack is timed against that limit.
"""

from __future__ import annotations

import base64
import io
import json
import multiprocessing
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

import pytest

from bot import socket_mode
from bot.composition import Running, start
from tests.bot_harness import SIGNING_SECRET, SUPPORT_CHANNEL, bot_settings
from tests.conftest import ALICE, BOB
from tests.fakes.slack_api import Call, FakeSlack
from tests.fakes.socket_mode import (
    CLOSE_GOING_AWAY,
    CLOSE_NORMAL,
    CLOSE_PROTOCOL_ERROR,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    FakeSocketMode,
    Frame,
    accept_key,
    close_payload,
    encode_frame,
    parse_close_payload,
    read_frame,
)
from tests.processes import ServeProcess, children, descendants, serve_environment
from tests.slack_requests import (
    SlackClientSimulator,
    block_action,
    command_body,
    dm_thread_reply,
    event_envelope,
    view_submission,
)

APP_TOKEN = "xapp-test-token"
# How long a test waits for an ack: a bound, not a limit it asserts (Slack's 3 s is
# measured by bench/socket_mode_bench.py; a busy machine must not fail a test on it).
ACK_WAIT = 15.0


@pytest.fixture
def fake_socket() -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as fake:
        yield fake


@pytest.fixture
def socket_bot(
    sqlite_database_url: str, slack: FakeSlack, fake_socket: FakeSocketMode
) -> Iterator[Running]:
    """The bot in Socket Mode; stopped before the fake socket and the fake Web API."""
    slack.socket_mode_url = fake_socket.url
    running = start(
        bot_settings(sqlite_database_url, slack, slack_app_token=APP_TOKEN), host="127.0.0.1"
    )
    try:
        running.http.start()
        fake_socket.wait_connected(timeout=5)
        yield running
    finally:
        running.stop()


def command_payload(
    user: str, text: str, *, trigger_id: str, response_url: str, command: str = "/ticket"
) -> dict[str, Any]:
    """A slash command as Socket Mode carries it: the HTTP form's fields as a JSON object."""
    form = command_body(command, text, user, trigger_id=trigger_id, response_url=response_url)
    return dict(parse_qsl(form.decode(), keep_blank_values=True))


def send_help(fake_socket: FakeSocketMode, slack: FakeSlack) -> str:
    """`/ticket help` over the socket, as Slack carries it; the envelope's id."""
    return fake_socket.send_envelope(
        "slash_commands",
        command_payload(
            ALICE,
            "help",
            trigger_id=slack.issue_trigger_id(),
            response_url=slack.issue_response_url(),
        ),
        accepts_response_payload=True,
    )


def acked(fake_socket: FakeSocketMode, envelope_id: str, times: dict[str, float], name: str) -> Any:
    """The ack's payload (None if it has none); how long it took goes in `times`."""
    ack = fake_socket.wait_ack(envelope_id, timeout=ACK_WAIT)
    times[name] = fake_socket.ack_seconds(envelope_id)
    assert set(ack) <= {"envelope_id", "payload"}, ack
    return ack.get("payload")


def test_socket_mode_ticket_story(
    socket_bot: Running, slack: FakeSlack, fake_socket: FakeSocketMode
) -> None:
    times: dict[str, float] = {}

    # Connected the way Slack's client does: the app token for the URL, then the upgrade.
    opened = slack.calls("apps.connections.open")
    assert len(opened) == 1, [(c.at, c.headers.get("user-agent", "")[:60]) for c in opened]
    assert opened[0].ok
    assert fake_socket.requests[0][0].startswith("/link")
    fake_socket.ping(timeout=ACK_WAIT)  # the client answers a server's ping

    # (a) `/ticket help`: the help text comes back in the ack itself.
    help_id = send_help(fake_socket, slack)
    payload = acked(fake_socket, help_id, times, "help command")
    assert payload["response_type"] == "ephemeral"
    assert "/ticket list" in payload["text"]

    # (b) `/ticket`: acked, and the modal opens with the command's trigger.
    new_id = fake_socket.send_envelope(
        "slash_commands",
        command_payload(
            ALICE, "", trigger_id=slack.issue_trigger_id(), response_url=slack.issue_response_url()
        ),
        accepts_response_payload=True,
    )
    assert acked(fake_socket, new_id, times, "new ticket command") in (None, {})
    views = slack.wait_for("views.open", timeout=ACK_WAIT)
    assert views[-1].ok, views[-1].response
    view = views[-1].args["view"]

    # The modal is submitted; the delivery worker posts the card to the support channel.
    submit_id = fake_socket.send_envelope(
        "interactive",
        view_submission(
            ALICE,
            view,
            {
                "title": {"type": "plain_text_input", "value": "VPN drops every hour"},
                "description": {"type": "plain_text_input", "value": "Since the update."},
                "priority": {"type": "static_select", "selected_option": {"value": "high"}},
            },
        ),
        accepts_response_payload=True,
    )
    assert acked(fake_socket, submit_id, times, "view submission") in (None, {})

    def card_of(calls: list[Call]) -> Call | None:
        return next(
            (
                c
                for c in calls
                if c.method == "chat.postMessage"
                and c.args.get("channel") == SUPPORT_CHANNEL
                and not c.args.get("thread_ts")
                and c.ok
            ),
            None,
        )

    slack.wait_for(lambda calls: card_of(calls) is not None, timeout=5)
    card = card_of(slack.calls())
    assert card is not None
    assert "VPN drops every hour" in card.args["text"]
    ticket_id = int(card.args["text"].split("#")[1].split(":")[0])

    def dm_root_of(calls: list[Call]) -> Call | None:
        return next(
            (
                c
                for c in calls
                if c.method == "chat.postMessage"
                and str(c.args.get("channel", "")).startswith("U")
                and f"*#{ticket_id}*" in str(c.args.get("text"))
                and not c.args.get("thread_ts")
                and c.ok
            ),
            None,
        )

    slack.wait_for(lambda calls: dm_root_of(calls) is not None, timeout=5)
    root = dm_root_of(slack.calls())
    assert root is not None

    # (c) A plain user clicks "Take": refused, through the response_url, nothing changes.
    take = next(
        element
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "ticket.take"
    )
    updates_before = len(slack.calls("chat.update"))
    click_id = fake_socket.send_envelope(
        "interactive",
        block_action(
            BOB,
            "ticket.take",
            value=take["value"],
            message_ts=card.response["ts"],
            response_url=slack.issue_response_url(),
            trigger_id=slack.issue_trigger_id(),
        ),
    )
    assert acked(fake_socket, click_id, times, "button click") in (None, {})
    refusal = slack.wait_for("response_url", timeout=ACK_WAIT)[-1]
    assert refusal.ok
    assert "not allowed" in refusal.args["text"]
    assert len(slack.calls("chat.update")) == updates_before

    # (d) The reporter answers in the DM thread: acked at once, relayed to the card's thread.
    reply = "Still broken after a restart"
    event_id = fake_socket.send_envelope(
        "events_api",
        event_envelope(
            dm_thread_reply(ALICE, root.response["channel"], root.response["ts"], reply)
        ),
    )
    assert acked(fake_socket, event_id, times, "DM reply event") in (None, {})

    def relayed(calls: list[Call]) -> bool:
        return any(
            c.method == "chat.postMessage"
            and c.args.get("channel") == SUPPORT_CHANNEL
            and c.args.get("thread_ts") == card.response["ts"]
            and reply in str(c.args.get("text"))
            and c.ok
            for c in calls
        )

    slack.wait_for(relayed, timeout=5)

    # In Socket Mode the HTTP port only answers health checks.
    http = SlackClientSimulator(socket_bot.http.port, SIGNING_SECRET)
    assert http.request("GET", "/healthz").status == 200
    signed = http.command("/ticket", "help", ALICE)
    assert signed.status == 404, signed.body

    assert fake_socket.errors == []
    assert fake_socket.open_connections == 1
    print("ack seconds:", {name: round(seconds, 4) for name, seconds in times.items()})


# -- the fake itself, against RFC 6455 --------------------------------------------


def test_frame_codec_matches_the_rfc_examples() -> None:
    """RFC 6455 §5.7's examples, and the Sec-WebSocket-Accept example of §1.3."""
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert encode_frame(OP_TEXT, b"Hello") == bytes.fromhex("810548656c6c6f")
    masked = bytes.fromhex("818537fa213d7f9f4d5158")
    assert encode_frame(OP_TEXT, b"Hello", mask=bytes.fromhex("37fa213d")) == masked
    assert encode_frame(OP_TEXT, b"Hel", fin=False) == bytes.fromhex("010348656c")
    assert encode_frame(OP_CONTINUATION, b"lo") == bytes.fromhex("80026c6f")
    assert encode_frame(0x2, bytes(256))[:4] == bytes.fromhex("827e0100")
    assert encode_frame(0x2, bytes(65536))[:10] == bytes.fromhex("827f0000000000010000")
    for size in (0, 125, 126, 65535, 65536):
        data = os.urandom(size)
        for mask in (None, os.urandom(4)):
            stream = io.BytesIO(encode_frame(OP_TEXT, data, mask=mask))
            frame = read_frame(stream.read)
            assert (frame.payload, frame.masked, frame.fin) == (data, mask is not None, True)
            assert stream.read() == b""


@dataclass
class RawClient:
    """A hand-written WebSocket client's view of the fake, after the upgrade request."""

    sock: socket.socket
    reader: BinaryIO
    status: int
    accept_ok: bool

    def read(self) -> Frame:
        return read_frame(self.reader.read)

    def send(self, opcode: int, payload: bytes, *, fin: bool = True) -> None:
        self.sock.sendall(encode_frame(opcode, payload, fin=fin, mask=os.urandom(4)))

    def at_eof(self) -> bool:
        return self.reader.read(1) == b""

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def upgrade(port: int, *, version: str = "13") -> RawClient:
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            "GET /link?ticket=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n\r\n"
        ).encode()
    )
    reader = sock.makefile("rb")
    status = int(reader.readline().split()[1])
    headers = {}
    while line := reader.readline().decode().strip():
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    accept_ok = headers.get("sec-websocket-accept") == accept_key(key)
    return RawClient(sock, reader, status, accept_ok)


def test_the_fake_speaks_rfc6455(fake_socket: FakeSocketMode) -> None:
    refused = upgrade(fake_socket.port, version="12")
    assert refused.status == 426
    refused.close()
    assert fake_socket.errors.pop() == (
        "connection 1: refused upgrade: Sec-WebSocket-Version must be 13"
    )

    client = upgrade(fake_socket.port)
    try:
        assert (client.status, client.accept_ok) == (101, True)
        hello = client.read()
        assert (hello.opcode, hello.masked) == (OP_TEXT, False)
        assert json.loads(hello.payload)["connection_info"] == {"app_id": "A000001"}
        fake_socket.wait_connected()

        # A large envelope needs a 64-bit length.
        envelope_id = fake_socket.send_envelope("events_api", {"text": "x" * 70_000})
        envelope = json.loads(client.read().payload)
        assert (envelope["envelope_id"], envelope["retry_attempt"]) == (envelope_id, 0)

        # A fragmented, masked ack with a ping between the fragments.
        ack = json.dumps({"envelope_id": envelope_id}).encode()
        client.send(OP_TEXT, ack[:7], fin=False)
        client.send(OP_PING, b"still there?")
        pong = client.read()
        assert (pong.opcode, pong.payload, pong.masked) == (OP_PONG, b"still there?", False)
        client.send(OP_CONTINUATION, ack[7:])
        assert fake_socket.wait_ack(envelope_id) == {"envelope_id": envelope_id}

        # An unmasked client frame is a protocol error: close 1002, then the server hangs up.
        client.sock.sendall(encode_frame(OP_TEXT, b"{}"))
        close = client.read()
        assert close.opcode == OP_CLOSE
        assert parse_close_payload(close.payload)[0] == CLOSE_PROTOCOL_ERROR
        assert client.at_eof()
    finally:
        client.close()
    assert fake_socket.errors == ["connection 2: an unmasked client frame"]

    # The client closes: the server echoes the code and closes TCP.
    client = upgrade(fake_socket.port)
    try:
        client.read()  # hello
        client.send(OP_CLOSE, close_payload(CLOSE_NORMAL, "bye"))
        echo = client.read()
        assert (echo.opcode, parse_close_payload(echo.payload)) == (OP_CLOSE, (CLOSE_NORMAL, ""))
        assert client.at_eof()
    finally:
        client.close()
    assert (3, CLOSE_NORMAL, "bye") in fake_socket.closes

    # stop() starts the close handshake with whoever is still connected.
    client = upgrade(fake_socket.port)
    try:
        client.read()  # hello
        fake_socket.wait_connected(count=3)
        fake_socket.close_timeout = 0.2  # this client does not answer until stop() returns
        fake_socket.stop()
        going = client.read()
        assert parse_close_payload(going.payload)[0] == CLOSE_GOING_AWAY
        assert client.at_eof()
    finally:
        client.close()
    assert fake_socket.errors == ["connection 2: an unmasked client frame"]


BAD_ENVELOPES: list[tuple[str, Any]] = [
    ("slash_commands", {"command": "/ticket", "user_id": ["U1"], "text": "help"}),
    ("slash_commands", {"command": "/ticket", "text": "help"}),
    ("interactive", {"type": "block_actions", "user": {"id": ALICE}, "actions": []}),
    ("interactive", {"type": "view_submission", "user": {"id": ALICE}, "view": "V1"}),
    ("interactive", {"type": "block_actions", "actions": [{"action_id": "ticket.take"}]}),
    ("events_api", {"type": "event_callback", "event": {"type": "message", "user": 7}}),
    ("events_api", {"type": "event_callback", "event": {"type": "message", "text": "\udc00"}}),
    # No listener wants it: acknowledged all the same, so Slack does not resend it.
    ("events_api", {"type": "event_callback", "event": {"type": "x", "a": [[[[[[]]]]]] * 3}}),
    ("no_such_type", {"type": "event_callback"}),
]


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(("kind", "payload"), BAD_ENVELOPES)
def test_odd_socket_mode_payloads_are_acked_and_dropped(
    socket_bot: Running,
    slack: FakeSlack,
    fake_socket: FakeSocketMode,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    payload: Any,
) -> None:
    """The HTTP edge's checks hold over Socket Mode too: an odd shape is acknowledged
    (so Slack does not resend it), changes nothing, and the bot goes on answering."""
    before = len(slack.calls())
    envelope_id = fake_socket.send_envelope(kind, payload)
    assert fake_socket.wait_ack(envelope_id, timeout=ACK_WAIT).get("payload") in (None, {})
    deep_id = fake_socket.send_envelope(
        "events_api", {"type": "event_callback", "event": {"type": "message", **nested(100)}}
    )
    fake_socket.wait_ack(deep_id, timeout=ACK_WAIT)
    # Nothing was done (Bolt may look up its own token on the first request it takes).
    assert {c.method for c in slack.calls()[before:]} <= {"auth.test"}
    help_id = send_help(fake_socket, slack)
    assert "/ticket list" in fake_socket.wait_ack(help_id, timeout=ACK_WAIT)["payload"]["text"]
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info]


def test_serve_in_socket_mode_answers_from_its_front_process(
    tmp_path: Path, slack: FakeSlack, fake_socket: FakeSocketMode
) -> None:
    """`flashticket serve` with an app token: the token checked first, then the front
    process connects and acks, /healthz answers over HTTP, and SIGTERM ends it with 0."""
    slack.socket_mode_url = fake_socket.url
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}", slack.base_url, SLACK_APP_TOKEN=APP_TOKEN
    )
    server = ServeProcess(env, tmp_path).wait_healthy()
    try:
        fake_socket.wait_connected(timeout=10)
        times: dict[str, float] = {}
        payload = acked(fake_socket, send_help(fake_socket, slack), times, "help")
        assert "/ticket list" in json.dumps(payload)
    finally:
        stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_serve_in_socket_mode_holds_a_connection_per_worker_and_each_acks(
    tmp_path: Path, slack: FakeSlack, fake_socket: FakeSocketMode
) -> None:
    """Two front workers: two connections, and the envelopes Slack spreads over them are
    each acked by the process that holds the connection. A worker that dies is replaced
    by one with a connection of its own; SIGTERM then stops them all, leaving none."""
    slack.socket_mode_url = fake_socket.url
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}",
        slack.base_url,
        SLACK_APP_TOKEN=APP_TOKEN,
        FLASHTICKET_WEB_WORKERS="2",
    )
    server = ServeProcess(env, tmp_path).wait_healthy()
    times: dict[str, float] = {}

    def answered_on_each_connection() -> set[int]:
        sent = [send_help(fake_socket, slack) for _ in range(4)]
        for number, envelope_id in enumerate(sent):
            payload = acked(fake_socket, envelope_id, times, f"help {number}")
            assert "/ticket list" in json.dumps(payload)
        return {fake_socket.connection_of(e) for e in sent}

    try:
        fake_socket.wait_connected(timeout=10, count=2)
        assert answered_on_each_connection() == {1, 2}
        (front,) = children(server.process.pid)
        workers = children(front)
        assert len(workers) == 2
        killed = min(workers)
        os.kill(killed, signal.SIGKILL)
        fake_socket.wait_connected(timeout=20, count=3)  # its replacement
        assert fake_socket.open_connections == 2
        assert len(answered_on_each_connection()) == 2
        everyone = {front, *children(front)}
        assert killed not in everyone
        assert len(everyone) == 3
    finally:
        stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert "ended (exit code -9): starting another" in stderr
    assert not everyone & descendants(os.getpid()), "a front process outlived serve"
    assert fake_socket.errors == []


def test_serve_waits_out_a_429_from_apps_connections_open_and_keeps_the_first_url(
    tmp_path: Path, slack: FakeSlack, fake_socket: FakeSocketMode
) -> None:
    """apps.connections.open is Tier 1: a 429 waits its Retry-After and asks again
    instead of stopping serve, and the URL the token check got is the first
    connection's: two connections, two URLs asked for (and the one refused)."""
    slack.socket_mode_url = fake_socket.url
    slack.fail_next("apps.connections.open", retry_after=1)
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}",
        slack.base_url,
        SLACK_APP_TOKEN=APP_TOKEN,
        FLASHTICKET_WEB_WORKERS="2",
    )
    server = ServeProcess(env, tmp_path).wait_healthy()
    try:
        fake_socket.wait_connected(timeout=20, count=2)
        answers = [(c.faulted, c.ok) for c in slack.calls("apps.connections.open")]
        assert answers == [(True, False), (False, True), (False, True)]
    finally:
        stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert "Slack asks to wait 1 s before opening a Socket Mode connection" in stderr


def _supervise(
    count: int,
    run: Callable[[Callable[[], None]], None],
    clock: Callable[[], float] = time.monotonic,
) -> multiprocessing.process.BaseProcess:
    """`run_socket_mode_workers` in a process of its own (it takes over the signals)."""
    supervisor = multiprocessing.get_context("fork").Process(
        target=lambda: sys.exit(socket_mode.run_socket_mode_workers(count, run, clock=clock))
    )
    supervisor.start()
    return supervisor


def _stop(supervisor: multiprocessing.process.BaseProcess) -> None:
    os.kill(supervisor.pid or 0, signal.SIGTERM)
    supervisor.join(timeout=30)
    assert supervisor.exitcode == 0


def _next_start(read: int, timeout: float = 10) -> bytes:
    ready, _, _ = select.select([read], [], [], timeout)
    assert ready, f"no start within {timeout} s"
    return os.read(read, 1)


def _no_start(read: int) -> bool:
    """Nothing started for a moment. Never a false alarm: what the test holds back (the
    clock, a connection) guarantees no start, however slow the machine."""
    ready, _, _ = select.select([read], [], [], 0.3)
    return not ready


def test_socket_mode_workers_stop_together_when_one_cannot_start() -> None:
    supervisor = _supervise(2, lambda _connected: sys.exit(socket_mode.STARTUP_FAILED))
    supervisor.join(timeout=30)
    assert supervisor.exitcode == 1


def test_a_socket_mode_worker_that_keeps_ending_is_started_again_at_a_pace() -> None:
    """Paced on the supervisor's clock, which the test moves: no wall-clock gaps."""
    read, write = os.pipe()
    now = multiprocessing.get_context("fork").Value("d", 100.0)

    def run(_connected: Callable[[], None]) -> None:
        os.write(write, b"x")  # one start; then it ends at once, as if it crashed

    supervisor = _supervise(1, run, clock=lambda: now.value)
    os.close(write)
    try:
        assert _next_start(read) == b"x"
        # It ended at once: not started again before SOCKET_WORKER_RESTART_SECONDS.
        pace = socket_mode.SOCKET_WORKER_RESTART_SECONDS
        now.value = 100.0 + pace * 0.9
        assert _no_start(read)
        now.value = 100.0 + pace
        assert _next_start(read) == b"x"
        now.value = 100.0 + 2 * pace
        assert _next_start(read) == b"x"
    finally:
        _stop(supervisor)
    os.close(read)


def test_socket_mode_workers_open_their_connections_one_after_another() -> None:
    """apps.connections.open is Tier 1: the next worker starts when the one before has
    its connection, not all at once."""
    started, tell_started = os.pipe()
    go_on, let_go_on = os.pipe()

    def run(connected: Callable[[], None]) -> None:
        os.write(tell_started, b"s")
        os.read(go_on, 1)  # "opening the connection" until the test lets it go on
        connected()
        signal.pause()

    supervisor = _supervise(3, run)
    os.close(tell_started)
    try:
        for _ in range(3):
            assert _next_start(started) == b"s"
            assert _no_start(started)  # the next waits for this one's connection
            os.write(let_go_on, b"g")
    finally:
        _stop(supervisor)
    os.close(started)
