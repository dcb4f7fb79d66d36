"""A fake of Slack's Socket Mode WebSocket endpoint on 127.0.0.1 (port 0).

The bot's real Socket Mode stack (Bolt's `SocketModeHandler` on slack_sdk's built-in
client) asks the fake Web API's `apps.connections.open` for a URL and connects here, so
the test drives the same code a workspace would: the HTTP upgrade, Slack's `hello`,
envelopes in, acks out, pings both ways.

The server speaks just enough RFC 6455 to be strict about it: it checks the upgrade
request, answers with Sec-WebSocket-Accept, requires client frames to be masked and
sends its own unmasked, uses 7, 16 or 64-bit lengths, reassembles fragmented text,
answers pings and does the close handshake. Anything a real server would refuse is
recorded in `errors`, so a test can assert that the client spoke the protocol.

Every thread is a daemon and `stop()` closes every socket, so a failing test cannot
leave it running.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import selectors
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PATH = "/link"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
CONTROL_OPCODES = (OP_CLOSE, OP_PING, OP_PONG)

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_NO_STATUS = 1005
CLOSE_ABNORMAL = 1006
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

MAX_MESSAGE_BYTES = 16 << 20
MAX_HANDSHAKE_BYTES = 16 << 10
HANDSHAKE_TIMEOUT = 5.0


class ProtocolError(Exception):
    """The peer broke RFC 6455; `code` is the close code a server answers with."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class ConnectionGone(Exception):
    """The TCP connection ended (EOF or reset) in the middle of a read."""


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    payload: bytes
    masked: bool
    rsv: int = 0


# -- the codec, independent of sockets so it can be checked against the RFC's examples --


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def apply_mask(data: bytes, key: bytes) -> bytes:
    """XOR with the 4-byte masking key; the same operation masks and unmasks."""
    if not data:
        return data
    stream = (key * (len(data) // 4 + 1))[: len(data)]
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return mixed.to_bytes(len(data), "big")


def encode_frame(
    opcode: int, payload: bytes, *, fin: bool = True, mask: bytes | None = None
) -> bytes:
    """One frame; a server passes no mask, a client must pass a fresh 4-byte one."""
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    length = len(payload)
    if length <= 125:
        head += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if mask is None:
        return head + payload
    if len(mask) != 4:
        raise ValueError("a masking key is 4 bytes")
    return head + mask + apply_mask(payload, mask)


def read_frame(read_exact: Callable[[int], bytes], max_bytes: int = MAX_MESSAGE_BYTES) -> Frame:
    """Read one frame through `read_exact(n)`, which returns exactly n bytes or raises."""
    first, second = read_exact(2)
    fin, rsv, opcode = bool(first & 0x80), (first >> 4) & 0x7, first & 0x0F
    masked, length = bool(second & 0x80), second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", read_exact(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", read_exact(8))
        if length >> 63:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "64-bit length with the top bit set")
    if opcode in CONTROL_OPCODES and (length > 125 or not fin):
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a control frame must be short and whole")
    if length > max_bytes:
        raise ProtocolError(CLOSE_TOO_BIG, f"a frame of {length} bytes")
    key = read_exact(4) if masked else b""
    payload = read_exact(length) if length else b""
    if masked:
        payload = apply_mask(payload, key)
    return Frame(fin=fin, opcode=opcode, payload=payload, masked=masked, rsv=rsv)


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode("utf-8")[:123]


def parse_close_payload(payload: bytes) -> tuple[int, str]:
    if not payload:
        return CLOSE_NO_STATUS, ""
    if len(payload) == 1:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a close payload of one byte")
    (code,) = struct.unpack("!H", payload[:2])
    try:
        return code, payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(CLOSE_INVALID_DATA, "a close reason that is not UTF-8") from None


# -- one client connection --------------------------------------------------------


class _Connection:
    """One accepted socket: its reader thread, and sends serialised by a lock."""

    def __init__(self, server: FakeSocketMode, sock: socket.socket, number: int) -> None:
        self.server = server
        self.sock = sock
        self.number = number
        self.open = False  # after the handshake, until the TCP connection ends
        self.close_sent = False
        self.close_received: tuple[int, str] | None = None
        self._buffer = b""
        self._send_lock = threading.Lock()
        self.thread = threading.Thread(
            target=self._run, name=f"fake-socket-mode-{number}", daemon=True
        )

    # -- reading ------------------------------------------------------------------

    def _read_exact(self, count: int) -> bytes:
        while len(self._buffer) < count:
            try:
                chunk = self.sock.recv(max(65536, count - len(self._buffer)))
            except OSError as error:
                raise ConnectionGone(str(error)) from None
            if not chunk:
                raise ConnectionGone("EOF")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _read_request(self) -> bytes:
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > MAX_HANDSHAKE_BYTES:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, "an upgrade request without an end")
            try:
                chunk = self.sock.recv(4096)
            except OSError as error:
                raise ConnectionGone(str(error)) from None
            if not chunk:
                raise ConnectionGone("EOF during the handshake")
            self._buffer += chunk
        request, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        return request

    # -- the handshake ------------------------------------------------------------

    def _handshake(self) -> bool:
        self.sock.settimeout(HANDSHAKE_TIMEOUT)
        try:
            raw = self._read_request()
        except (ConnectionGone, ProtocolError) as error:
            self.server._error(f"connection {self.number}: handshake: {error}")
            return False
        self.sock.settimeout(None)
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        problem = _upgrade_problem(parts, headers)
        if problem is not None:
            status, reason = problem
            self.server._error(f"connection {self.number}: refused upgrade: {reason}")
            extra = "Sec-WebSocket-Version: 13\r\n" if status == 426 else ""
            body = reason.encode()
            self._send_raw(
                f"HTTP/1.1 {status} Refused\r\nContent-Type: text/plain\r\n{extra}"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            return False
        self.server._record_request(parts[1], headers)
        self._send_raw(
            (
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(headers['sec-websocket-key'])}\r\n"
                "\r\n"
            ).encode()
        )
        return True

    # -- the message loop ---------------------------------------------------------

    def _run(self) -> None:
        try:
            if not self._handshake():
                return
            self.server._connected(self)
            self._receive_until_closed()
        finally:
            self.open = False
            self._shutdown()
            self.server._disconnected(self)

    def _receive_until_closed(self) -> None:
        fragments: list[bytes] | None = None  # a text message that is not whole yet
        while True:
            try:
                frame = read_frame(self._read_exact)
                if not frame.masked:
                    raise ProtocolError(CLOSE_PROTOCOL_ERROR, "an unmasked client frame")
                if frame.rsv:
                    raise ProtocolError(CLOSE_PROTOCOL_ERROR, "RSV bits without an extension")
                # Control frames may come between the fragments of a message.
                if frame.opcode == OP_CLOSE:
                    self._on_close(frame.payload)
                    return
                if frame.opcode == OP_PING:
                    self.send_frame(OP_PONG, frame.payload)
                    continue
                if frame.opcode == OP_PONG:
                    self.server._pong(frame.payload)
                    continue
                if frame.opcode == OP_TEXT:
                    if fragments is not None:
                        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a new message mid-fragment")
                    fragments = [frame.payload]
                elif frame.opcode == OP_CONTINUATION:
                    if fragments is None:
                        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a continuation of nothing")
                    fragments.append(frame.payload)
                elif frame.opcode == OP_BINARY:
                    raise ProtocolError(CLOSE_UNSUPPORTED_DATA, "Slack sends and takes text only")
                else:
                    raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"opcode {frame.opcode:#x}")
                if sum(len(f) for f in fragments) > MAX_MESSAGE_BYTES:
                    raise ProtocolError(CLOSE_TOO_BIG, "a message too big")
                if frame.fin:
                    message, fragments = b"".join(fragments), None
                    try:
                        text = message.decode("utf-8")
                    except UnicodeDecodeError:
                        raise ProtocolError(CLOSE_INVALID_DATA, "text that is not UTF-8") from None
                    self.server._message(text)
            except ProtocolError as error:
                self.server._error(f"connection {self.number}: {error.reason}")
                self.close(error.code, error.reason)
                return
            except ConnectionGone:
                if self.close_received is None and not self.close_sent:
                    self.server._closed(self.number, CLOSE_ABNORMAL, "no close frame")
                return

    def _on_close(self, payload: bytes) -> None:
        try:
            code, reason = parse_close_payload(payload)
        except ProtocolError as error:
            self.close_received = (CLOSE_PROTOCOL_ERROR, error.reason)
            self.server._error(f"connection {self.number}: {error.reason}")
            self.close(error.code, error.reason)
            return
        self.close_received = (code, reason)
        self.server._closed(self.number, code, reason)
        if not self.close_sent:
            # Echo the code (RFC 6455 §5.5.1); then the server closes TCP first.
            echo = code if code not in (CLOSE_NO_STATUS, CLOSE_ABNORMAL) else None
            self._send_close(close_payload(echo) if echo is not None else b"")

    # -- sending ------------------------------------------------------------------

    def _send_raw(self, data: bytes) -> bool:
        with self._send_lock:
            try:
                self.sock.sendall(data)
            except OSError:
                return False
        return True

    def send_frame(self, opcode: int, payload: bytes) -> bool:
        return self._send_raw(encode_frame(opcode, payload))

    def _send_close(self, payload: bytes) -> None:
        with self._send_lock:
            if self.close_sent:
                return
            self.close_sent = True
            with contextlib.suppress(OSError):
                self.sock.sendall(encode_frame(OP_CLOSE, payload))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Start the close handshake; the reader ends when the peer answers or hangs up."""
        self._send_close(close_payload(code, reason))

    def _shutdown(self) -> None:
        # shutdown() wakes a recv() blocked in the reader thread; close() alone may not.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


def _upgrade_problem(request_line: list[str], headers: dict[str, str]) -> tuple[int, str] | None:
    """Why an upgrade request is not one RFC 6455 §4.2.1 accepts, or None."""
    if len(request_line) != 3 or request_line[0] != "GET" or request_line[2] != "HTTP/1.1":
        return 400, f"not a GET over HTTP/1.1: {' '.join(request_line)[:80]!r}"
    if request_line[1].split("?")[0] != PATH:
        return 404, f"unknown path {request_line[1][:80]!r}"
    if not headers.get("host"):
        return 400, "no Host header"
    if headers.get("upgrade", "").lower() != "websocket":
        return 400, "no Upgrade: websocket"
    if "upgrade" not in [t.strip().lower() for t in headers.get("connection", "").split(",")]:
        return 400, "no Connection: Upgrade"
    if headers.get("sec-websocket-version") != "13":
        return 426, "Sec-WebSocket-Version must be 13"
    try:
        nonce = base64.b64decode(headers.get("sec-websocket-key", ""), validate=True)
    except ValueError:
        nonce = b""
    if len(nonce) != 16:
        return 400, "Sec-WebSocket-Key must be 16 bytes in base64"
    return None


# -- the server ---------------------------------------------------------------------


class FakeSocketMode:
    """Slack's side of a Socket Mode connection, driven by the test."""

    def __init__(self, *, app_id: str = "A000001", close_timeout: float = 1.0) -> None:
        self.app_id = app_id
        self.close_timeout = close_timeout
        self.errors: list[str] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.received: list[dict[str, Any]] = []
        self.closes: list[tuple[int, int, str]] = []  # (connection, code, reason)
        self.pongs: list[bytes] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._ack_seconds: dict[str, float] = {}
        self._sent_at: dict[str, float] = {}
        self._sent_on: dict[str, int] = {}  # envelope id -> the connection's number
        self._connections: list[_Connection] = []
        self._connected_count = 0
        self._turn = -1  # the connection the last envelope went to, of those open
        self._changed = threading.Condition()
        self._listener: socket.socket | None = None
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stopping = False

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        # A socket pair wakes the acceptor's select() on stop(): no polling timeout.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._acceptor = threading.Thread(
            target=self._accept_loop,
            args=(self._listener, self._wake_reader),
            name="fake-socket-mode-accept",
            daemon=True,
        )
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Close every connection (close handshake, bounded by close_timeout) and the port."""
        with self._changed:
            if self._stopping:
                return
            self._stopping = True
            connections = list(self._connections)
        if self._wake_writer is not None:
            with contextlib.suppress(OSError):
                self._wake_writer.send(b"x")
        if self._acceptor is not None:
            self._acceptor.join(self.close_timeout)
        for connection in connections:
            if connection.open:
                connection.close(CLOSE_GOING_AWAY, "server stopping")
        deadline = time.monotonic() + self.close_timeout
        with self._changed:
            while any(c.thread.is_alive() and c.open for c in connections):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        for connection in connections:
            connection._shutdown()
            connection.thread.join(self.close_timeout)
        for sock in (self._listener, self._wake_reader, self._wake_writer):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("not started")
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{PATH}"

    # -- what tests use -------------------------------------------------------------

    def wait_connected(self, timeout: float = 5.0, count: int = 1) -> None:
        """Block until `count` clients finished the handshake and got their hello."""
        self._wait(lambda: self._connected_count >= count, timeout, f"{count} connection(s)")

    def send_envelope(
        self, type: str, payload: dict[str, Any], accepts_response_payload: bool = False
    ) -> str:
        """Send one envelope as Slack does; its id. With several connections open (an
        app may hold up to 10), each envelope goes to one of them: here, to each in
        turn, never to one that is closing."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            # Slack counts redeliveries of an event; the first delivery is attempt 0.
            envelope.update(retry_attempt=0, retry_reason="")
        connection = self._next_receiver()
        with self._changed:
            self._sent_at[envelope_id] = time.monotonic()
            self._sent_on[envelope_id] = connection.number
        if not connection.send_frame(OP_TEXT, json.dumps(envelope).encode("utf-8")):
            raise AssertionError(
                f"could not send envelope {type} on connection {connection.number}"
            )
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> dict[str, Any]:
        """The client's ack for an envelope, once it arrives (bounded wait)."""
        with self._changed:
            if envelope_id not in self._sent_at:
                raise AssertionError(f"envelope {envelope_id} was never sent")
        self._wait(lambda: envelope_id in self._acks, timeout, f"the ack of {envelope_id}")
        with self._changed:
            return self._acks[envelope_id]

    def connection_of(self, envelope_id: str) -> int:
        """The number of the connection an envelope was sent on (1 for the first)."""
        with self._changed:
            return self._sent_on[envelope_id]

    def ack_seconds(self, envelope_id: str) -> float:
        """Seconds from sending an envelope to receiving its ack."""
        with self._changed:
            return self._ack_seconds[envelope_id]

    def ping(self, payload: bytes = b"fake-socket-mode", timeout: float = 3.0) -> float:
        """Ping the newest connection and wait for its pong; the round trip in seconds.

        The payload must not be empty: slack_sdk's reader waits for more bytes after a
        frame of two bytes or less, so an empty pong or ping stalls it for its timeout.
        """
        connection = self._current()
        started = time.monotonic()
        with self._changed:
            seen = self.pongs.count(payload)
        if not connection.send_frame(OP_PING, payload):
            raise AssertionError("could not send a ping")
        self._wait(lambda: self.pongs.count(payload) > seen, timeout, "a pong")
        return time.monotonic() - started

    def close_connections(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Start the close handshake on every open connection (the server stays up)."""
        with self._changed:
            connections = [c for c in self._connections if c.open]
        for connection in connections:
            connection.close(code, reason)

    @property
    def open_connections(self) -> int:
        with self._changed:
            return sum(1 for c in self._connections if c.open)

    # -- internals ------------------------------------------------------------------

    def _wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout} s waiting for {what}; "
                        f"received {self.received!r}, errors {self.errors!r}"
                    )
                self._changed.wait(remaining)

    def _current(self) -> _Connection:
        with self._changed:
            open_ones = [c for c in self._connections if c.open]
        if not open_ones:
            raise AssertionError("no client is connected")
        return open_ones[-1]

    def _next_receiver(self) -> _Connection:
        with self._changed:
            receivers = [
                c
                for c in self._connections
                if c.open and not c.close_sent and c.close_received is None
            ]
            if not receivers:
                raise AssertionError("no client is connected")
            self._turn += 1
            return receivers[self._turn % len(receivers)]

    def _accept_loop(self, listener: socket.socket, wake: socket.socket) -> None:
        number = 0
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self._stopping:
                ready = [key.fileobj for key, _ in selector.select()]
                if wake in ready or self._stopping:
                    return
                try:
                    sock, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    return
                sock.setblocking(True)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                number += 1
                connection = _Connection(self, sock, number)
                with self._changed:
                    if self._stopping:
                        sock.close()
                        return
                    self._connections.append(connection)
                connection.thread.start()

    def _connected(self, connection: _Connection) -> None:
        """Say hello first, then count the connection: no envelope can overtake the hello."""
        with self._changed:
            open_count = 1 + sum(1 for c in self._connections if c.open)
        hello = {
            "type": "hello",
            "num_connections": open_count,
            "debug_info": {
                "host": "applink-fake-0",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        if not connection.send_frame(OP_TEXT, json.dumps(hello).encode("utf-8")):
            return
        with self._changed:
            connection.open = True
            self._connected_count += 1
            self._changed.notify_all()

    def _disconnected(self, connection: _Connection) -> None:
        with self._changed:
            connection.open = False
            self._changed.notify_all()

    def _record_request(self, target: str, headers: dict[str, str]) -> None:
        with self._changed:
            self.requests.append((target, headers))

    def _message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            self._error(f"a text message that is not JSON: {text[:200]!r}")
            return
        if not isinstance(message, dict):
            self._error(f"a message that is not an object: {text[:200]!r}")
            return
        with self._changed:
            self.received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                if envelope_id not in self._sent_at:
                    self.errors.append(f"an ack for an unknown envelope {envelope_id}")
                elif envelope_id in self._acks:
                    self.errors.append(f"a second ack for envelope {envelope_id}")
                else:
                    self._acks[envelope_id] = message
                    self._ack_seconds[envelope_id] = time.monotonic() - self._sent_at[envelope_id]
            self._changed.notify_all()

    def _pong(self, payload: bytes) -> None:
        with self._changed:
            self.pongs.append(payload)
            self._changed.notify_all()

    def _closed(self, number: int, code: int, reason: str) -> None:
        with self._changed:
            self.closes.append((number, code, reason))
            self._changed.notify_all()

    def _error(self, message: str) -> None:
        with self._changed:
            self.errors.append(message)
            self._changed.notify_all()
