"""`flashticket serve` on several processes: Slack's requests on every core, the delivery
worker and the scheduler beside them instead of under the same interpreter lock.

    flashticket serve                     the back office (this process)
    │  checks Slack and the settings, migrates, binds the port, then runs the
    │  delivery worker and the scheduler (outbox, timers, digest, housekeeping)
    └── front                             a process of its own
        ├── HTTP: gunicorn's arbiter (bot/gunicorn_front.py), which forks
        │   FLASHTICKET_WEB_WORKERS workers; each one has its own core and Bolt app, reads
        │   requests whole on the front's asyncio loop (bot/front.py) and answers them on
        │   FLASHTICKET_WEB_THREADS threads (POST /slack/events, /healthz, /metrics)
        └── Socket Mode: FLASHTICKET_WEB_WORKERS processes (at most 10, Slack's limit per
            app; bot/socket_mode.py), each with its own WebSocket to Slack, which spreads
            its payloads over them, and the front's loop answering /healthz and /metrics
            on the shared port

Each process builds its parts with the composition root (bot/composition.py). A front
process that commits outbox messages writes a byte to the wake pipe; the back office
reads it and wakes its delivery worker, as a commit does in one process.

SIGTERM or SIGINT to `flashticket serve`: the front stops taking requests and finishes
those in flight (gunicorn's graceful stop), then the scheduler and the delivery worker
stop as `bot.composition.Running.stop` stops them. The front lives in a process group of its
own, so a terminal's Ctrl-C reaches it only through that order; on Linux it also dies
with the back office (PR_SET_PDEATHSIG), so a killed `serve` leaves no process behind
holding the port.
"""

from __future__ import annotations

import contextlib
import errno
import faulthandler
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

from slack_sdk import WebClient

from bot.composition import HelpDeskParts
from bot.gunicorn_front import (
    GRACEFUL_SECONDS,
    GunicornFront,
    die_with_parent,
    gunicorn_options,
    web_workers,
)
from bot.settings import Settings
from bot.slack_checks import web_client
from bot.socket_mode import (
    SOCKET_MODE_CONNECTION_LIMIT,
    run_socket_mode_workers,
    serve_socket_mode,
)
from bot.startup_checks import StartupError
from flashticket_core.bootstrap import bootstrap

log = logging.getLogger("flashticket")

# A port the previous `serve` still holds as it stops is tried again for this long.
BIND_RETRY_SECONDS = 3.0
# The back office's scheduling priority below the front's (see `serve`); bench/
# http_bench.py: create p99 at 64 in flight 670 and 613 ms against 729 and 740 at 0.
BACK_OFFICE_NICENESS = 10


class WakePipe:
    """One byte per commit from any front process; the back office's reader wakes the
    delivery worker. A full pipe already holds a wake, so a write never blocks."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def send(self) -> None:
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self._write, b"\0")

    def listen(self, wake: Callable[[], None]) -> None:
        def read() -> None:
            while True:
                try:
                    data = os.read(self._read, 4096)
                except OSError:
                    return
                if not data:
                    return
                wake()

        threading.Thread(target=read, name="wake-pipe", daemon=True).start()

    def close_reader(self) -> None:
        os.close(self._read)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, made here so a port in use is one clear line at once; a
    `serve` that is still stopping gets a moment to let go of it."""
    deadline = time.monotonic() + BIND_RETRY_SECONDS
    while True:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((host, port))
            listener.listen(2048)
        except OSError as error:
            listener.close()
            if error.errno == errno.EADDRINUSE and time.monotonic() < deadline:
                time.sleep(0.1)  # another process holds the port: nothing to wait on but it
                continue
            raise StartupError(f"cannot listen on port {port}: {error.strerror}") from None
        listener.set_inheritable(True)
        return listener


def front_parts(settings: Settings, wake: WakePipe) -> HelpDeskParts:
    """A front process's (or web worker's) own core and Slack client, built after the
    fork; its commits wake the back office."""
    core = bootstrap(settings, support_channel=settings.flashticket_support_channel)
    core.committed_listeners.append(wake.send)
    return HelpDeskParts.of(settings, core, web_client(settings))


