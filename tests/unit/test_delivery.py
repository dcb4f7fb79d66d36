"""How long the delivery worker waits before it tries a message again."""

from __future__ import annotations

from flashticket_core.service_layer.delivery import backoff_seconds


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    assert backoff_seconds(1, rng=lambda: 0.0) == 0.5
    assert backoff_seconds(1, rng=lambda: 1.0) == 1.0
    assert backoff_seconds(4, rng=lambda: 1.0) == 8.0
    assert backoff_seconds(40, rng=lambda: 1.0) == 300.0
