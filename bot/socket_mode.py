"""Socket Mode: Slack's requests over a WebSocket the bot opens, checked as the HTTP
edge checks them, and the connection's opening (`apps.connections.open` is Tier 1)."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.front import FrontServer
from bot.gunicorn_front import die_with_parent, forget_process_metrics
from bot.http_server import SlackWsgi, request_kind
from bot.request_checks import socket_mode_payload
from bot.startup_checks import StartupError
from flashticket_core import metrics
from flashticket_core.metrics import RequestKind, RequestOutcome

log = logging.getLogger("flashticket")

# apps.connections.open is Tier 1: a 429 waits its Retry-After (at most this long, this
# long when it names none), this many tries in all before the front tries again later.
SOCKET_MODE_OPEN_ATTEMPTS = 5
SOCKET_MODE_RETRY_AFTER_MAX = 60.0
SOCKET_MODE_RETRY_AFTER_DEFAULT = 30.0
# Slack keeps at most this many Socket Mode connections open per app.
SOCKET_MODE_CONNECTION_LIMIT = 10
# The exit code of a front process that could not start (one line says why).
STARTUP_FAILED = 2
# A Socket Mode worker that ends sooner than this after starting is started again this
# long after it started: a worker that keeps failing is retried once a second, not in a loop.
SOCKET_WORKER_RESTART_SECONDS = 1.0
# A worker gets this long to close its connection after SIGTERM.
GRACEFUL_SECONDS = 25


class CheckedSocketModeHandler(SocketModeHandler):
    """Socket Mode with the HTTP edge's checks: a payload of a shape the bot cannot
    handle is acknowledged and dropped with a log line, never handed to Bolt."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        checked = socket_mode_payload(str(req.type), req.payload)
        if isinstance(checked, str):
            metrics.count_request(RequestOutcome.REFUSED)
            log.info("refused a Socket Mode %s request: %s", str(req.type)[:40], checked)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        req.payload = checked
        start = time.time()
        started = time.perf_counter()
        response = run_bolt_app(self.app, req)
        kind = RequestKind.COMMAND if req.type == "slash_commands" else request_kind(checked)
        metrics.observe_ack(kind, time.perf_counter() - started)
        metrics.count_request(metrics.outcome_of_status(response.status))
        if response.status == 200:
            send_response(client, req, response, start)
        else:
            # Bolt's adapter leaves a request no listener wants unanswered, and Slack
            # would send it again and again: acknowledge it, as the HTTP edge answers it.
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))


class SlackBusy(Exception):
    """Slack kept answering `apps.connections.open` with 429: try again later, no reason
    to stop."""


def connection_url(
    client: WebClient, app_token: str, *, sleep: Callable[[float], None] = time.sleep
) -> str:
    """A Socket Mode URL from `apps.connections.open` (Tier 1: Slack answers a burst with
    429). A 429 waits its Retry-After and asks again, SOCKET_MODE_OPEN_ATTEMPTS times
    in all; then SlackBusy. Any other refusal is a SlackApiError."""
    for attempt in range(1, SOCKET_MODE_OPEN_ATTEMPTS + 1):
        try:
            url = client.apps_connections_open(app_token=app_token).get("url")
        except SlackApiError as error:
            if error.response.status_code != 429:
                raise
            wait = _retry_after(error.response.headers)
            log.warning(
                "Slack asks to wait %.0f s before opening a Socket Mode connection "
                "(attempt %s of %s)",
                wait,
                attempt,
                SOCKET_MODE_OPEN_ATTEMPTS,
            )
            if attempt < SOCKET_MODE_OPEN_ATTEMPTS:
                sleep(wait)
            continue
        if not isinstance(url, str):
            raise SlackBusy("apps.connections.open answered without a URL")
        return url
    raise SlackBusy("apps.connections.open answered 429 each time")


def _retry_after(headers: Any) -> float:
    found = {str(k).lower(): v for k, v in dict(headers or {}).items()}.get("retry-after")
    value = found[0] if isinstance(found, list) and found else found
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = SOCKET_MODE_RETRY_AFTER_DEFAULT
    return min(max(seconds, 0.0), SOCKET_MODE_RETRY_AFTER_MAX)


def open_socket_mode(app: App, app_token: str, *, url: str | None = None) -> SocketModeHandler:
    """Connect out to Slack, or say in one line why not (SlackBusy: Slack asks to wait).
    `url`: one `apps.connections.open` gave already, used first instead of asking again."""
    handler = CheckedSocketModeHandler(app, app_token)
    try:
        handler.client.wss_uri = url or connection_url(handler.client.web_client, app_token)
        try:
            handler.connect()  # type: ignore[no-untyped-call]
        except OSError:
            if url is None:
                raise
            # The URL handed on was used up meanwhile: ask for a fresh one.
            handler.client.wss_uri = connection_url(handler.client.web_client, app_token)
            handler.connect()  # type: ignore[no-untyped-call]
    except SlackBusy:
        handler.close()  # type: ignore[no-untyped-call]
        raise
    except SlackApiError as error:
        handler.close()  # type: ignore[no-untyped-call]
        reason = error.response.get("error")
        raise StartupError(f"Slack refused SLACK_APP_TOKEN: {reason}") from None
    except OSError as error:
        handler.close()  # type: ignore[no-untyped-call]
        reason = " ".join(str(error).split())[:200]
        raise StartupError(f"cannot open Slack's Socket Mode connection: {reason}") from None
    if not handler.client.is_connected():
        handler.close()  # type: ignore[no-untyped-call]
        raise StartupError("cannot open the Socket Mode connection Slack offered (WebSocket)")
    return handler


