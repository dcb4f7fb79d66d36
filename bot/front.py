"""The web worker of `flashticket serve`: asyncio reads each request whole, with deadlines,
and only then hands it to a thread that runs the WSGI application.

gunicorn's own `gthread` worker gives a connection a thread as soon as it sends its first
byte, and the thread then blocks reading headers and body with no deadline: a few clients
that send slowly, or connect and say nothing, take every thread, and /healthz and Slack
wait behind them. Here a connection costs a socket and a coroutine until its request is
complete, so the threads only ever run requests that are ready.

    idle         no byte of a next request for IDLE_TIMEOUT_SECONDS (also on a fresh
                 connection): closed
    reading      headers and body within REQUEST_READ_SECONDS of the request's first
                 byte, or 408 and closed
    refused      before the body is read: a Content-Length over 1 MiB (413), chunked
                 framing (411), a malformed or oversized head (400, 414, 431)
    answering    the WSGI application on one of FLASHTICKET_WEB_THREADS threads; the
                 answer is written within REQUEST_READ_SECONDS, or the connection closed
    limit        at most CONNECTION_LIMIT connections per worker: more are closed at once

SIGTERM: the worker stops accepting (the port is closed), answers the requests it is
reading or running with "Connection: close", gives an idle keep-alive connection
STOP_LINGER_SECONDS for a request already on its way, and exits when they are done
(at most gunicorn's graceful_timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes

from gunicorn.workers.base import Worker

from bot.http_server import CONNECTION_LIMIT, IDLE_TIMEOUT_SECONDS, MAX_HEADER_BYTES
from bot.request_checks import MAX_BODY_BYTES

# A request's head and body arrive within this long of its first byte, or it gets 408.
REQUEST_READ_SECONDS = 10
# gunicorn's bounds on a request line and on one header field.
MAX_REQUEST_LINE_BYTES = 8190
MAX_HEADER_FIELD_BYTES = 8190
MAX_HEADER_FIELDS = 100
# After SIGTERM an idle keep-alive connection may still carry a request its client sent
# before it saw the port close.
STOP_LINGER_SECONDS = 1.0
# How often the worker tells gunicorn's arbiter it is alive.
HEARTBEAT_SECONDS = 1.0

TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
REQUEST_LINE = re.compile(rb"(" + TOKEN + rb") (/[!-~]*) HTTP/1\.([01])")
HEADER_FIELD = re.compile(rb"(" + TOKEN + rb"):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*")

REASONS = {
    400: "Bad Request",
    408: "Request Timeout",
    411: "Length Required",
    413: "Payload Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}


class Refused(Exception):
    """A request answered with `status` before it reaches the application; the
    connection is closed after the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Head:
    """A request's line and headers, parsed."""

    def __init__(self, method: str, target: bytes, minor: int, headers: list[tuple[str, str]]):
        self.method = method
        self.target = target
        self.minor = minor
        self.headers = headers

    def get(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    @property
    def keep_alive(self) -> bool:
        tokens = {
            token.strip().lower() for value in self.get("connection") for token in value.split(",")
        }
        if self.minor == 0:
            return "keep-alive" in tokens
        return "close" not in tokens

    def content_length(self) -> int:
        if self.get("transfer-encoding"):
            if self.get("content-length"):
                raise Refused(400, "both Content-Length and Transfer-Encoding")
            raise Refused(411, "Content-Length required")
        lengths = self.get("content-length")
        if not lengths:
            return 0
        if len(lengths) > 1 or not lengths[0].isdigit() or not lengths[0].isascii():
            raise Refused(400, "bad Content-Length")
        length = int(lengths[0])
        if length > MAX_BODY_BYTES:
            raise Refused(413, "body too large")
        return length


def parse_head(raw: bytes) -> Head:
    """The head of a request (up to and without its blank line), or Refused."""
    lines = raw.split(b"\r\n")
    request_line = lines[0]
    if len(request_line) > MAX_REQUEST_LINE_BYTES:
        raise Refused(414, "request line too long")
    match = REQUEST_LINE.fullmatch(request_line)
    if match is None:
        raise Refused(400, "bad request line")
    if len(lines) - 1 > MAX_HEADER_FIELDS:
        raise Refused(431, "too many header fields")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if len(line) > MAX_HEADER_FIELD_BYTES:
            raise Refused(431, "header field too long")
        field = HEADER_FIELD.fullmatch(line)
        if field is None:
            raise Refused(400, "bad header field")
        headers.append((field[1].decode("ascii").lower(), field[2].decode("latin-1")))
    return Head(match[1].decode("ascii"), match[2], int(match[3]), headers)


def environ_for(
    head: Head, body: bytes, server: tuple[str, int], peer: tuple[str, int] | None
) -> dict[str, Any]:
    """The WSGI environ of a request read whole (PEP 3333)."""
    path, _, query = head.target.partition(b"?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": head.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/1.{head.minor}",
        "REMOTE_ADDR": peer[0] if peer else "",
        "REMOTE_PORT": str(peer[1]) if peer else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in head.headers:
        if "_" in name:
            continue  # HTTP_X_A would not tell X-A from X_A: dropped, as gunicorn does
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name == "content-length":
            environ["CONTENT_LENGTH"] = value
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call_app(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run the application on a thread: its status, headers and whole body."""
    answer: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer[:] = [status, headers]
        return lambda _data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer[0], answer[1], body


class HttpDate:
    """The Date header, made once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._value = second, formatdate(second, usegmt=True)
        return self._value


class BufferingWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker: an asyncio loop reads, a thread pool runs the application."""

    def run(self) -> None:
        asyncio.run(self.serve())

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        self.begin()
        loop.add_signal_handler(signal.SIGTERM, self.stopping.set)
        listeners = [listener.sock for listener in self.sockets]
        for sock in listeners:
            sock.setblocking(False)
            loop.add_reader(sock.fileno(), self.accept_one, sock)
        heartbeat = asyncio.create_task(self.heartbeat())
        await self.stopping.wait()
        for sock in listeners:
            loop.remove_reader(sock.fileno())
            sock.close()  # the port: new connections are refused from here
        # An idle keep-alive connection may still carry a request sent before its
        # client saw the port close: it gets a moment, not the whole idle timeout.
        for idle in self.idle.values():
            idle.reschedule(min(idle.when() or 0, loop.time() + STOP_LINGER_SECONDS))
        deadline = loop.time() + self.cfg.graceful_timeout
        while self.connections and loop.time() < deadline:
            await asyncio.wait(set(self.connections), timeout=deadline - loop.time())
        for task in self.connections:
            task.cancel()
        heartbeat.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def begin(self) -> None:
        """What the connections share; made on the running loop."""
        self.stopping = asyncio.Event()
        self.executor = ThreadPoolExecutor(self.cfg.threads, thread_name_prefix="web")
        self.connections: set[asyncio.Task[None]] = set()
        # The connections waiting for a request's first byte, and their idle deadline.
        self.idle: dict[asyncio.Task[None], asyncio.Timeout] = {}
        self.date = HttpDate()

    async def heartbeat(self) -> None:
        while True:
            self.notify()
            if not self.alive or self.ppid != os.getppid():
                self.stopping.set()  # SIGQUIT, SIGINT or an arbiter that went away
            await asyncio.sleep(HEARTBEAT_SECONDS)

    def accept_one(self, listener: socket.socket) -> None:
        """One connection per wake-up of the shared port, not every one waiting (as
        asyncio's own server does): the workers all wake, and one that is busy answering
        comes later, so a burst of new connections spreads over them."""
        try:
            sock, _ = listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return  # another worker took it
        except OSError as error:  # out of descriptors: look again in a moment
            self.log.warning("cannot accept a connection: %s", error.strerror)
            loop = asyncio.get_running_loop()
            loop.remove_reader(listener.fileno())
            loop.call_later(1.0, loop.add_reader, listener.fileno(), self.accept_one, listener)
            return
        if len(self.connections) >= CONNECTION_LIMIT:
            sock.close()
            return
        sock.setblocking(False)
        task = asyncio.get_running_loop().create_task(self.connection(sock))
        self.connections.add(task)  # counted at once, so the stop waits for it
        task.add_done_callback(self.connections.discard)

    async def connection(self, sock: socket.socket) -> None:
        try:
            reader, writer = await asyncio.open_connection(sock=sock, limit=MAX_HEADER_BYTES)
        except OSError:
            sock.close()
            return
        try:
            await self.answer_requests(reader, writer)
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away, or was too slow: nothing is left to answer
        except Refused as refused:
            with contextlib.suppress(ConnectionError, TimeoutError):
                await self.write(writer, refused.status, refused.reason)
        finally:
            writer.close()

    async def answer_requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        server = writer.get_extra_info("sockname") or ("", 0)
        peer = writer.get_extra_info("peername")
        while True:
            first = await self.first_byte(reader)
            if not first:
                return
            head, body = await self.read_request(reader, writer, first)
            environ = environ_for(head, body, server, peer)
            loop = asyncio.get_running_loop()
            try:
                status, headers, content = await loop.run_in_executor(
                    self.executor, call_app, self.wsgi, environ
                )
            except Exception:
                self.log.exception("request failed inside the server")
                raise Refused(500, "internal error") from None
            keep_alive = head.keep_alive and not self.stopping.is_set()
            if head.method == "HEAD":
                content = b""
            await self.send(writer, status, headers, content, keep_alive)
            if not keep_alive:
                return

    async def first_byte(self, reader: asyncio.StreamReader) -> bytes:
        """The first byte of the next request, b"" when the client is gone, idle for
        IDLE_TIMEOUT_SECONDS, or the worker is stopping and none came meanwhile (`serve`
        then cuts every idle wait to STOP_LINGER_SECONDS)."""
        wait = STOP_LINGER_SECONDS if self.stopping.is_set() else IDLE_TIMEOUT_SECONDS
        task = asyncio.current_task()
        assert task is not None
        try:
            async with asyncio.timeout(wait) as idle:
                self.idle[task] = idle
                return await reader.read(1)
        except TimeoutError:
            return b""
        finally:
            self.idle.pop(task, None)

    async def read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, first: bytes
    ) -> tuple[Head, bytes]:
        deadline = asyncio.get_running_loop().time() + REQUEST_READ_SECONDS
        try:
            async with asyncio.timeout_at(deadline):
                try:
                    raw = first + await reader.readuntil(b"\r\n\r\n")
                except asyncio.LimitOverrunError:
                    raise Refused(431, "request head too large") from None
                except asyncio.IncompleteReadError as partial:
                    if len(first + partial.partial) > MAX_REQUEST_LINE_BYTES:
                        raise Refused(414, "request line too long") from None
                    raise
                head = parse_head(raw[:-4])
                length = head.content_length()
                if (
                    length
                    and head.minor == 1
                    and any(value.strip().lower() == "100-continue" for value in head.get("expect"))
                ):
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for it
                body = await reader.readexactly(length) if length else b""
        except TimeoutError:
            raise Refused(408, "request not sent in time") from None
        return head, body

    async def send(
        self,
        writer: asyncio.StreamWriter,
        status: str,
        headers: list[tuple[str, str]],
        content: bytes,
        keep_alive: bool,
    ) -> None:
        lines = [f"HTTP/1.1 {status}", f"Date: {self.date.now()}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if not any(name.lower() == "content-length" for name, _ in headers):
            lines.append(f"Content-Length: {len(content)}")
        lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + content)
        async with asyncio.timeout(REQUEST_READ_SECONDS):
            await writer.drain()

    async def write(self, writer: asyncio.StreamWriter, status: int, reason: str) -> None:
        body = reason.encode()
        headers = [("Content-Type", "text/plain; charset=utf-8")]
        await self.send(writer, f"{status} {REASONS[status]}", headers, body, keep_alive=False)
