"""`flashticket serve` on several processes: Slack's requests on every core, the delivery
worker and the scheduler beside them instead of under the same interpreter lock.

    flashticket serve                     the back office (this process)
    │  checks Slack and the settings, migrates, binds the port, then runs the
    │  delivery worker and the scheduler (outbox, timers, digest, housekeeping)
    └── front                             a process of its own
        ├── HTTP: gunicorn's arbiter, which forks FLASHTICKET_WEB_WORKERS workers;
        │   each one has its own core and Bolt app, reads requests whole on an asyncio
        │   loop (bot/front.py) and answers them on FLASHTICKET_WEB_THREADS threads
        │   (POST /slack/events, GET /healthz, GET /metrics)
        └── Socket Mode: FLASHTICKET_WEB_WORKERS processes (at most 10, Slack's limit per
            app), each with its own WebSocket to Slack, which spreads its payloads over
            them, and answering /healthz and /metrics on the shared port

A front process that commits outbox messages writes a byte to the wake pipe; the back
office reads it and wakes its delivery worker, as a commit does in one process.

SIGTERM or SIGINT to `flashticket serve`: the front stops taking requests and finishes
those in flight (gunicorn's graceful stop), then the scheduler and the delivery worker
stop as `bot.serve.Running.stop` stops them. The front lives in a process group of its
own, so a terminal's Ctrl-C reaches it only through that order; on Linux it also dies
with the back office (PR_SET_PDEATHSIG), so a killed `serve` leaves no process behind
holding the port.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
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

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from bot.http_server import SlackWsgi
from bot.startup_checks import StartupError
from flashticket_core import metrics
from flashticket_core.config import Settings

log = logging.getLogger("flashticket")

# A request in flight gets this long to finish after SIGTERM.
GRACEFUL_SECONDS = 25
# A port the previous `serve` still holds as it stops is tried again for this long.
BIND_RETRY_SECONDS = 3.0
PR_SET_PDEATHSIG = 1
# The back office's scheduling priority below the front's (see `serve`); bench/
# http_bench.py: create p99 at 64 in flight 670 and 613 ms against 729 and 740 at 0.
BACK_OFFICE_NICENESS = 10
# A web worker's threads hand the interpreter lock on after 1 ms instead of 5: a thread
# back from SQLite (which lets go of the lock for each statement) while holding the
# writer gate waits less for it, and so do the writers queued behind it. bench/
# http_bench.py: create p99 at 64 in flight 608 and 709 ms against 788 and 863.
WEB_SWITCH_INTERVAL = 0.001
# Slack keeps at most this many Socket Mode connections open per app.
SOCKET_MODE_CONNECTION_LIMIT = 10
# The exit code of a front process that could not start (one line says why).
STARTUP_FAILED = 2
# A Socket Mode worker that ends sooner than this after starting is started again this
# long after it started: a worker that keeps failing is retried once a second, not in a loop.
SOCKET_WORKER_RESTART_SECONDS = 1.0


def web_workers(settings: Settings) -> int:
    """FLASHTICKET_WEB_WORKERS, or one per core this process may run on."""
    if settings.flashticket_web_workers > 0:
        return settings.flashticket_web_workers
    return max(1, len(os.sched_getaffinity(0)))


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


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the one that forked it ends."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class QuietGunicornLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's messages go through FlashTicket's logging (plain or JSON), warnings and
    worse only; no access log, which would name every request."""

    def setup(self, cfg: Any) -> None:
        self.cfg = cfg
        self._access_log_enabled = False
        self.loglevel = logging.WARNING
        for name in ("gunicorn.error", "gunicorn.access"):
            logger = logging.getLogger(name)
            logger.propagate = True
            logger.setLevel(logging.WARNING)


class GunicornFront(BaseApplication):  # type: ignore[misc]
    """gunicorn embedded: its arbiter forks the workers, each of which builds its own
    WSGI application (`build`) after the fork, so no database connection is shared."""

    def __init__(self, options: dict[str, Any], build: Callable[[], SlackWsgi]) -> None:
        self.options = options
        self.build = build
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> SlackWsgi:
        return self.build()


def gunicorn_options(settings: Settings, listener: socket.socket) -> dict[str, Any]:
    return {
        "bind": [f"fd://{listener.fileno()}"],
        "workers": web_workers(settings),
        # Each worker reads requests whole on an asyncio loop, with deadlines, and runs
        # them on its threads (bot/front.py): a request that waits on Slack (views.open)
        # does not hold a whole process, and a slow or idle client holds no thread.
        "worker_class": "bot.front.BufferingWorker",
        "threads": settings.flashticket_web_threads,
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": 30,
        "proc_name": "flashticket",
        "logger_class": QuietGunicornLogger,
        # Replicas on one host would share ~/.gunicorn's control socket.
        "control_socket_disable": True,
        "post_fork": _in_each_worker,
        "child_exit": _forget_worker_metrics,
    }


def _in_each_worker(_arbiter: Any, _worker: Any) -> None:
    die_with_parent()
    sys.setswitchinterval(WEB_SWITCH_INTERVAL)


def _forget_worker_metrics(_arbiter: Any, worker: Any) -> None:
    _forget_process_metrics(worker.pid)


def _forget_process_metrics(pid: int | None) -> None:
    """A process that ended: its gauges leave /metrics (its counters stay counted)."""
    if pid is not None and metrics.multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


# A Socket Mode front: `(wake, listener, connected)`, calling `connected()` once its
# connection is open.
SocketModeFront = Callable[[WakePipe, socket.socket, Callable[[], None]], None]


def run_front(
    settings: Settings,
    listener: socket.socket,
    wake: WakePipe,
    build_wsgi: Callable[[WakePipe], SlackWsgi],
    socket_mode: SocketModeFront | None,
) -> None:
    """The front process: gunicorn over HTTP, or the Socket Mode connections."""
    os.setpgid(0, 0)
    die_with_parent()
    wake.close_reader()
    if socket_mode is None:
        GunicornFront(gunicorn_options(settings, listener), lambda: build_wsgi(wake)).run()
        return
    count = min(web_workers(settings), SOCKET_MODE_CONNECTION_LIMIT)
    if count == 1:
        socket_mode(wake, listener, lambda: None)
    else:
        sys.exit(
            run_socket_mode_workers(count, lambda connected: socket_mode(wake, listener, connected))
        )


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
            _forget_process_metrics(worker.pid)
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
        _forget_process_metrics(worker.pid)
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


def serve(
    settings: Settings,
    *,
    host: str,
    build_wsgi: Callable[[WakePipe], SlackWsgi],
    socket_mode: SocketModeFront | None,
    back_office: Callable[[WakePipe], Callable[[], None]],
) -> None:
    """Fork the front, run the back office here until a signal or the front's end.

    `build_wsgi` runs in each web worker; `socket_mode` (Socket Mode only) runs the whole
    front; `back_office` starts the delivery worker and the scheduler and returns what
    stops them."""
    listener = bind(host, settings.port)
    wake = WakePipe()
    front = multiprocessing.get_context("fork").Process(
        target=run_front,
        args=(settings, listener, wake, build_wsgi, socket_mode),
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

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: shutting down", signum)
        with contextlib.suppress(OSError):
            os.write(stop_signal, b"\0")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop_back_office = back_office(wake)
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
