"""How long the delivery worker waits before it tries a message again, and how fast it
posts to one channel."""

from __future__ import annotations

from flashticket_core.service_layer.delivery.pacing import ChannelPacer, Pace
from flashticket_core.service_layer.delivery.worker import backoff_seconds


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    assert backoff_seconds(1, rng=lambda: 0.0) == 0.5
    assert backoff_seconds(1, rng=lambda: 1.0) == 1.0
    assert backoff_seconds(4, rng=lambda: 1.0) == 8.0
    assert backoff_seconds(40, rng=lambda: 1.0) == 300.0


class _Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_pacer_allows_a_burst_then_the_pace_per_channel() -> None:
    ticks = _Ticks()
    pacer = ChannelPacer(Pace(burst=3, per_second=2.0), ticks)
    for _ in range(3):
        assert pacer.ready("C1")
        pacer.take("C1")
    assert not pacer.ready("C1")
    assert pacer.ready("D1")  # another conversation is not held up
    assert pacer.next_ready_in() == 0.5
    ticks.now += 0.5
    assert pacer.ready("C1")
    pacer.take("C1")
    assert not pacer.ready("C1")


def test_a_rate_limit_holds_its_channel_only() -> None:
    ticks = _Ticks()
    pacer = ChannelPacer(Pace(burst=3, per_second=2.0), ticks)
    pacer.hold("C1", 30.0)
    assert not pacer.ready("C1")
    assert pacer.ready("C2")
    ticks.now += 29.9
    assert not pacer.ready("C1")
    ticks.now += 0.1
    assert pacer.ready("C1")


def test_a_busy_conversation_takes_turns_between_tickets() -> None:
    ticks = _Ticks()
    pacer = ChannelPacer(Pace(burst=1, per_second=1.0), ticks)
    pacer.new_claim()
    assert pacer.ready("C1")
    pacer.take("C1", ticket=1, posts=3)  # a long text: three posts
    assert not pacer.ready("C1")
    pacer.want("C1", 2)  # another ticket's card waits
    ticks.now += 3.0
    pacer.new_claim()
    assert pacer.ready("C1")
    assert pacer.yields("C1", 1)  # ticket 1 had the last turn: ticket 2 goes first
    assert not pacer.yields("C1", 2)
    pacer.take("C1", ticket=2)
    ticks.now += 1.0
    pacer.new_claim()
    assert not pacer.yields("C1", 1)  # nobody else waits: no turn is lost
