"""FlashTicket's one HTTP server: asyncio reads each request whole, with deadlines, and
only then hands it to a thread that runs the WSGI application (bot/http_server.py).

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
    answering    the WSGI application on one of its threads; the answer is written
                 within REQUEST_READ_SECONDS, or the connection closed
    limit        at most CONNECTION_LIMIT connections per worker: at the limit it stops
                 accepting until one ends (the next wait in the port's backlog, or go to
                 another worker)

`Front` is one worker's loop. `flashticket serve` runs it in each of gunicorn's workers
(bot/gunicorn_front.py); everything in one process (the tests, the benches) runs one
`FrontServer`: the same loop on a thread of its own.

Stopping: the worker stops accepting (the port is closed), answers the requests it is
reading or running with "Connection: close", gives an idle keep-alive connection
STOP_LINGER_SECONDS for a request already on its way, and ends when they are done
(at most `graceful_timeout`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.http_server import WsgiApp, call_app
from bot.http_wire import (
    MAX_REQUEST_LINE_BYTES,
    REASONS,
    Head,
    HttpDate,
    Refused,
    environ_for,
    parse_head,
)

log = logging.getLogger("flashticket.http")

# A request's head and body arrive within this long of its first byte, or it gets 408.
REQUEST_READ_SECONDS = 10
# An idle connection costs a socket, not a thread, so many are allowed.
CONNECTION_LIMIT = 500
# A connection that sends nothing for this long is closed (a request being answered is
# never cut short); Slack sends each request at once and waits 3 s for the answer.
IDLE_TIMEOUT_SECONDS = 20
# Slack's headers are well under 4 KiB.
MAX_HEADER_BYTES = 64 * 1024
# After a stop an idle keep-alive connection may still carry a request its client sent
# before it saw the port close.
STOP_LINGER_SECONDS = 1.0
# The threads of the front in one process (tests, benches): a request that waits on
# Slack (views.open) leaves the others theirs.
IN_PROCESS_THREADS = 16
# A stop in one process lets the requests in flight finish for at most this long.
IN_PROCESS_GRACEFUL_SECONDS = 10.0


class Front:
    """One worker: an asyncio loop reads, a thread pool runs the application."""

    def __init__(
        self,
        wsgi: WsgiApp,
        *,
        threads: int,
        graceful_timeout: float,
        log: Any = log,
        connection_limit: int = CONNECTION_LIMIT,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    ) -> None:
        self.wsgi = wsgi
        self.threads = threads
        self.graceful_timeout = graceful_timeout
        self.log = log
        self.connection_limit = connection_limit
        self.idle_timeout = idle_timeout
        self.begin()

    def begin(self) -> None:
        """What the connections share (asyncio binds its objects to the loop that first
        waits on them)."""
        self.stopping = asyncio.Event()
        self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="web")
        self.connections: set[asyncio.Task[None]] = set()
        # The connections waiting for a request's first byte, and their idle deadline.
        self.idle: dict[asyncio.Task[None], asyncio.Timeout] = {}
        self.date = HttpDate()
        # Listening sockets not watched while the worker is at its connection limit.
        self.paused: list[socket.socket] = []

    async def serve(self, listeners: list[socket.socket]) -> None:
        """Accept on `listeners` until `stopping` is set, then stop gracefully."""
        loop = asyncio.get_running_loop()
        for sock in listeners:
            sock.setblocking(False)
            loop.add_reader(sock.fileno(), self.accept_one, sock)
        await self.stopping.wait()
        for sock in listeners:
            loop.remove_reader(sock.fileno())
            sock.close()  # the port: new connections are refused from here
        # An idle keep-alive connection may still carry a request sent before its
        # client saw the port close: it gets a moment, not the whole idle timeout.
        for idle in self.idle.values():
            idle.reschedule(min(idle.when() or 0, loop.time() + STOP_LINGER_SECONDS))
        deadline = loop.time() + self.graceful_timeout
        while self.connections and loop.time() < deadline:
            await asyncio.wait(set(self.connections), timeout=deadline - loop.time())
        for task in self.connections:
            task.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def accept_one(self, listener: socket.socket) -> None:
        """One connection per wake-up of the shared port, not every one waiting (as
        asyncio's own server does): the workers all wake, and one that is busy answering
        comes later, so a burst of new connections spreads over them."""
        loop = asyncio.get_running_loop()
        try:
            sock, _ = listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return  # another worker took it
        except OSError as error:  # out of descriptors: look again in a moment
            self.log.warning("cannot accept a connection: %s", error.strerror)
            loop.remove_reader(listener.fileno())
            loop.call_later(1.0, loop.add_reader, listener.fileno(), self.accept_one, listener)
            return
        sock.setblocking(False)
        task = loop.create_task(self.connection(sock))
        self.connections.add(task)  # counted at once, so the stop waits for it
        task.add_done_callback(self.ended)
        if len(self.connections) >= self.connection_limit:
            loop.remove_reader(listener.fileno())
            self.paused.append(listener)

    def ended(self, task: asyncio.Task[None]) -> None:
        self.connections.discard(task)
        if self.paused and not self.stopping.is_set():
            loop = asyncio.get_running_loop()
            for listener in self.paused:
                loop.add_reader(listener.fileno(), self.accept_one, listener)
            self.paused.clear()

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
        the idle timeout, or the worker is stopping and none came meanwhile (`serve`
        then cuts every idle wait to STOP_LINGER_SECONDS)."""
        wait = STOP_LINGER_SECONDS if self.stopping.is_set() else self.idle_timeout
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


class FrontServer:
    """The front in this process: one worker's loop on a thread of its own (`start`), or
    on the calling thread (`serve_forever`), until `stop`."""

    def __init__(
        self,
        wsgi: WsgiApp,
        *,
        host: str = "",
        port: int = 0,
        listener: socket.socket | None = None,
        threads: int = IN_PROCESS_THREADS,
        connection_limit: int = CONNECTION_LIMIT,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    ) -> None:
        self.wsgi = wsgi
        # On a socket already listening (shared by processes), or on host and port.
        self.listener = (
            listener if listener is not None else socket.create_server((host, port), backlog=2048)
        )
        self.front = Front(
            wsgi,
            threads=threads,
            graceful_timeout=IN_PROCESS_GRACEFUL_SECONDS,
            connection_limit=connection_limit,
            idle_timeout=idle_timeout,
        )
        self.port: int = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = False
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        try:
            asyncio.run(self._serve())
        finally:
            self._done.set()

    async def _serve(self) -> None:
        with self._lock:
            if self._stopped:
                self.listener.close()
                return
            self._loop = asyncio.get_running_loop()
        await self.front.serve([self.listener])

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, let the requests in flight finish (bounded), then end."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            loop = self._loop
        if loop is None:
            if self._thread is None:
                self.listener.close()  # never served
            return
        with contextlib.suppress(RuntimeError):  # the loop already ended
            loop.call_soon_threadsafe(self.front.stopping.set)
        self._done.wait(IN_PROCESS_GRACEFUL_SECONDS + STOP_LINGER_SECONDS + 1)
