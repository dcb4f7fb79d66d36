"""FlashTicket over HTTP against a bare Bolt app on the same server, over loopback.

Both run as their own processes (`flashticket serve`, and bench/bare_bolt_app.py on the
same waitress server and HTTP edge); the fake Slack Web API and this load generator are
processes of their own too. The bare app only acks and writes one SQLite row;
FlashTicket does its real work (the ticket, history and outbox rows, and its delivery
worker posting the DM and the support-channel card to the fake Slack).

Requests are signed exactly as Slack signs them:
  create   a new-ticket modal submission (view_submission)
  list     the slash command `/ticket list`
each at concurrency 1 and 16 (keep-alive connections, one per client thread).

Run:  .venv/bin/python bench/http_bench.py [--requests 400]
Prints p50, p99 and throughput per case and the ratio FlashTicket / bare.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bot_harness import SIGNING_SECRET
from tests.slack_requests import command_body, interaction_body, sign, view_submission

USERS = [f"UBENCH{n:04d}" for n in range(50)]
FORM = "application/x-www-form-urlencoded"


@dataclass
class Result:
    latencies_ms: list[float]
    seconds: float
    errors: int

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds


def new_ticket_body(n: int) -> bytes:
    view = {"type": "modal", "callback_id": "new_ticket", "private_metadata": ""}
    values = {
        "title": {"type": "plain_text_input", "value": f"Benchmark ticket {n}"},
        "description": {"type": "plain_text_input", "value": "Measured over loopback."},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    payload = view_submission(
        USERS[n % len(USERS)], view, values, view_id=f"V{uuid.uuid4().hex[:12].upper()}"
    )
    return interaction_body(payload)


def list_body(n: int) -> bytes:
    return command_body("/ticket", "list", USERS[n % len(USERS)])


def fire(port: int, make_body: Callable[[int], bytes], total: int, concurrency: int) -> Result:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            body = make_body(n)
            headers = {"Content-Type": FORM, **sign(body, SIGNING_SECRET)}
            started = time.perf_counter()
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(latencies, time.perf_counter() - began, errors)


def wait_for_empty_outbox(database: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            (pending,) = connection.execute(
                "SELECT count(*) FROM outbox_messages WHERE status = 'pending'"
            ).fetchone()
        if pending == 0:
            return
        time.sleep(0.1)  # another process delivers; polling its database is all there is
    raise RuntimeError("FlashTicket's outbox did not drain")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)  # a process starting up: nothing to wait on but the port
    raise RuntimeError("server did not become healthy")


def start_server(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_healthy(port, process)
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per case")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    directory = Path(tempfile.mkdtemp(prefix="flashticket-http-bench-"))
    cases = [("create", new_ticket_body), ("list", list_body)]
    results: dict[tuple[str, str, int], Result] = {}
    # Three processes besides this load generator: the fake Slack, FlashTicket and the
    # bare app, so no two of them share an interpreter lock.
    root = Path(__file__).resolve().parent.parent
    slack = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.slack_api"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert slack.stdout is not None
    base_url = slack.stdout.readline().decode().strip()
    ports = {"bare": free_port(), "flashticket": free_port()}
    common = {
        **os.environ,
        "PYTHONPATH": str(root),
        "SLACK_API_URL": base_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "FLASHTICKET_SUPPORT_CHANNEL": "C0SUPPORT1",
        "FLASHTICKET_ADMINS": "UBENCHADMIN",
    }
    commands = {
        "bare": [sys.executable, str(root / "bench" / "bare_bolt_app.py")],
        "flashticket": [sys.executable, "-m", "bot.cli", "serve"],
    }
    servers = {
        target: start_server(
            command,
            {
                **common,
                "PORT": str(ports[target]),
                "DATABASE_URL": f"sqlite:///{directory / (target + '.db')}",
            },
            ports[target],
        )
        for target, command in commands.items()
    }
    try:
        for name, make_body in cases:
            for concurrency in (1, 16):
                for target in ("bare", "flashticket"):
                    # Each case starts with FlashTicket's outbox delivered, so one case's
                    # messages do not load the next; within a case they do, as in life.
                    wait_for_empty_outbox(directory / "flashticket.db")
                    fire(ports[target], make_body, 30, concurrency)  # warm-up
                    results[(name, target, concurrency)] = fire(
                        ports[target], make_body, args.requests, concurrency
                    )
    finally:
        for process in servers.values():
            stop_server(process)
        assert slack.stdin is not None
        slack.stdin.close()
        slack.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)
    print(f"{args.requests} signed requests per case over loopback\n")
    print(
        f"{'case':<8}{'conc':>5}  {'target':<12}{'p50 ms':>8}{'p99 ms':>9}{'req/s':>9}{'errors':>8}"
    )
    for (name, target, concurrency), result in results.items():
        print(
            f"{name:<8}{concurrency:>5}  {target:<12}{result.p50:>8.2f}{result.p99:>9.2f}"
            f"{result.throughput:>9.0f}{result.errors:>8}"
        )
    print("\nFlashTicket / bare Bolt (p50, p99, throughput):")
    for name, _ in cases:
        for concurrency in (1, 16):
            ours, bare_result = (
                results[(name, "flashticket", concurrency)],
                results[(name, "bare", concurrency)],
            )
            print(
                f"  {name:<7} c={concurrency:<3} p50 {ours.p50 / bare_result.p50:5.2f}x   "
                f"p99 {ours.p99 / bare_result.p99:5.2f}x   throughput {ours.throughput / bare_result.throughput:5.2f}x"
            )
    print(json.dumps({"errors": sum(r.errors for r in results.values())}))


if __name__ == "__main__":
    main()
