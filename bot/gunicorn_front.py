"""The front under gunicorn (`flashticket serve` over HTTP): gunicorn's arbiter forks the
workers, restarts one that dies and stops them gracefully; each worker runs the front's
loop (bot/front.py) over the port they share, with its own core and Bolt app built after
the fork, so no database connection is shared."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger
from gunicorn.workers.base import Worker

from bot.front import Front
from bot.http_server import SlackWsgi
from bot.settings import Settings
from flashticket_core import metrics

# A request in flight gets this long to finish after SIGTERM.
GRACEFUL_SECONDS = 25
# How often a worker tells gunicorn's arbiter it is alive.
HEARTBEAT_SECONDS = 1.0
# A web worker's threads hand the interpreter lock on after 1 ms instead of 5: a thread
# back from SQLite (which lets go of the lock for each statement) while holding the
# writer gate waits less for it, and so do the writers queued behind it. bench/
# http_bench.py: create p99 at 64 in flight 608 and 709 ms against 788 and 863.
WEB_SWITCH_INTERVAL = 0.001
PR_SET_PDEATHSIG = 1


class BufferingWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker running the front's loop."""

    def run(self) -> None:
        asyncio.run(self.serve())

    async def serve(self) -> None:
        front = Front(
            self.wsgi,
            threads=self.cfg.threads,
            graceful_timeout=self.cfg.graceful_timeout,
            log=self.log,
        )
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, front.stopping.set)
        heartbeat = asyncio.create_task(self.heartbeat(front))
        await front.serve([listener.sock for listener in self.sockets])
        heartbeat.cancel()

    async def heartbeat(self, front: Front) -> None:
        while True:
            self.notify()
            if not self.alive or self.ppid != os.getppid():
                front.stopping.set()  # SIGQUIT, SIGINT or an arbiter that went away
            await asyncio.sleep(HEARTBEAT_SECONDS)


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
    """gunicorn embedded: each worker builds its own WSGI application (`build`) after
    the fork."""

    def __init__(self, options: dict[str, Any], build: Callable[[], SlackWsgi]) -> None:
        self.options = options
        self.build = build
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> SlackWsgi:
        return self.build()


def web_workers(settings: Settings) -> int:
    """FLASHTICKET_WEB_WORKERS, or one per core this process may run on."""
    if settings.flashticket_web_workers > 0:
        return settings.flashticket_web_workers
    return max(1, len(os.sched_getaffinity(0)))


def gunicorn_options(settings: Settings, listener: socket.socket) -> dict[str, Any]:
    return {
        "bind": [f"fd://{listener.fileno()}"],
        "workers": web_workers(settings),
        # Each worker reads requests whole on an asyncio loop, with deadlines, and runs
        # them on its threads: a request that waits on Slack (views.open) does not hold
        # a whole process, and a slow or idle client holds no thread.
        "worker_class": "bot.gunicorn_front.BufferingWorker",
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
    forget_process_metrics(worker.pid)


def forget_process_metrics(pid: int | None) -> None:
    """A process that ended: its gauges leave /metrics (its counters stay counted)."""
    if pid is not None and metrics.multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
