"""The metrics module: the kind of each Slack payload, the outbox read at scrape time,
and a database that does not answer shown as such, not as a failed scrape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.http_server import request_kind
from flashticket_core import metrics
from flashticket_core.metrics import OutboxCollector, OutboxHealth, RequestKind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"command": "/ticket", "text": "help"}, RequestKind.COMMAND),
        ({"type": "block_actions", "actions": []}, RequestKind.ACTION),
        ({"type": "view_submission", "view": {}}, RequestKind.VIEW_SUBMISSION),
        ({"type": "view_closed", "view": {}}, RequestKind.VIEW_SUBMISSION),
        ({"type": "event_callback", "event": {}}, RequestKind.EVENT),
        ({"type": "message_action"}, RequestKind.SHORTCUT),
        ({"type": "shortcut"}, RequestKind.SHORTCUT),
        ({"type": "block_suggestion"}, RequestKind.OPTIONS),
        ({"type": "something_new"}, RequestKind.OTHER),
        ({"type": ["not", "a", "string"]}, RequestKind.OTHER),
    ],
)
def test_each_payload_has_its_kind(body: dict[str, Any], kind: RequestKind) -> None:
    assert request_kind(body) is kind


def gauges(registry: CollectorRegistry) -> dict[str, float]:
    text = generate_latest(registry).decode()
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_the_outbox_is_read_at_each_scrape() -> None:
    health = [OutboxHealth(pending=0, oldest_pending_age_seconds=0, failed=0)]
    registry = CollectorRegistry()
    registry.register(OutboxCollector(lambda: health[0]))
    assert gauges(registry)["flashticket_outbox_pending_messages"] == 0
    health[0] = OutboxHealth(pending=7, oldest_pending_age_seconds=42.5, failed=1)
    now = gauges(registry)
    assert now["flashticket_outbox_pending_messages"] == 7
    assert now["flashticket_outbox_oldest_pending_age_seconds"] == 42.5
    assert now["flashticket_outbox_failed_messages"] == 1
    assert now["flashticket_database_up"] == 1


def test_a_database_that_does_not_answer_is_shown_down() -> None:
    def unreachable() -> OutboxHealth:
        raise ConnectionError("no route to host")

    registry = CollectorRegistry()
    registry.register(OutboxCollector(unreachable))
    assert gauges(registry) == {"flashticket_database_up": 0}


def test_the_scrape_registry_shows_this_process_and_the_collectors() -> None:
    class Nothing(OutboxCollector):
        def collect(self) -> Iterable[Any]:
            return []

    metrics.timer_fired("unit_test")
    seen = gauges(metrics.scrape_registry(Nothing(lambda: OutboxHealth(0, 0, 0))))
    assert seen["flashticket_timers_fired_total"] >= 1
    assert "flashticket_requests_total" in seen