def check_app_token(client: WebClient, app_token: str) -> str | None:
    """Socket Mode: Slack takes the app-level token (`apps.connections.open`), checked
    before the front process opens its own connection. The URL it gave, for the first
    connection (None: Slack asked to wait; the front asks again, later)."""
    try:
        return connection_url(client, app_token)
    except SlackBusy as error:
        log.warning("could not check SLACK_APP_TOKEN yet: %s", error)
        return None
    except SlackApiError as error:
        raise StartupError(
            f"Slack refused SLACK_APP_TOKEN: {error.response.get('error')}"
        ) from None
    except OSError as error:
        reason = " ".join(str(error).split())[:200]
        raise StartupError(f"cannot open Slack's Socket Mode connection: {reason}") from None


def serve_socket_mode(
    wsgi: SlackWsgi,
    app_token: str,
    listener: socket.socket,
    connected: Callable[[], None],
    first_url: Callable[[], str | None],
) -> None:
    """One Socket Mode worker until SIGTERM: its connection to Slack (`first_url`: one
    `apps.connections.open` gave already, if any is left), and /healthz and /metrics on
    the port the workers share."""
    http = FrontServer(wsgi, listener=listener)
    while True:
        try:
            handler = open_socket_mode(wsgi.app, app_token, url=first_url())
            break
        except StartupError as error:
            log.error("%s", error)
            sys.exit(STARTUP_FAILED)
        except SlackBusy as error:
            # A 429 never stops serve: asked again after Retry-After, once more.
            log.warning("Socket Mode connection not open yet: %s", error)
    connected()

    def close() -> None:
        handler.close()  # type: ignore[no-untyped-call]
        http.stop()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=close, name="stop").start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    http.serve_forever()


def run_socket_mode_workers(
    count: int,
    run: Callable[[Callable[[], None]], None],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Fork `count` processes that each `run` a Socket Mode connection; Slack hands each
    payload to one of an app's connections, so a burst's acks use every core and one
    connection being renewed leaves the others taking payloads.

    Workers open their connections one after another: the next starts when the one
    before called `connected()` (or ended). Each asks `apps.connections.open` for its URL,
    which Slack rates Tier 1, so a burst of them would be answered 429.

    A worker that ends by itself is replaced, as gunicorn replaces a web worker (one that
    ended within SOCKET_WORKER_RESTART_SECONDS of starting, that much later on `clock`),
    unless it could not start (exit code 2, a StartupError, its line already logged):
    that stops them all. SIGTERM is passed on and waited for. The exit code: 0 after a
    SIGTERM, 1 after a worker that could not start."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stopping, stop_signal = os.pipe()
    os.set_blocking(stop_signal, False)
    connected_read, connected_write = os.pipe()
    os.set_blocking(connected_read, False)

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            os.write(stop_signal, b"\0")

    signal.signal(signal.SIGTERM, on_term)
    context = multiprocessing.get_context("fork")
    workers: dict[int, multiprocessing.process.BaseProcess] = {}
    started: dict[int, float] = {}
    due: dict[int, float] = dict.fromkeys(range(1, count + 1), 0.0)  # to start
    opening: int | None = None  # the worker opening its connection, if any
    failed = False
    while not failed:
        now = clock()
        ready_to_start = sorted(number for number, at in due.items() if at <= now)
        if opening is None and ready_to_start:
            number = ready_to_start[0]
            del due[number]
            workers[number] = context.Process(
                target=_socket_mode_worker,
                args=(run, number, connected_write),
                name=f"flashticket-socket-{number}",
            )
            workers[number].start()
            started[number] = now
            opening = number
        timeout = max(0.0, min(due.values()) - now) if due and opening is None else None
        ready = wait(
            [
                stopping,
                connected_read,
                *(worker.sentinel for worker in workers.values()),
            ],
            timeout,
        )
        if stopping in ready:
            break
        if connected_read in ready:
            with contextlib.suppress(BlockingIOError):
                if opening is not None and opening in os.read(connected_read, 64):
                    opening = None
        for number, worker in list(workers.items()):
            if worker.sentinel not in ready:
                continue
            worker.join()  # its sentinel can be ready a moment before its exit status
            del workers[number]
            if opening == number:
                opening = None
            forget_process_metrics(worker.pid)
            if worker.exitcode == STARTUP_FAILED:
                log.error("a Socket Mode worker could not start: stopping")
                failed = True
                continue
            log.warning(
                "Socket Mode worker %s ended (exit code %s): starting another",
                number,
                worker.exitcode,
            )
            soon = started[number] + SOCKET_WORKER_RESTART_SECONDS
            due[number] = soon if clock() < soon else 0.0
    for worker in workers.values():
        if worker.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid or 0, signal.SIGTERM)
    for worker in workers.values():
        worker.join(GRACEFUL_SECONDS)
        if worker.exitcode is None:
            log.warning("a Socket Mode worker did not stop in time: killing it")
            worker.kill()
            worker.join()
        forget_process_metrics(worker.pid)
    return 1 if failed else 0


def _socket_mode_worker(
    run: Callable[[Callable[[], None]], None], number: int, connected: int
) -> None:
    die_with_parent()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def say_connected() -> None:
        with contextlib.suppress(OSError):
            os.write(connected, bytes([number]))

    run(say_connected)
