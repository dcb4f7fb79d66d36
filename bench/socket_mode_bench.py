"""Socket Mode acks under a burst: `flashticket serve` with an app token takes new-ticket
submissions over the WebSocket, as many in flight as the concurrency allows.

This process runs the fake Slack Web API and the fake Socket Mode server (slack_sdk's
own client in the bot connects to it); `flashticket serve` runs as its own processes.
Each submission is an envelope (`interactive`, a view_submission with its own view id);
a client thread sends the next one when the last is acked. The ack time is the fake
server's, from sending an envelope to receiving its ack (Slack allows 3 s).

Run:  .venv/bin/python bench/socket_mode_bench.py [--requests 1000] [--concurrency 16 64]
                                                [--workers N]
Prints p50, p99, max ack time and throughput per concurrency, the share of a core this
process kept busy (it shares the machine with `serve`), and the tickets stored.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode
from tests.processes import ServeProcess, serve_environment
from tests.slack_requests import view_submission

ROOT = Path(__file__).resolve().parent.parent
USERS = [f"USOCKET{n:03d}" for n in range(50)]


def submission(n: int) -> dict[str, object]:
    view = {"type": "modal", "callback_id": "new_ticket", "private_metadata": ""}
    values = {
        "title": {"type": "plain_text_input", "value": f"Socket Mode ticket {n}"},
        "description": {"type": "plain_text_input", "value": "Sent over the WebSocket."},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    return view_submission(
        USERS[n % len(USERS)], view, values, view_id=f"V{uuid.uuid4().hex[:12].upper()}"
    )


def burst(
    fake: FakeSocketMode, start: int, total: int, concurrency: int
) -> tuple[list[float], float, float]:
    """Ack seconds of `total` submissions, `concurrency` in flight; the wall time; and the
    cores this process (the fakes and the load) kept busy meanwhile."""
    numbers = iter(range(start, start + total))
    lock = threading.Lock()
    seconds: list[float] = []

    def client() -> None:
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            envelope = fake.send_envelope("interactive", submission(n))
            fake.wait_ack(envelope, timeout=30)
            with lock:
                seconds.append(fake.ack_seconds(envelope))

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return seconds, wall, (time.process_time() - cpu) / wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000, help="submissions per case")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="FLASHTICKET_WEB_WORKERS: front processes, one connection each (default: cores)",
    )
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="flashticket-socket-bench-"))
    database = directory / "tickets.db"
    results = {}
    with FakeSlack() as slack, FakeSocketMode() as fake:
        slack.socket_mode_url = fake.url
        env = serve_environment(
            f"sqlite:///{database}",
            slack.base_url,
            SLACK_APP_TOKEN="xapp-test-token",
            FLASHTICKET_POSTS_PER_SECOND="0",
            FLASHTICKET_WEB_WORKERS=str(args.workers),
        )
        server = ServeProcess(env, ROOT).wait_healthy()
        try:
            fake.wait_connected(timeout=30, count=min(args.workers, 10))
            burst(fake, 0, 50, 4)  # warm-up
            sent = 50
            for concurrency in args.concurrency:
                results[concurrency] = burst(fake, sent, args.requests, concurrency)
                sent += args.requests
        finally:
            server.process.send_signal(signal.SIGTERM)
            server.process.communicate(timeout=60)
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute("SELECT count(*) FROM tickets").fetchone()
    shutil.rmtree(directory, ignore_errors=True)
    print(
        f"{args.requests} new-ticket submissions per case over Socket Mode, {os.cpu_count()} "
        f"cores, {args.workers} front process(es) with a connection each\n"
    )
    print(
        f"{'conc':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'acks/s':>9}{'over 1 s':>10}"
        f"{'fakes cpu':>11}"
    )
    for concurrency, (seconds, wall, busy) in results.items():
        ms = [s * 1000 for s in seconds]
        print(
            f"{concurrency:>5}{statistics.median(ms):>9.1f}"
            f"{statistics.quantiles(ms, n=100)[98]:>9.1f}{max(ms):>9.1f}"
            f"{len(ms) / wall:>9.0f}{sum(1 for m in ms if m > 1000):>10}{busy:>10.0%}"
        )
    print("fakes cpu: the cores this process (the fake Slack, its Socket Mode, the load) used")
    print(f"\ntickets stored: {stored} of {sent} sent")


if __name__ == "__main__":
    main()
