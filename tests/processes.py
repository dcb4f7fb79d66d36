"""`flashticket serve` as a separate process, for the tests that kill or multiply it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.bot_harness import BOT_TOKEN, SIGNING_SECRET, SUPPORT_CHANNEL

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**overrides: str) -> dict[str, str]:
    """This environment without any FlashTicket or Slack setting, plus the project on the path;
    an empty override removes a variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "FLASHTICKET_")) and k not in ("DATABASE_URL", "PORT")
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def serve_environment(database_url: str, slack_api_url: str, **overrides: str) -> dict[str, str]:
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "FLASHTICKET_SUPPORT_CHANNEL": SUPPORT_CHANNEL,
        "FLASHTICKET_ADMINS": "UADMIN0001",
        "DATABASE_URL": database_url,
        "PORT": str(free_port()),
        "FLASHTICKET_DIGEST_TIME": "off",  # the digest's own tests turn it on
        # The fake Slack sets no pace unless a test asks it to; nor does the bot, then
        # (at Slack's own, a post a second per channel, each card and its thread reply
        # in the support channel would wait their turn).
        "FLASHTICKET_POSTS_PER_SECOND": "0",
    }
    return clean_environment(**{**settings, **overrides})


def serve_once(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`flashticket serve` run to its end (one that cannot start)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class ServeProcess:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.port = int(env["PORT"])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_healthy(self, timeout: float = 60) -> ServeProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.process.communicate()[1]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)  # another process is opening its port; nothing to wait on
        raise AssertionError("serve did not become healthy")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=30)

    def terminate(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, stderr = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve did not stop:\n{self.stacks()}") from None
        return stderr

    def stacks(self) -> str:
        """What a stuck `serve` shows: each thread's stack (SIGUSR1), then it is killed
        and its whole stderr returned."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGUSR1)
            # The stacks are written at once; give the process a moment to write them.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2)
            self.process.send_signal(signal.SIGKILL)
        _, stderr = self.process.communicate(timeout=30)
        return stderr


def _parents() -> dict[int, list[int]]:
    """Each process's children, read from /proc (Linux)."""
    below: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # it ended while we looked
            below.setdefault(ppid, []).append(int(entry.name))
    return below


def children(pid: int) -> set[int]:
    return set(_parents().get(pid, []))


def descendants(pid: int) -> set[int]:
    """Every process under `pid`: `serve`'s front and its workers."""
    below = _parents()
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in below.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found
