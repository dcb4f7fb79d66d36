"""The web worker's connections (bot/front.py) over loopback, without gunicorn around
them: pipelining, keep-alive and its end, HEAD, Expect: 100-continue, and a body too
large refused unread. Whole `flashticket serve` under idle and slow clients:
tests/e2e/test_production_server.py."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

from bot.front import Front
from bot.request_checks import MAX_BODY_BYTES


def exchange(raw: bytes) -> bytes:
    """`raw` sent to a worker's connection handling over loopback (no gunicorn around
    it), the client's side shut after it; everything the worker answers until it closes."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {body!r}".encode()]

    async def run() -> bytes:
        worker = Front(app, threads=1, graceful_timeout=5, log=logging.getLogger("test"))
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setblocking(False)
        asyncio.get_running_loop().add_reader(listener.fileno(), worker.accept_one, listener)
        port = listener.getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        asyncio.get_running_loop().remove_reader(listener.fileno())
        listener.close()
        return answer

    return asyncio.run(run())


def test_pipelined_requests_are_answered_in_order_and_http_1_0_is_closed_after_one() -> None:
    answer = exchange(
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
        b"HEAD /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        b"GET /never HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert answer.count(b"HTTP/1.1 200 OK") == 3
    assert b"GET /a b''" in answer
    assert b"POST /b b'xyz'" in answer
    assert b"HEAD" not in answer  # a HEAD's answer has no body
    assert b"/never" not in answer
    assert answer.endswith(b"Connection: close\r\n\r\n")
    one = exchange(b"GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n")
    assert one.count(b"HTTP/1.1 200 OK") == 1


def test_expect_100_continue_is_answered_before_the_body_and_a_large_body_is_not_read() -> None:
    answer = exchange(
        b"POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
        b"Connection: close\r\n\r\nok"
    )
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")
    refused = exchange(
        b"POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
    )
    assert refused.startswith(b"HTTP/1.1 413 Payload Too Large")
