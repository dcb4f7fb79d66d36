"""GET /metrics through the real server: requests, deliveries and tickets counted with
the right labels, the outbox read from the database, the dashboard's every metric
there, and counts added up across processes in prometheus_client's multiprocess mode."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.bot_harness import BOT_TOKEN, SIGNING_SECRET, SUPPORT_CHANNEL, Bot, bot_settings
from tests.databases import SqliteTemplate
from tests.fakes.slack_api import FakeSlack
from tests.processes import ROOT, ServeProcess, serve_environment
from tests.slack_requests import SlackClientSimulator, event_envelope

DASHBOARD = ROOT / "deploy" / "grafana-dashboard.json"
ALICE = "UALICE0001"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(http: SlackClientSimulator) -> tuple[str, Samples]:
    response = http.request("GET", "/metrics")
    assert response.status == 200, response.body
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.body.decode()
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def wait_for_metric(
    http: SlackClientSimulator, holds: Callable[[Samples], bool], timeout: float = 10
) -> Samples:
    deadline = time.monotonic() + timeout
    while True:
        _, samples = scrape(http)
        if holds(samples):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError("the metric never got there")
        time.sleep(0.05)  # the delivery worker runs in its own thread


def test_requests_are_counted_by_kind_and_outcome(sqlite_bot: Bot) -> None:
    http = sqlite_bot.http
    _, before = scrape(http)
    assert sqlite_bot.command(ALICE, "help").status == 200
    opened = {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"}
    assert http.event(event_envelope(opened)).status == 200
    assert http.command("/ticket", "help", ALICE, trigger_id="x").status == 200
    assert http.post(b"token=forged", content_type="text/plain", signed=False).status == 401
    _, after = scrape(http)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("flashticket_ack_seconds_count", kind="command") == 2
    assert delta("flashticket_ack_seconds_count", kind="event") == 1
    assert delta("flashticket_ack_seconds_count", kind="action") == 0
    assert delta("flashticket_ack_seconds_bucket", kind="command", le="+Inf") == 2
    assert delta("flashticket_ack_seconds_sum", kind="command") > 0  # a time, not a limit
    assert delta("flashticket_requests_total", outcome="ok") == 3
    assert delta("flashticket_requests_total", outcome="refused") == 1
    assert delta("flashticket_requests_total", outcome="5xx") == 0


def test_a_ticket_and_its_deliveries_are_counted_and_no_text_is_shown(sqlite_bot: Bot) -> None:
    http = sqlite_bot.http
    _, before = scrape(http)
    ticket = sqlite_bot.open_ticket(ALICE, "Printer eats my contract", "the confidential one")
    after = wait_for_metric(
        http,
        lambda s: (
            value(s, "flashticket_delivery_attempts_total", outcome="sent")
            - value(before, "flashticket_delivery_attempts_total", outcome="sent")
            >= 2
        ),
    )
    assert (
        value(after, "flashticket_tickets_opened_total")
        - value(before, "flashticket_tickets_opened_total")
        == 1
    )
    submitted = "flashticket_ack_seconds_count"
    assert (
        value(after, submitted, kind="view_submission")
        - value(before, submitted, kind="view_submission")
        == 1
    )
    text, _ = scrape(http)
    for secret in ("Printer eats", "confidential", BOT_TOKEN, SIGNING_SECRET, ALICE, f"#{ticket}"):
        assert secret not in text


def test_the_outbox_depth_is_read_from_the_database(sqlite_bot: Bot, slack: FakeSlack) -> None:
    http = sqlite_bot.http
    _, before = scrape(http)
    assert value(before, "flashticket_outbox_pending_messages") == 0
    assert value(before, "flashticket_database_up") == 1
    # Slack rate-limits the bot: the ticket's first message waits a minute, and the
    # ones after it of the same ticket wait for it.
    slack.fail_next("chat.postMessage", retry_after=60)
    view = sqlite_bot.open_modal(ALICE)
    response = sqlite_bot.submit(
        ALICE,
        view,
        {
            "title": {"type": "plain_text_input", "value": "VPN down"},
            "description": {"type": "plain_text_input", "value": None},
            "priority": {"type": "static_select", "selected_option": {"value": "high"}},
        },
    )
    assert response.status == 200
    limited = "flashticket_delivery_attempts_total"
    after = wait_for_metric(
        http,
        lambda s: (
            value(s, limited, outcome="rate_limited")
            - value(before, limited, outcome="rate_limited")
            == 1
        ),
    )
    assert value(after, "flashticket_outbox_pending_messages") >= 2
    assert value(after, "flashticket_outbox_oldest_pending_age_seconds") >= 0
    assert value(after, "flashticket_outbox_failed_messages") == 0
    rate_limited = "flashticket_slack_rate_limited_total"
    assert (
        value(after, rate_limited, method="chat.postMessage")
        - value(before, rate_limited, method="chat.postMessage")
        == 1
    )
    assert not [
        c for c in slack.calls("chat.postMessage") if c.args.get("channel") == SUPPORT_CHANNEL
    ]


def dashboard_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert exprs
    return {name for expr in exprs for name in re.findall(r"\bflashticket_[a-z0-9_]+", expr)}


def test_every_metric_the_dashboard_queries_is_served(sqlite_bot: Bot) -> None:
    text, samples = scrape(sqlite_bot.http)
    families = {family.name for family in text_string_to_metric_families(text)}
    names = {name for name, _ in samples}
    served = names | families | {f"{f}{s}" for f in families for s in ("_total", "_bucket")}
    wanted = dashboard_metrics()
    assert len(wanted) >= 9
    assert wanted <= served, sorted(wanted - served)


def test_metrics_can_be_turned_off(
    tmp_path: Path, sqlite_template: SqliteTemplate, slack: FakeSlack
) -> None:
    settings = bot_settings(
        sqlite_template.fresh_database(tmp_path), slack, flashticket_metrics=False
    )
    bot = Bot(slack, settings).start()
    try:
        assert bot.http.request("GET", "/metrics").status == 404
        assert bot.http.request("GET", "/healthz").status == 200
    finally:
        bot.stop()


COUNT_ELSEWHERE = """
from flashticket_core import metrics
metrics.count_tickets_opened({tickets})
metrics.timer_fired("digest")
metrics.count_delivery(metrics.DeliveryOutcome.SENT)
"""


def test_multiprocess_mode_adds_up_every_process(tmp_path: Path, slack: FakeSlack) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = serve_environment(
        f"sqlite:///{tmp_path / 'tickets.db'}",
        slack.base_url,
        PROMETHEUS_MULTIPROC_DIR=str(shared),
    )
    server = ServeProcess(env, tmp_path).wait_healthy()
    try:
        http = SlackClientSimulator(server.port, SIGNING_SECRET)
        assert http.command("/ticket", "help", ALICE, trigger_id="x").status == 200
        # Two other processes of the same installation (a delivery worker, a timer).
        for tickets in (2, 3):
            subprocess.run(
                [sys.executable, "-c", COUNT_ELSEWHERE.format(tickets=tickets)],
                env=env,
                cwd=tmp_path,
                check=True,
                timeout=60,
            )
        _, samples = scrape(http)
    finally:
        stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert value(samples, "flashticket_tickets_opened_total") == 5
    assert value(samples, "flashticket_timers_fired_total", kind="digest") == 2
    assert value(samples, "flashticket_delivery_attempts_total", outcome="sent") == 2
    assert value(samples, "flashticket_ack_seconds_count", kind="command") == 1
    assert value(samples, "flashticket_requests_total", outcome="ok") == 1
    assert value(samples, "flashticket_outbox_pending_messages") == 0
    assert len(list(shared.glob("*.db"))) >= 3  # one file per process and metric type
