"""The HTTP edge: the WSGI application the front (bot/front.py) runs for each request.

POST /slack/events  slash commands, interactivity and events (checked by bot.request_checks first)
GET  /healthz       200 while the database answers, else 503
GET  /metrics       Prometheus text format (flashticket_core.metrics), unless turned off;
                    no secret and no ticket text, but meant for the monitoring network only
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from prometheus_client import CollectorRegistry
from slack_bolt import App, BoltRequest
from sqlalchemy import Engine, text

from bot.request_checks import MAX_BODY_BYTES, Checked, Rejection, verify
from flashticket_core import metrics
from flashticket_core.log_context import bound
from flashticket_core.metrics import RequestKind, RequestOutcome

log = logging.getLogger("flashticket.http")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call_app(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run a WSGI application on one of the front's threads: its status, headers and
    whole body."""
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


class SlackWsgi:
    """The WSGI application in front of Bolt."""

    def __init__(
        self,
        app: App,
        engine: Engine,
        signing_secret: str | None,
        *,
        metrics_registry: CollectorRegistry | None = None,
    ) -> None:
        self.app = app
        self.engine = engine
        self.signing_secret = signing_secret
        # What GET /metrics shows; None answers it 404.
        self.metrics_registry = metrics_registry

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self.handle(environ)
        except Exception:
            log.exception("request failed inside the server")
            status, headers, body = 500, [("Content-Type", "text/plain")], b"internal error"
        headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(f"{status} {REASONS.get(status, 'Status')}", headers)
        return [body]

    def handle(self, environ: Environ) -> tuple[int, list[tuple[str, str]], bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz":
            return self.health() if method in ("GET", "HEAD") else _plain(405, "GET only")
        if path == "/metrics" and self.metrics_registry is not None:
            return self.metrics() if method in ("GET", "HEAD") else _plain(405, "GET only")
        if path != "/slack/events" or self.signing_secret is None:
            return _plain(404, "not found")
        if method != "POST":
            return _plain(405, "POST only")
        with bound(request_id=uuid.uuid4().hex[:12]):
            started = time.perf_counter()
            try:
                answer = self.handle_slack(environ, started)
            except Exception:
                metrics.count_request(RequestOutcome.SERVER_ERROR)
                raise
            return answer

    def handle_slack(
        self, environ: Environ, started: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self.signing_secret is not None
        body = _read_body(environ)
        if isinstance(body, Rejection):
            metrics.count_request(RequestOutcome.REFUSED)
            return _plain(body.status, body.reason)
        headers = _headers(environ)
        checked = verify(headers, body, self.signing_secret)
        if isinstance(checked, Rejection):
            metrics.count_request(RequestOutcome.REFUSED)
            log.info("rejected request: %s %s", checked.status, checked.reason)
            return _plain(checked.status, checked.reason)
        answer = self.dispatch(checked, headers)
        metrics.observe_ack(request_kind(checked.body), time.perf_counter() - started)
        metrics.count_request(metrics.outcome_of_status(answer[0]))
        return answer

    def dispatch(
        self, checked: Checked, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        with bound(actor=actor_of(checked.body)):
            response = self.app.dispatch(_bolt_request(checked, headers, self.app.logger))
        if response.status == 404 and checked.body.get("type") == "event_callback":
            # An event no listener wants: Slack resends events until it gets a 2xx, and
            # turns off the subscription of an app that keeps failing them.
            return 200, [("Content-Type", "text/plain; charset=utf-8")], b""
        out_headers = [
            (name, value)
            for name, values in response.headers.items()
            for value in values
            if name.lower() != "content-length"
        ]
        return response.status, out_headers, response.body.encode("utf-8")

    def health(self) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("health check: database unreachable: %s", type(error).__name__)
            return _json(503, {"status": "database unreachable"})
        return _json(200, {"status": "ok"})

    def metrics(self) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self.metrics_registry is not None
        body = metrics.exposition(self.metrics_registry)
        return 200, [("Content-Type", metrics.CONTENT_TYPE)], body


# An interaction's `type`, as the ack-latency histogram names it.
INTERACTION_KINDS = {
    "block_actions": RequestKind.ACTION,
    "interactive_message": RequestKind.ACTION,
    "view_submission": RequestKind.VIEW_SUBMISSION,
    "view_closed": RequestKind.VIEW_SUBMISSION,
    "shortcut": RequestKind.SHORTCUT,
    "message_action": RequestKind.SHORTCUT,
    "block_suggestion": RequestKind.OPTIONS,
    "dialog_suggestion": RequestKind.OPTIONS,
    "event_callback": RequestKind.EVENT,
    "url_verification": RequestKind.EVENT,
}


def request_kind(body: dict[str, Any]) -> RequestKind:
    """What a checked payload is: a slash command's form has `command`; everything
    else names its kind in `type`."""
    if "command" in body:
        return RequestKind.COMMAND
    kind = body.get("type")
    return (
        INTERACTION_KINDS.get(kind, RequestKind.OTHER)
        if isinstance(kind, str)
        else RequestKind.OTHER
    )


def actor_of(body: dict[str, Any]) -> str | None:
    """The Slack user a checked payload is from, for the log: a slash command's
    `user_id`, an interaction's `user.id`, an event's `user`."""
    user = body.get("user_id") or body.get("user") or body.get("event", {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) else None


def _bolt_request(checked: Checked, headers: dict[str, str], logger: logging.Logger) -> BoltRequest:
    """Bolt gets the payload the edge checked, not the text to parse again its own way
    (it takes any form whose text contains "payload" for an interaction, for one)."""
    bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
    # Bolt accepts a parsed body only in Socket Mode; it then still verifies the
    # signature of the text, as for any request over HTTP. Its context needs a logger
    # from the start: it logs while reading a modal's several response_urls.
    request = BoltRequest(
        body=checked.body,
        headers=bolt_headers,
        context={"logger": logger},
        mode="socket_mode",
    )
    request.mode = "http"
    request.raw_body = checked.text
    return request


def _plain(status: int, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")], message.encode()


def _json(status: int, data: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(data).encode()


def _read_body(environ: Environ) -> bytes | Rejection:
    length_header = environ.get("CONTENT_LENGTH") or ""
    if not length_header.isdigit():
        return Rejection(411, "Content-Length required")
    length = int(length_header)
    if length > MAX_BODY_BYTES:
        return Rejection(413, "body too large")
    body: bytes = environ["wsgi.input"].read(length)
    return body


def _headers(environ: Environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers
