"""The pieces of `serve`'s process layout that need no process: the wake pipe and the
number of workers (the port is bound in tests/e2e/test_serve_cli.py)."""

from __future__ import annotations

import threading

from bot.prefork import WakePipe, web_workers
from bot.settings import Settings


def test_a_wake_reaches_the_listener() -> None:
    pipe = WakePipe()
    woken = threading.Event()
    pipe.listen(woken.set)
    pipe.send()
    assert woken.wait(timeout=5)


def test_a_full_pipe_never_blocks_the_committing_request() -> None:
    pipe = WakePipe()
    # Nobody reads: far more wakes than a pipe holds, and each send returns at once.
    for _ in range(200_000):
        pipe.send()
    woken = threading.Event()
    pipe.listen(woken.set)
    assert woken.wait(timeout=5)


def test_web_workers_default_to_the_cores_and_follow_the_setting() -> None:
    assert web_workers(Settings(_env_file=None)) >= 1  # type: ignore[call-arg]
    assert web_workers(Settings(_env_file=None, flashticket_web_workers=3)) == 3  # type: ignore[call-arg]