def run_front(
    settings: Settings,
    signing_secret: str | None,
    listener: socket.socket,
    wake: WakePipe,
    first_url: Callable[[], str | None],
) -> None:
    """The front process: gunicorn over HTTP, or the Socket Mode connections."""
    os.setpgid(0, 0)
    die_with_parent()
    wake.close_reader()
    app_token = settings.slack_app_token
    if app_token is None:
        build = lambda: front_parts(settings, wake).front(signing_secret)  # noqa: E731
        GunicornFront(gunicorn_options(settings, listener), build).run()
        return

    def run(connected: Callable[[], None]) -> None:
        wsgi = front_parts(settings, wake).front(None)
        serve_socket_mode(wsgi, app_token.get_secret_value(), listener, connected, first_url)

    count = min(web_workers(settings), SOCKET_MODE_CONNECTION_LIMIT)
    if count == 1:
        run(lambda: None)
    else:
        sys.exit(run_socket_mode_workers(count, run))


def back_office(settings: Settings, client: WebClient, wake: WakePipe) -> Callable[[], None]:
    """The delivery worker and the scheduler, woken by the front's commits; returns what
    stops them."""
    core = bootstrap(settings, support_channel=settings.flashticket_support_channel)
    office = HelpDeskParts.of(settings, core, client).back_office()
    wake.listen(office.worker.wake)

    def stop() -> None:
        office.stop()
        core.close()

    return stop


def serve(
    settings: Settings,
    client: WebClient,
    signing_secret: str | None,
    *,
    host: str,
    first_url: Callable[[], str | None],
) -> None:
    """Fork the front, run the back office here until a signal or the front's end.
    `client` and `signing_secret`: the start-up checks'; `first_url`: a Socket Mode URL
    the checks got, for the first connection."""
    # `kill -USR1` shows where each of the back office's threads is (on stderr), for a
    # delivery that seems stuck; the process goes on. (The front's gunicorn arbiter
    # takes SIGUSR1 for itself: it reopens its log files.)
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    listener = bind(host, settings.port)
    wake = WakePipe()
    front = multiprocessing.get_context("fork").Process(
        target=run_front,
        args=(settings, signing_secret, listener, wake, first_url),
        name="flashticket-front",
    )
    front.start()
    port = listener.getsockname()[1]
    listener.close()  # the front listens; this process only delivers
    # Under a burst the cores go to acknowledging Slack, which allows 3 s, before
    # delivering, which may wait: the back office yields to the front.
    with contextlib.suppress(OSError):
        os.nice(BACK_OFFICE_NICENESS)
    # From here a signal stops both processes in order, also one that comes while the
    # back office is still starting.
    stopping, stop_signal = os.pipe()
    os.set_blocking(stop_signal, False)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: shutting down", signum)
        with contextlib.suppress(OSError):
            os.write(stop_signal, b"\0")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # The kernel may hand a signal to any of this process's threads (the delivery worker,
    # the scheduler), and Python runs `on_signal` only once the main thread runs again:
    # it waits below with no timeout, so it might never. The wakeup fd makes the signal
    # itself write to the pipe, whichever thread it reached, and the wait ends at once.
    signal.set_wakeup_fd(stop_signal, warn_on_full_buffer=False)
    stop_back_office = back_office(settings, client, wake)
    log.info("FlashTicket listening on port %s", port)
    ready = wait([front.sentinel, stopping])
    failed = front.sentinel in ready
    if failed:
        front.join()  # its sentinel can be ready a moment before its exit status
        log.error("the front process ended (exit code %s): stopping", front.exitcode)
    else:
        # gunicorn's graceful stop: no new connections, the requests in flight finish.
        with contextlib.suppress(ProcessLookupError):
            os.kill(front.pid or 0, signal.SIGTERM)
        front.join(GRACEFUL_SECONDS + 5)
        if front.exitcode is None:
            log.warning("the front did not stop in time: killing it")
            front.kill()
            front.join()
    stop_back_office()
    log.info("stopped")
    if failed:
        sys.exit(1)
