"""Files relayed from a reporter's DM thread: Web API calls per file, bytes down and up
per file, and the time from the event to the file shared in the support thread, with the
strict fake Slack.

The real server (`bot.composition.start`: migrations, delivery worker, the HTTP front) on SQLite,
the fake workspace over loopback; each reply carries one file of `--size` bytes (1 MB by
default) and is delivered twice, as Slack redelivers an event it thinks was missed.
Calls are counted from the event to the file shared (the reply's own text is one
chat.postMessage of its own and not counted).

Run:  .venv/bin/python bench/file_bench.py [--files 20] [--size 1048576]
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bot_harness import Bot, bot_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import dm_thread_reply, event_envelope

REPORTER = "UBENCH0001"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
        bot = Bot(slack, bot_settings(f"sqlite:///{folder}/tickets.db", slack)).start()
        try:
            latencies, calls, down, up = run(bot, slack, args.files, args.size)
        finally:
            bot.stop()
    n = args.files
    print(f"files relayed: {n} of {args.size:,} bytes, each event delivered twice")
    print(f"Web API calls per file relay: {sum(calls.values()) / n:.2f}")
    for method, count in sorted(calls.items()):
        print(f"  {method:30} {count / n:.2f}")
    print(f"bytes down per file: {down / n:,.0f}   bytes up per file: {up / n:,.0f}")
    print(
        f"event → file shared: p50 {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms"
    )


def run(
    bot: Bot, slack: FakeSlack, files: int, size: int
) -> tuple[list[float], collections.Counter[str], int, int]:
    ticket_id = bot.open_ticket(REPORTER, "Printer")
    root = bot.dm_root(ticket_id).response
    slack.wait_for(lambda calls: len([c for c in calls if c.method == "chat.postMessage"]) >= 2)
    time.sleep(0.5)
    calls: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    down = up = 0
    for number in range(files):
        file = slack.host_file(REPORTER, f"log-{number}.bin", os.urandom(size))
        event = dm_thread_reply(REPORTER, root["channel"], root["ts"], f"log {number}")
        event.update(subtype="file_share", files=[file])
        before = len(slack.calls())
        started = time.perf_counter()
        for _ in range(2):
            response = bot.http.event(event_envelope(event, event_id=f"EvBENCH{number:04d}"))
            assert response.status == 200, response.body
        slack.wait_for("files.completeUploadExternal", count=number + 1, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
        relay = [
            c
            for c in slack.calls()[before:]
            if not (c.method == "chat.postMessage" and "log" in str(c.args.get("text")))
        ]
        calls.update(c.method for c in relay)
        down += sum(int(c.response.get("size", 0)) for c in relay if c.method == "download")
        up += sum(int(c.args.get("size", 0)) for c in relay if c.method == "upload")
    return latencies, calls, down, up


if __name__ == "__main__":
    main()
