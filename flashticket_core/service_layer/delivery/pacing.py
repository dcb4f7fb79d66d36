"""Pacing posts per conversation: a token bucket each, a burst then a steady rate, for
the `Pace` the adapter gives (the receiver's own limits live with its transport)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flashticket_core.service_layer.delivery.outgoing import Outgoing


@dataclass(frozen=True)
class Pace:
    """Posts per conversation: `burst` at once, then `per_second`."""

    burst: int
    per_second: float


# After a 429 the conversation waits a little longer than Retry-After, so the message
# that was refused (due again after exactly Retry-After) goes before the ones behind it.
RATE_LIMIT_MARGIN_SECONDS = 0.1


class ChannelPacer:
    """A token bucket per conversation; thread-safe, on a monotonic clock."""

    def __init__(self, pace: Pace, clock: Callable[[], float] = time.monotonic) -> None:
        self._pace = pace
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._updated: dict[str, float] = {}
        self._held_until: dict[str, float] = {}
        self._waiting: set[str] = set()
        # Fair turns in a busy conversation: the ticket served last, and the tickets
        # that wanted a turn in this claim and in the one before.
        self._served: dict[str, int | None] = {}
        self._wanting: dict[str, set[int | None]] = {}
        self._wanted: dict[str, set[int | None]] = {}

    def _refill(self, channel: str, now: float) -> float:
        tokens = self._tokens.get(channel, float(self._pace.burst))
        elapsed = max(0.0, now - self._updated.get(channel, now))
        tokens = min(float(self._pace.burst), tokens + elapsed * self._pace.per_second)
        self._tokens[channel], self._updated[channel] = tokens, now
        return tokens

    def ready(self, channel: str) -> bool:
        with self._lock:
            now = self._clock()
            ok = now >= self._held_until.get(channel, 0.0) and self._refill(channel, now) >= 1
            if ok:
                self._waiting.discard(channel)
            else:
                self._waiting.add(channel)
            return ok

    def take(self, channel: str, ticket: int | None = None, posts: int = 1) -> None:
        with self._lock:
            now = self._clock()
            self._tokens[channel] = self._refill(channel, now) - posts
            self._served[channel] = ticket
            self._wanting.get(channel, set()).discard(ticket)

    def new_claim(self) -> None:
        """A claim begins: who wanted a turn in the last one is remembered for this one."""
        with self._lock:
            self._wanted, self._wanting = self._wanting, {}

    def want(self, channel: str, ticket: int | None) -> None:
        """A message of `ticket` had to wait for `channel`."""
        with self._lock:
            self._wanting.setdefault(channel, set()).add(ticket)

    def yields(self, channel: str, ticket: int | None) -> bool:
        """The ticket had the conversation's last turn while another ticket waited for
        one: that other ticket goes first (one reporter's long replies never keep
        another person's new card waiting behind all of them)."""
        with self._lock:
            if ticket is None or self._served.get(channel) != ticket:
                return False
            return bool(self._wanted.get(channel, set()) - {ticket})

    def hold(self, channel: str, seconds: float) -> None:
        """The receiver said to wait (429 Retry-After): this conversation only."""
        with self._lock:
            now = self._clock()
            self._held_until[channel] = max(self._held_until.get(channel, 0.0), now + seconds)
            self._tokens[channel], self._updated[channel] = 0.0, now

    def next_ready_in(self) -> float | None:
        """Seconds until the first conversation with a message waiting can post again."""
        with self._lock:
            if not self._waiting:
                return None
            now = self._clock()
            waits = []
            for channel in self._waiting:
                tokens = self._refill(channel, now)
                refill = max(0.0, (1 - tokens) / self._pace.per_second)
                waits.append(max(refill, self._held_until.get(channel, 0.0) - now))
            return max(0.0, min(waits))


def readiness(
    pacer: ChannelPacer, channel_of: Callable[[Outgoing], str | None]
) -> Callable[[Outgoing, bool], bool]:
    """For one claim: a conversation takes its messages in order, so once one of them
    must wait (its pace, or an earlier message of its ticket that goes first), the later
    ones wait too."""
    closed: set[str] = set()
    stepped_aside: set[tuple[str, int | None]] = set()
    pacer.new_claim()

    def ready(message: Outgoing, waiting: bool) -> bool:
        channel = channel_of(message)
        if channel is None:
            return not waiting
        if (channel, message.ticket_id) in stepped_aside:
            return False  # its ticket gave this turn away: the rest of it waits too
        if waiting or channel in closed or not pacer.ready(channel):
            closed.add(channel)
            pacer.want(channel, message.ticket_id)
            return False
        if pacer.yields(channel, message.ticket_id):
            # Passed over, not closed: another ticket's message takes this turn.
            stepped_aside.add((channel, message.ticket_id))
            pacer.want(channel, message.ticket_id)
            return False
        return True

    return ready
