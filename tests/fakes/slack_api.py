"""The fake Slack Web API of the tests: the console's workspace (bot.console.workspace),
served on 127.0.0.1 port 0, plus what only tests need: waiting for calls and faults.

It is the same program `flashticket shell` runs, with the same refusals, so the console
and the tests cannot drift apart. The real `slack_sdk.WebClient` talks to it over HTTP
(`base_url=fake.base_url`), so the tests exercise the same serialisation, headers and
error handling as production. Faults can be injected per method: HTTP 500, 429 with
Retry-After, an `ok: false` error, a hang longer than the client's timeout, or a
connection reset, each optionally after Slack did the work (`accept`: the answer is
lost). Slack's pace of chat.postMessage per channel can be enforced (`rate_limit`):
past it, 429 with Retry-After, as Slack answers.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.console.loopback import LoopbackServer, WebApiHandler
from bot.console.workspace import Call, Team, Workspace

__all__ = ["TEST_TEAM", "Call", "FakeSlack", "Fault"]

TEST_TEAM = Team(
    id="T000001",
    name="FlashTicket Test",
    domain="flashticket-test",
    bot_user="UBOT00001",
    bot_id="B000001",
    bot_name="flashticket",
)

Predicate = Callable[[list[Call]], bool]


@dataclass
class Fault:
    """What the next `count` calls to a method get instead of a normal answer."""

    count: int
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    reset: bool = False
    # Slack did the work (the message is posted) but the answer is late or lost:
    # the window in which a sender that dies cannot know it succeeded.
    accept: bool = False


class FakeSlack(Workspace):
    """The strict workspace with the tests' bot token and team, over real HTTP."""

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        *,
        app_token: str = "xapp-test-token",
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        ts_epoch: int | None = None,
    ) -> None:
        options = {} if ts_epoch is None else {"ts_epoch": ts_epoch}
        super().__init__(
            bot_token,
            app_token=app_token,
            team=TEST_TEAM,
            trigger_ttl=trigger_ttl,
            clock=clock,
            **options,
        )
        self._faults: dict[str, list[Fault]] = {}
        # chat.postMessage per channel: (burst, per second), a bucket per channel.
        self._rate: tuple[int, float] | None = None
        self._buckets: dict[str, tuple[float, float]] = {}
        self.ratelimited = 0  # how many posts were answered 429 for going too fast
        self._stopping = threading.Event()
        self._server = LoopbackServer(self, handler=_FaultyHandler)

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Serve on an ephemeral port so parallel tests never collide."""
        self._stopping.clear()
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes handlers sleeping in a `delay` fault so nothing lingers."""
        self._stopping.set()
        self._server.stop()

    def restart(self) -> FakeSlack:
        """Serve again on the same port after `stop()`: a Slack outage that ends."""
        return self.start()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        """What to pass as `WebClient(base_url=...)` (slack_sdk appends the method)."""
        return self._server.base_url

    # -- what tests use ----------------------------------------------------------

    def wait_for(
        self,
        what: str | Predicate,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Block until `count` calls of a method arrived (or a predicate over all calls
        holds), then return them; bounded, woken by each recorded call.

        A predicate may also look at state outside the fake (the database), so it is
        checked again at least every 50 ms, not only when a call arrives.
        """
        deadline = time.monotonic() + timeout

        def timed_out() -> AssertionError:
            return AssertionError(
                f"timed out after {timeout}s waiting for {what!r} x{count}; got "
                f"{[c.method for c in self.calls()]}"
            )

        if not callable(what):
            with self._changed:
                while len(self.calls(what)) < count:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise timed_out()
                    self._changed.wait(remaining)
            return self.calls(what)
        # A predicate runs outside the lock that recording a call takes: one that reads
        # the database would otherwise hold up every Slack call the bot makes meanwhile.
        while True:
            seen = self.calls()
            if what(seen):
                return self.calls()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out()
            with self._changed:
                if len(self.calls()) == len(seen):  # no call arrived while it ran
                    self._changed.wait(min(remaining, 0.05))

    def clear(self) -> None:
        """Forget the recorded calls (state such as posted messages stays)."""
        with self._changed, self._lock:
            self._calls.clear()

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        reset: bool = False,
        accept: bool = False,
    ) -> None:
        """Make the next `count` calls to `method` ("*" for any) misbehave.

        `status` answers with that HTTP status (`retry_after` alone means 429 with a
        Retry-After header); `error` alone answers `ok: false` with 200; `delay` sleeps
        first (a hang); `reset` drops the connection unanswered; `accept` lets Slack do
        the work anyway, so only the answer is lost.
        """
        if status is None and retry_after is not None:
            status = 429
        with self._lock:
            self._faults.setdefault(method, []).append(
                Fault(count, status, error, retry_after, delay, reset, accept)
            )

    def grant(self, *scopes: str) -> None:
        """Install the app with these bot scopes only (an older or edited manifest):
        every answer's X-OAuth-Scopes header names them. By default the token has every
        scope the manifest asks for, as in a workspace set up by the README."""
        with self._lock:
            self.scopes = tuple(scopes)

    def rate_limit(self, burst: int, per_second: float) -> None:
        """Answer chat.postMessage with 429 (and Retry-After) past `burst` posts at once
        and `per_second` after, per channel, on the fake's clock."""
        with self._lock:
            self._rate = (burst, per_second)
            self._buckets.clear()

    def too_fast(self, call: Call) -> float | None:
        """Seconds to wait, if this post goes past its channel's pace; else it is counted."""
        if self._rate is None or call.method != "chat.postMessage":
            return None
        burst, per_second = self._rate
        channel = str(call.args.get("channel") or "")
        now = self.clock()
        with self._lock:
            tokens, updated = self._buckets.get(channel, (float(burst), now))
            tokens = min(float(burst), tokens + (now - updated) * per_second)
            if tokens < 1:
                self._buckets[channel] = (tokens, now)
                self.ratelimited += 1
                return (1 - tokens) / per_second
            self._buckets[channel] = (tokens - 1, now)
        return None

    def upload(self, file_id: str) -> bytes | None:
        """The bytes a client uploaded to an upload URL, if any."""
        return self.uploaded_bytes(file_id)

    def take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.count -= 1
                    if fault.count <= 0:
                        queue.pop(0)
                    return fault
        return None


class _FaultyHandler(WebApiHandler):
    """The workspace's HTTP handler, answering with an injected fault when one is due."""

    def answer(self, call: Call) -> None:
        slack = self.workspace
        assert isinstance(slack, FakeSlack)
        wait = slack.too_fast(call)
        if wait is not None:
            call.faulted = True
            slack.record(call)
            # Slack's Retry-After is whole seconds.
            extra = {"Retry-After": str(max(1, math.ceil(wait)))}
            body = {"ok": False, "error": "ratelimited"}
            self.send(429, json.dumps(body).encode(), "application/json", extra)
            return
        fault = slack.take_fault(call.method)
        if fault is None:
            super().answer(call)
            return
        call.faulted = True
        if fault.accept:
            call.response = slack.handle(call.method, call.args, call.headers)
        slack.record(call)
        if fault.delay:
            slack._stopping.wait(fault.delay)
        if fault.reset:
            # SO_LINGER 0: the client sees a connection reset, not a clean close.
            linger = struct.pack("ii", 1, 0)
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
            self.close_connection = True
            return
        body = {"ok": False, "error": fault.error or "internal_error"}
        if fault.status is None:
            self.send_json(body)
            return
        body["error"] = fault.error or ("ratelimited" if fault.status == 429 else "fault")
        # Slack names the token's scopes on its error answers too.
        extra = {"x-oauth-scopes": ",".join(slack.scopes)}
        if fault.retry_after is not None:
            extra["Retry-After"] = str(int(fault.retry_after))
        self.send(fault.status, json.dumps(body).encode(), "application/json", extra)


def main() -> None:
    """Run the fake on its own (benchmarks): prints its base URL, serves until stdin closes."""
    import sys

    with FakeSlack() as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
