"""Tickets made from a reaction: Web API calls per ticket, and the time from the
reaction to the ticket's card in the support channel, with the strict fake Slack.

The real server (`bot.composition.start`: migrations, delivery worker, the HTTP front) on SQLite,
the fake workspace over loopback, reaction_added events signed as Slack signs them,
one at a time. Bounded: each ticket waits at most 10 s for its card.

Run:  .venv/bin/python bench/reaction_bench.py [--tickets 200]
Prints the calls per ticket by method, and p50 / p99 of reaction → card.
"""

from __future__ import annotations

import argparse
import collections
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import event_envelope

CHANNEL = "C0GENERAL1"
PEOPLE = [f"UBENCH{n:04d}" for n in range(20)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
        slack.set_channel(CHANNEL, is_private=False, name="general")
        # A few people react to each other's messages far faster than anyone may
        # (FLASHTICKET_INTAKE_LIMIT): this measures the path, not the rate.
        settings = bot_settings(
            f"sqlite:///{folder}/tickets.db", slack, flashticket_intake_limit="off"
        )
        bot = Bot(slack, settings).start()
        try:
            latencies, per_ticket = run(bot, slack, args.tickets)
        finally:
            bot.stop()
    print(f"tickets from a reaction: {args.tickets}")
    total = sum(per_ticket.values())
    print(f"Web API calls per ticket: {total / args.tickets:.2f}")
    for method, count in sorted(per_ticket.items()):
        print(f"  {method:24} {count / args.tickets:.2f}")
    print(
        f"reaction → support card: p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms"
    )


def run(bot: Bot, slack: FakeSlack, tickets: int) -> tuple[list[float], collections.Counter[str]]:
    latencies: list[float] = []
    before = len(slack.calls())
    for number in range(1, tickets + 1):
        author, reactor = PEOPLE[number % len(PEOPLE)], PEOPLE[(number + 1) % len(PEOPLE)]
        message = slack.person_posts(author, CHANNEL, f"Printer {number} is jammed")
        event = slack.reaction_added(reactor, message, "ticket")
        started = time.perf_counter()
        response = bot.http.event(event_envelope(event))
        assert response.status == 200, response.body

        def has_card(calls: list[Call], number: int = number) -> bool:
            return any(
                c.method == "chat.postMessage"
                and c.args.get("channel") == SUPPORT_CHANNEL
                and not c.args.get("thread_ts")
                and f"#{number}:" in str(c.args.get("text"))
                for c in calls[before:]
            )

        slack.wait_for(has_card, timeout=10)
        latencies.append((time.perf_counter() - started) * 1000)
    # Every message a ticket causes (DM root, card, confirmation) is out before counting.
    expected = 3 * tickets
    slack.wait_for(
        lambda calls: (
            len([c for c in calls[before:] if c.method == "chat.postMessage"]) >= expected
        ),
        timeout=30,
    )
    per_ticket = collections.Counter(c.method for c in slack.calls()[before:])
    return latencies, per_ticket


if __name__ == "__main__":
    main()
