"""The bot of `flashticket serve`, running against the console's workspace.

The same Bolt app, listeners, core, delivery worker (paced, with its escalation channel)
and periodic jobs, built by the composition root (bot/composition.py), against the
strict Slack workspace of `bot.console.workspace` served on 127.0.0.1, so the real
slack_sdk client talks HTTP to it. Requests reach the app through `App.dispatch`
exactly as Slack's would.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import wait as wait_for_futures
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from slack_bolt import App, BoltContext, BoltRequest
from slack_sdk import WebClient

from bot.composition import HelpDeskParts
from bot.console.loopback import LoopbackServer
from bot.console.workspace import Workspace
from bot.periodic import PeriodicJob
from bot.settings import Settings
from bot.slack_checks import check_support_channel, check_token
from flashticket_core.bootstrap import Core
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.jobs import Leases

CONSOLE_TOKEN = "xoxb-console"
CONSOLE_LOCALES = {Language.EN: "en-US", Language.DE: "de-DE"}
# Charts and exports are made after Slack has its answer; the console waits for them.
BACKGROUND_TIMEOUT = 120.0
# What a channel's pace held back is delivered at once: the console skips the wait (as
# `clock +2h` skips hours), by more than any pace or Retry-After asks for.
PACE_SKIP_SECONDS = 3600.0

P = ParamSpec("P")
T = TypeVar("T")


class BackgroundWork(Executor):
    """The app's background executor, keeping hold of what it was given, so the console
    can wait for the work a command started (charts, an export) before printing."""

    def __init__(self) -> None:
        self._inner: Executor | None = None
        self._pending: list[Future[Any]] = []
        self._lock = threading.Lock()

    def around(self, inner: Executor) -> BackgroundWork:
        self._inner = inner
        return self

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        assert self._inner is not None, "no executor to run background work on"
        future = self._inner.submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.append(future)
        return future

    def wait(self, timeout: float) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        _, unfinished = wait_for_futures(pending, timeout=timeout)
        with self._lock:
            self._pending.extend(unfinished)


class PaceClock:
    """The delivery worker's pacing clock: real time, plus the waits the console skipped."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped


class LocalBot:
    """The Bolt app and the delivery worker over `core`, and the workspace they talk to,
    served until `close()`. The support channel is set up as it should be (private, the
    bot in it), and `flashticket serve`'s start-up checks run against it."""

    def __init__(
        self,
        core: Core,
        *,
        support_channel: str,
        files_dir: Path | None,
        locale: str | None = None,
        refused: Callable[[int, str], None] | None = None,
    ) -> None:
        settings = Settings.of(core.settings).model_copy(
            update={"flashticket_support_channel": support_channel}
        )
        lang = settings.flashticket_language
        # The console's people use Slack in the help desk's language unless told otherwise.
        self.workspace = Workspace(
            CONSOLE_TOKEN, files_dir=files_dir, default_locale=locale or CONSOLE_LOCALES[lang]
        )
        self.workspace.set_channel(support_channel, name="support")
        _reach_loopback_without_proxy()
        self.server = LoopbackServer(self.workspace).start()
        try:
            self.client = WebClient(token=CONSOLE_TOKEN, base_url=self.server.base_url)
            check_token(self.client)
            check_support_channel(self.client, support_channel, allow_public=False)
        except BaseException:
            self.server.stop()
            raise
        parts = HelpDeskParts.of(settings, core, self.client)
        self.availability = parts.availability
        self.app: App = parts.app()
        self.background = BackgroundWork()

        @self.app.middleware
        def keep_hold_of_background_work(context: BoltContext, next: Callable[[], Any]) -> Any:
            context["background"] = self.background.around(context["background"])
            return next()

        self.pace = PaceClock()
        self.worker: DeliveryWorker = parts.delivery_worker(pace_clock=self.pace)
        # Run once each whenever the console's clock moves, as `serve`'s scheduler would.
        self.jobs: list[PeriodicJob] = parts.periodic_jobs(
            self.worker, Leases(core.jobs, clock=core.clock)
        )
        self._refused = refused

    def dispatch(self, body: str, content_type: str) -> Any:
        """Bolt's answer to a request as Slack would send it: JSON decoded, else text."""
        response = self.app.dispatch(
            BoltRequest(body=body, headers={"content-type": [content_type]})
        )
        if response.status >= 400 and self._refused is not None:
            self._refused(response.status, response.body)
            return None
        if not response.body:
            return None
        try:
            return json.loads(response.body)
        except ValueError:
            return response.body

    def settle(self) -> None:
        """Wait for the background work requests started, then deliver what they caused."""
        self.background.wait(BACKGROUND_TIMEOUT)
        self.worker.drain()
        while True:  # then what the channels' pace held back
            self.pace.skipped += PACE_SKIP_SECONDS
            if not self.worker.drain():
                break

    def close(self) -> None:
        """Let started work finish, then stop serving the workspace."""
        self.background.wait(BACKGROUND_TIMEOUT)
        self.server.stop()


def _reach_loopback_without_proxy() -> None:
    """slack_sdk (and Bolt's response_url posts) go through HTTP(S)_PROXY when it is set;
    the console's workspace is on this machine, so 127.0.0.1 bypasses any proxy."""
    if not any(
        os.environ.get(name) for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy")
    ):
        return
    for name in ("no_proxy", "NO_PROXY"):
        hosts = [host for host in os.environ.get(name, "").split(",") if host.strip()]
        if "127.0.0.1" not in hosts:
            os.environ[name] = ",".join([*hosts, "127.0.0.1"])
