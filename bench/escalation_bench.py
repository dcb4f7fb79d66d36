"""From a missed target to its escalation in Slack: the delay, with the strict fake Slack.

The real server (`bot.composition.start`: migrations, the timers' sweep every 5 s, the delivery
worker, the HTTP front) on SQLite, targets around the clock (`high=20s/`, first response only),
the escalations in a channel of their own. Tickets are opened through the help desk in
waves (`--per-second` a second), so their targets fall due spread over time as in a
real morning, not all in one sweep. For each ticket the delay is the time from its
stored due time to the escalation's `chat.postMessage` at the fake Slack. Bounded: the
run waits at most 120 s after the last target for the last escalation.

Run:  .venv/bin/python bench/escalation_bench.py [--timers 500] [--per-second 10]
      [--posts-per-second 0]
Prints p50 / p99 / max of due → escalation, and how many were escalated (once each).
`--posts-per-second 1` paces the escalation channel as Slack would (one post a second
after a burst of 4): then the delay is the channel's queue, not the clock.
"""

from __future__ import annotations

import argparse
import collections
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from flashticket_core.adapters.tables import TicketTarget
from flashticket_core.domain.enums import Priority
from tests.bot_harness import Bot, bot_settings
from tests.fakes.slack_api import FakeSlack

ESCALATIONS = "C0ESCALAT1"
PEOPLE = [f"UBENCH{n:04d}" for n in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=500)
    parser.add_argument("--per-second", type=int, default=10)
    parser.add_argument("--posts-per-second", type=float, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
        slack.set_channel(ESCALATIONS, is_private=True, name="escalations")
        settings = bot_settings(
            f"sqlite:///{folder}/tickets.db",
            slack,
            flashticket_sla="high=20s/",
            flashticket_business_hours="always",
            flashticket_escalation_channel=ESCALATIONS,
            flashticket_sla_warning_percent=99,
            flashticket_posts_per_second=args.posts_per_second,
        )
        bot = Bot(slack, settings).start()
        try:
            delays, escalated = run(bot, slack, args.timers, args.per_second)
        finally:
            bot.stop()
    once = sum(1 for count in escalated.values() if count == 1)
    print(f"targets missed: {args.timers}, opened {args.per_second} a second")
    print(f"escalated: {len(escalated)} tickets, {once} of them exactly once")
    print(
        f"due → escalation: p50 {statistics.median(delays):.2f} s, "
        f"p99 {statistics.quantiles(delays, n=100)[98]:.2f} s, max {max(delays):.2f} s"
    )


def run(
    bot: Bot, slack: FakeSlack, timers: int, per_second: int
) -> tuple[list[float], collections.Counter[int]]:
    desk = bot.running.core.desk
    opened: list[int] = []
    started = time.monotonic()
    for number in range(timers):
        # Waves of `per_second`, each at the start of its second.
        wave_at = started + number // per_second
        while time.monotonic() < wave_at:
            time.sleep(0.01)
        ticket = desk.tickets.open_ticket(
            PEOPLE[number % len(PEOPLE)], title=f"VPN {number}", priority=Priority.HIGH
        )
        opened.append(ticket.id)
    with bot.running.core.database.reading() as session:
        due = dict(
            session.execute(
                select(TicketTarget.ticket_id, TicketTarget.due_at).where(
                    TicketTarget.kind == "first_response"
                )
            ).all()
        )

    def escalations() -> dict[int, list[float]]:
        found: dict[int, list[float]] = collections.defaultdict(list)
        for call in slack.calls("chat.postMessage"):
            if call.args.get("channel") == ESCALATIONS:
                # One ticket's escalation, or a sweep's list of them: each `*#<id>*`.
                for number in re.findall(r"\*#(\d+)\*", str(call.args.get("text"))):
                    found[int(number)].append(call.at)
        return found

    slack.wait_for(lambda _: len(escalations()) >= len(opened), timeout=120 + timers / 4)
    found = escalations()
    delays = [found[ticket_id][0] - due[ticket_id].timestamp() for ticket_id in opened]
    return delays, collections.Counter({t: len(found[t]) for t in opened})


if __name__ == "__main__":
    main()
