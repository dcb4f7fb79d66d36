"""Delivery of the outbox: the fault matrix, latency after commit, and worker throughput.

1. Fault matrix (SQLite, the delivery worker in this process against the fake Slack):
   for each fault, 40 tickets are worked (7 messages each) while the fake misbehaves;
   the table counts messages expected (outbox rows that must be sent), delivered
   (recorded sent), lost (not sent in the end), and duplicated (chat.postMessage calls
   Slack carried out beyond the first for the same outbox message and part, told by
   the outbox id each post carries in its metadata).
2. Latency after commit with Slack healthy: a ticket is opened, and the time until its
   DM reaches the fake Slack is measured, one ticket at a time.
3. Pacing: a burst of tickets opened at once against a fake Slack that enforces about
   one post per second per channel (429 with Retry-After past a burst of 4), with the
   worker's Slack pace: the rate the support channel gets its cards, how many 429s,
   and how long each reporter's first DM takes meanwhile.
4. Throughput: N messages already waiting in a PostgreSQL outbox are delivered by one,
   then two `flashticket serve` processes; the fake Slack runs as its own process and
   answers at once.

Run:  .venv/bin/python bench/delivery_bench.py [--tickets 40] [--burst 30] [--messages 3000]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk import WebClient
from sqlalchemy import create_engine, func, select, text

from bot.slack_sender import SLACK_PACE, SlackTransport
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import Settings
from flashticket_core.domain.enums import Role, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer import delivery
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from migrations import runner
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, serve_environment

ADMIN, SUPPORT = "UBENCHADMIN", "UBENCHSUPP1"
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Tally:
    expected: int
    delivered: int
    lost: int
    duplicated: int
    seconds: float


def new_core(url: str) -> Core:
    settings = Settings(_env_file=None, database_url=url, flashticket_admins=ADMIN)  # type: ignore[call-arg]
    core = bootstrap(settings, migrate=runner.upgrade)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    return core


def slack_worker(
    core: Core, slack: FakeSlack, *, timeout: float, poll_interval: float, **options: object
) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=timeout)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport, poll_interval=poll_interval, **options)


def fake_slack() -> FakeSlack:
    """Message timestamps in wall-clock seconds, as Slack's are: a read-back looks from
    when the message was written."""
    return FakeSlack(ts_epoch=int(time.time()))


def work_tickets(core: Core, count: int) -> None:
    desk = core.desk
    for n in range(count):
        ticket = desk.tickets.open_ticket(f"UREP{n % 31:06d}", title=f"Ticket {n}")
        desk.tickets.take(SUPPORT, ticket.id)
        desk.conversation.add_support_reply(SUPPORT, ticket.id, f"Answer {n}")
        desk.tickets.change_status(SUPPORT, ticket.id, Status.RESOLVED)


def outbox_counts(core: Core) -> dict[str, int]:
    with core.engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {str(status): int(count) for status, count in rows}


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # polling the database for the end of a run
    return condition()


def fault_scenario(
    name: str,
    tickets: int,
    inject: Callable[[FakeSlack], None],
    during: Callable[[FakeSlack], None] | None = None,
) -> Tally:
    directory = Path(tempfile.mkdtemp(prefix="flashticket-faults-"))
    core = new_core(f"sqlite:///{directory / 'faults.db'}")
    with fake_slack() as slack:
        worker = slack_worker(core, slack, timeout=1, poll_interval=0.2)
        # Short back-off so the matrix finishes in seconds; the policy is the same.
        delivery.BACKOFF_BASE_SECONDS, delivery.BACKOFF_CAP_SECONDS = 0.05, 1.0
        worker.start()
        inject(slack)
        started = time.perf_counter()
        work_tickets(core, tickets)
        if during is not None:
            during(slack)
        wait_until(lambda: outbox_counts(core).get("pending", 0) == 0, timeout=120)
        seconds = time.perf_counter() - started
        worker.stop()
        tally = count_outcome(core, slack, seconds)
    core.close()
    return tally


def count_outcome(core: Core, slack: FakeSlack, seconds: float) -> Tally:
    """Expected: outbox rows that must go out; duplicated: posts beyond those recorded."""
    counts = outbox_counts(core)
    posts = Counter(
        (str(payload.get("id")), payload.get("part") or 0)
        for c in slack.calls("chat.postMessage")
        if c.response.get("ok")
        for payload in [((c.args.get("metadata") or {}).get("event_payload") or {})]
    )
    expected = sum(n for status, n in counts.items() if status != "superseded")
    delivered = counts.get("sent", 0)
    duplicated = sum(n - 1 for n in posts.values())
    return Tally(expected, delivered, expected - delivered, duplicated, seconds)


def outage(slack: FakeSlack) -> None:
    slack.stop()
    threading.Timer(2.0, slack.restart).start()


def kill_scenario(tickets: int) -> Tally:
    directory = Path(tempfile.mkdtemp(prefix="flashticket-kill-"))
    url = f"sqlite:///{directory / 'kill.db'}"
    core = new_core(url)
    with fake_slack() as slack:
        env = serve_environment(url, slack.base_url, FLASHTICKET_DELIVERY_LEASE_SECONDS="2")
        slack.fail_next("chat.postMessage", 1, delay=60, accept=True)
        started = time.perf_counter()
        first = ServeProcess(env, directory).wait_healthy()
        work_tickets(core, tickets)
        wait_until(lambda: any(c.faulted for c in slack.calls()), timeout=30)
        first.kill()
        second = ServeProcess(env, directory).wait_healthy()
        wait_until(lambda: outbox_counts(core).get("pending", 0) == 0, timeout=120)
        seconds = time.perf_counter() - started
        second.terminate()
        tally = count_outcome(core, slack, seconds)
    core.close()
    return tally


def latency(samples: int) -> list[float]:
    directory = Path(tempfile.mkdtemp(prefix="flashticket-latency-"))
    core = new_core(f"sqlite:///{directory / 'latency.db'}")
    with FakeSlack() as slack:
        worker = slack_worker(core, slack, timeout=5, poll_interval=30)
        worker.start()
        wait_until(lambda: outbox_counts(core).get("pending", 0) == 0, timeout=10)
        results = []
        for n in range(samples):
            before = len(slack.calls("chat.postMessage"))
            core.desk.tickets.open_ticket(f"UREP{n:06d}", title=f"Latency {n}")
            committed = time.time()
            slack.wait_for("chat.postMessage", count=before + 1, timeout=10)
            arrived = slack.calls("chat.postMessage")[before].at
            results.append((arrived - committed) * 1000)
            slack.wait_for("chat.postMessage", count=before + 2, timeout=10)
        worker.stop()
    core.close()
    return results


@dataclass
class Pacing:
    cards_per_second: float
    ratelimited: int
    dm_latency_ms: list[float]
    seconds: float


def pacing(tickets: int) -> Pacing:
    directory = Path(tempfile.mkdtemp(prefix="flashticket-pacing-"))
    core = new_core(f"sqlite:///{directory / 'pacing.db'}")
    with fake_slack() as slack:
        slack.rate_limit(burst=4, per_second=1.0)
        worker = slack_worker(core, slack, timeout=5, poll_interval=2, pace=SLACK_PACE)
        worker.start()
        wait_until(lambda: outbox_counts(core).get("pending", 0) == 0, timeout=10)
        slack.clear()
        committed: dict[str, float] = {}
        started = time.time()
        for n in range(tickets):
            reporter = f"UBURST{n:05d}"
            core.desk.tickets.open_ticket(reporter, title=f"Burst {n}")
            committed[reporter] = time.time()

        def cards() -> list[float]:
            return [
                c.at
                for c in slack.calls("chat.postMessage")
                if c.ok and c.args.get("channel") == SUPPORT_CHANNEL
            ]

        wait_until(lambda: len(cards()) >= tickets, timeout=tickets * 3 + 30)
        seconds = time.time() - started
        worker.stop()
        arrived = {
            str(c.args["channel"]): c.at
            for c in slack.calls("chat.postMessage")
            if c.ok and str(c.args.get("channel")) in committed
        }
        times = sorted(cards())
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        latency_ms = [(arrived[r] - committed[r]) * 1000 for r in committed if r in arrived]
        tally = Pacing(rate, slack.ratelimited, latency_ms, seconds)
    core.close()
    return tally


def throughput(messages: int, replicas: int) -> float:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"flashticket_bench_{int(time.time() * 1000)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    root = Path(__file__).resolve().parent.parent
    slack = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.slack_api"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert slack.stdout is not None
    assert slack.stdin is not None
    base_url = slack.stdout.readline().decode().strip()
    core = new_core(url)
    try:
        desk = core.desk
        while outbox_counts(core).get("pending", 0) < messages:
            ticket = desk.tickets.open_ticket("UREP000001", title="Throughput")
            for _ in range(5):
                desk.conversation.add_support_reply(SUPPORT, ticket.id, "Reply")
        pending = outbox_counts(core)["pending"]
        directory = Path(tempfile.mkdtemp(prefix="flashticket-throughput-"))
        started = time.perf_counter()
        processes = [
            ServeProcess(
                serve_environment(url, base_url, FLASHTICKET_POSTS_PER_SECOND="0"), directory
            )
            for _ in range(replicas)
        ]
        wait_until(lambda: outbox_counts(core).get("pending", 0) == 0, timeout=600)
        seconds = time.perf_counter() - started
        for process in processes:
            process.terminate()
        return pending / seconds
    finally:
        core.close()
        slack.stdin.close()
        slack.wait(timeout=30)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=40)
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--burst", type=int, default=30, help="tickets opened at once")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    n = args.tickets
    matrix: dict[str, Tally] = {
        "healthy": fault_scenario("healthy", n, lambda s: None),
        "HTTP 500 x40": fault_scenario("500", n, lambda s: s.fail_next("*", 40, status=500)),
        "429 Retry-After 1 s x20": fault_scenario(
            "429", n, lambda s: s.fail_next("*", 20, status=429, retry_after=1)
        ),
        "hang past timeout x5": fault_scenario("hang", n, lambda s: s.fail_next("*", 5, delay=2)),
        "accepted, answer lost x5": fault_scenario(
            "accepted", n, lambda s: s.fail_next("*", 5, delay=2, accept=True)
        ),
        "accepted, reset x5": fault_scenario(
            "accepted-reset", n, lambda s: s.fail_next("*", 5, reset=True, accept=True)
        ),
        "accepted, HTTP 500 x5": fault_scenario(
            "accepted-500", n, lambda s: s.fail_next("*", 5, status=500, accept=True)
        ),
        "connection reset x20": fault_scenario(
            "reset", n, lambda s: s.fail_next("*", 20, reset=True)
        ),
        "Slack down 2 s (refused)": fault_scenario("refused", n, lambda s: None, during=outage),
        "SIGKILL mid-delivery": kill_scenario(n),
    }
    print(
        f"Fault matrix, {n} tickets worked per row (7 messages each, fewer after card updates merge)\n"
    )
    print(
        f"{'fault':<28}{'expected':>9}{'delivered':>10}{'lost':>6}{'duplicated':>11}{'seconds':>9}"
    )
    for name, tally in matrix.items():
        print(
            f"{name:<28}{tally.expected:>9}{tally.delivered:>10}{tally.lost:>6}{tally.duplicated:>11}{tally.seconds:>9.1f}"
        )
    samples = latency(args.latency_samples)
    ordered = sorted(samples)
    print(f"\nLatency from commit to Slack, healthy, {len(samples)} tickets one at a time:")
    print(
        f"  p50 {statistics.median(samples):.1f} ms   p99 {ordered[int(len(ordered) * 0.99) - 1]:.1f} ms"
    )
    paced = pacing(args.burst)
    dms = sorted(paced.dm_latency_ms)
    print(
        f"\nPacing, {args.burst} tickets at once, fake Slack limiting posts to 1/s per channel"
        f" (burst 4):\n  support channel {paced.cards_per_second:.2f} cards/s, all in"
        f" {paced.seconds:.1f} s, {paced.ratelimited} answered 429\n  reporters' first DM"
        f" meanwhile: p50 {statistics.median(dms):.0f} ms, max {dms[-1]:.0f} ms"
        f" ({len(dms)} of {args.burst})"
    )
    if args.skip_throughput:
        return
    print(f"\nThroughput, {args.messages} waiting messages, PostgreSQL, instant fake Slack:")
    for replicas in (1, 2):
        print(
            f"  {replicas} replica{'s' if replicas > 1 else ''}: {throughput(args.messages, replicas):.0f} messages/s"
        )


if __name__ == "__main__":
    main()
