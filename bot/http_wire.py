"""HTTP/1.1 on the wire, for the front (bot/front.py): a request's head parsed and
bounded, the WSGI environ of a request read whole, an application's answer collected."""

from __future__ import annotations

import io
import re
import sys
import time
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes

from bot.request_checks import MAX_BODY_BYTES

# gunicorn's bounds on a request line and on one header field.
MAX_REQUEST_LINE_BYTES = 8190
MAX_HEADER_FIELD_BYTES = 8190
MAX_HEADER_FIELDS = 100

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
