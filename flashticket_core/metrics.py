"""The help desk's Prometheus metrics: every one is defined here, once.

Counters and histograms count what happens in this process (a request answered, a
delivery attempt, a ticket opened, a timer fired). Facts that live in the database (how
many outbox messages wait, how old the oldest is) are read from it when /metrics is
scraped (`OutboxCollector`), so they are right whichever process answers the scrape.

Several processes (pre-fork HTTP workers, a delivery worker of its own): set
PROMETHEUS_MULTIPROC_DIR to an empty directory every process can write, before they
start. prometheus_client then keeps each process's counts in files there, and a scrape
of any process adds them up. Empty the directory when the processes restart.

The metric objects are module-level, as prometheus_client intends: it decides at import
whether values live in memory or in that directory, and a metric defined twice in a
process is an error. Counting costs a lock and an addition; the ack path uses label
children resolved here once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

__all__ = [
    "CONTENT_TYPE",
    "DeliveryOutcome",
    "OutboxCollector",
    "OutboxHealth",
    "RequestKind",
    "RequestOutcome",
    "count_delivery",
    "count_rate_limited",
    "count_request",
    "count_tickets_opened",
    "exposition",
    "multiprocess_dir",
    "observe_ack",
    "scrape_registry",
    "timer_fired",
]

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class RequestKind(StrEnum):
    """What Slack sent, as the edge tells it from the payload."""

    COMMAND = "command"  # a slash command
    ACTION = "action"  # a button or menu in a message, a modal or App Home
    VIEW_SUBMISSION = "view_submission"  # a modal submitted (or closed)
    EVENT = "event"  # Events API: a DM, a reaction, App Home opened
    SHORTCUT = "shortcut"  # a global or message shortcut
    OPTIONS = "options"  # an external select asking for its options
    OTHER = "other"


class RequestOutcome(StrEnum):
    OK = "ok"  # answered 2xx
    REFUSED = "refused"  # the edge refused it: bad signature, stale, malformed, too large
    CLIENT_ERROR = "4xx"  # another 4xx (nothing handles it)
    SERVER_ERROR = "5xx"


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a temporary failure: tried again after a back-off
    RATE_LIMITED = "rate_limited"  # Slack said 429: tried again after Retry-After
    FAILED = "failed"  # a permanent failure, or the last attempt


# Slack waits 3 s for the ack: the buckets are finest well below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)

ACK_SECONDS = Histogram(
    "flashticket_ack_seconds",
    "Time from a Slack request's arrival to its answer, by request kind.",
    ["kind"],
    buckets=ACK_BUCKETS,
)
REQUESTS = Counter(
    "flashticket_requests",
    "Requests to /slack/events (and Socket Mode requests), by outcome.",
    ["outcome"],
)
DELIVERY_ATTEMPTS = Counter(
    "flashticket_delivery_attempts",
    "Attempts to deliver an outbox message to Slack, by outcome.",
    ["outcome"],
)
SLACK_RATE_LIMITED = Counter(
    "flashticket_slack_rate_limited",
    "Slack Web API answers with HTTP 429 (rate limited), by API method.",
    ["method"],
)
TICKETS_OPENED = Counter(
    "flashticket_tickets_opened",
    "Tickets opened (counted when the ticket is committed).",
)
TIMERS_FIRED = Counter(
    "flashticket_timers_fired",
    "Timers that fired (SLA warnings and breaches, auto-close, nudges, digests), by kind.",
    ["kind"],
)

# Children resolved once: the ack path does no label lookup, and every series exists
# (at zero) from the start, so a dashboard's rate() has something to start from.
_ACK = {kind: ACK_SECONDS.labels(kind.value) for kind in RequestKind}
_REQUESTS = {outcome: REQUESTS.labels(outcome.value) for outcome in RequestOutcome}
_DELIVERIES = {outcome: DELIVERY_ATTEMPTS.labels(outcome.value) for outcome in DeliveryOutcome}


def observe_ack(kind: RequestKind, seconds: float) -> None:
    _ACK[kind].observe(seconds)


def count_request(outcome: RequestOutcome) -> None:
    _REQUESTS[outcome].inc()


def outcome_of_status(status: int) -> RequestOutcome:
    """A handled request's outcome by its HTTP status (the edge's refusals are REFUSED)."""
    if status < 400:
        return RequestOutcome.OK
    if status < 500:
        return RequestOutcome.CLIENT_ERROR
    return RequestOutcome.SERVER_ERROR


def count_delivery(outcome: DeliveryOutcome, count: int = 1) -> None:
    _DELIVERIES[outcome].inc(count)


def count_rate_limited(method: str) -> None:
    SLACK_RATE_LIMITED.labels(method[:64]).inc()


def count_tickets_opened(count: int = 1) -> None:
    if count:
        TICKETS_OPENED.inc(count)


def timer_fired(kind: str) -> None:
    """Count one timer that fired. `kind` is one of a small fixed set of words, e.g.
    (`sla_warning`, `sla_breach`, `auto_close`, `waiting_nudge`, `waiting_resolve`,
    `digest`), never a ticket number or a person: each kind is a series of its own."""
    TIMERS_FIRED.labels(kind[:40]).inc()


# -- what the database says at scrape time -----------------------------------------


@dataclass(frozen=True)
class OutboxHealth:
    """The outbox as it is now: messages waiting to go out, the age of the oldest of
    them (0 when none waits) and the messages that failed for good."""

    pending: int
    oldest_pending_age_seconds: float
    failed: int


class OutboxCollector(Collector):
    """Reads the outbox at each scrape; when the database does not answer,
    `flashticket_database_up` is 0 and the outbox gauges are left out."""

    def __init__(self, read: Callable[[], OutboxHealth]) -> None:
        self._read = read

    def describe(self) -> Iterable[Metric]:
        # No query when the collector is registered.
        return []

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "flashticket_database_up", "1 if the database answered this scrape, else 0."
        )
        try:
            health = self._read()
        except Exception as error:
            log.warning("metrics: cannot read the outbox: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "flashticket_outbox_pending_messages",
            "Outbox messages waiting to be delivered (due now or in back-off).",
            value=health.pending,
        )
        yield GaugeMetricFamily(
            "flashticket_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox message still waiting, in seconds (0 if none).",
            value=health.oldest_pending_age_seconds,
        )
        yield GaugeMetricFamily(
            "flashticket_outbox_failed_messages",
            "Outbox messages that failed for good and wait for an admin's retry.",
            value=health.failed,
        )


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class _ThisProcess(Collector):
    """The default registry's metrics (this process's counts, process and GC facts)."""

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape_registry(*collectors: Collector) -> CollectorRegistry:
    """What /metrics shows: the counts of every process sharing PROMETHEUS_MULTIPROC_DIR
    (or of this process alone when it is unset), plus `collectors`."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    for collector in collectors:
        registry.register(collector)
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The Prometheus text format of everything `registry` collects now."""
    return generate_latest(registry)
