"""Two approvers clicking Approve at once on two replicas: exactly one decision each time.

Two `flashticket serve` processes (two replicas) over one PostgreSQL database, the strict
fake Slack as the Web API. A writer in this process opens `--rounds` access requests of a
type approved by two people. For each, two threads wait at a barrier and then send the
two approvers' signed `block_actions` (Approve), one to each replica; the spread of the
two sends is measured (each pair must fall within 50 ms). Afterwards the database must
hold exactly one decision per ticket (one `ticket_approvals` decision, one "approved" in
the history, the ticket New), and of each pair one approver is told their decision is
recorded and the other who decided first (ephemeral, through the response_url). Bounded:
each click waits at most 30 s for its answer, the answers at most 120 s in all.

Run:  FLASHTICKET_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
      .venv/bin/python bench/approval_race_bench.py [--rounds 100]
Prints the rounds, how many had exactly one decision, how many losers were told who
decided, the largest spread of a pair's sends, and the clicks' p50 / p99 answer times.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bot.blocks.ids import APPROVE, action_value
from bot.settings import Settings
from flashticket_core.adapters.db import make_engine
from flashticket_core.adapters.tables import TicketApproval
from flashticket_core.bootstrap import bootstrap
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import HistoryEntry, Ticket
from migrations import runner
from tests.bot_harness import SIGNING_SECRET
from tests.conftest import ADMIN, ALICE
from tests.databases import POSTGRES_URL, PostgresServer
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, serve_environment
from tests.slack_requests import SlackClientSimulator, block_action

ANN, MAX = "UANN000001", "UMAX000001"
IT_CHANNEL = "C0IT000001"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: {IT_CHANNEL}}}
request_types:
  - {{id: access, name: Access request, team: it, approvers: [{ANN}, {MAX}]}}
"""
SAME_MOMENT = 0.050  # seconds: both clicks of a pair are sent within this


def race_one(
    ticket_id: int, replicas: list[SlackClientSimulator], slack: FakeSlack
) -> tuple[float, list[float]]:
    """Both approvers click Approve together, each on another replica; returns the spread
    of the two sends and each click's answer time."""
    value = action_value(ticket_id, 1)
    clicks = [
        block_action(
            approver,
            APPROVE,
            value=value,
            channel=f"D{approver[1:]}",
            response_url=slack.issue_response_url(),
            trigger_id=slack.issue_trigger_id(),
        )
        for approver in (ANN, MAX)
    ]
    start = threading.Barrier(2)
    sent = [0.0, 0.0]
    answered = [0.0, 0.0]

    def click(index: int) -> None:
        start.wait(timeout=30)
        sent[index] = time.perf_counter()
        response = replicas[index].interact(clicks[index])
        answered[index] = time.perf_counter() - sent[index]
        if response.status != 200:
            raise RuntimeError(f"click answered {response.status}")

    threads = [threading.Thread(target=click, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return abs(sent[0] - sent[1]), answered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    server = PostgresServer(POSTGRES_URL)
    server.start()
    if server.error is not None:
        raise SystemExit(server.error)
    database_url = server.url.render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
            run(args.rounds, database_url, Path(folder), slack)
    finally:
        server.stop()


def run(rounds: int, database_url: str, folder: Path, slack: FakeSlack) -> None:
    desk_file = folder / "desk.yaml"
    desk_file.write_text(DESK)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=frozenset({ADMIN}),
        flashticket_desk_file=str(desk_file),
    )
    writer = bootstrap(settings, migrate=runner.upgrade)
    tickets = [
        writer.desk.tickets.open_ticket(ALICE, title=f"Access {n}", request_type="access").id
        for n in range(rounds)
    ]
    processes = []
    for n in range(2):
        # Each replica its own port and folder, both on the one database.
        env = serve_environment(database_url, slack.base_url, FLASHTICKET_DESK_FILE=str(desk_file))
        (folder / f"r{n}").mkdir()
        processes.append(ServeProcess(env, folder / f"r{n}"))
    try:
        for process in processes:
            process.wait_healthy()
        replicas = [SlackClientSimulator(p.port, SIGNING_SECRET) for p in processes]
        spreads: list[float] = []
        answers: list[float] = []
        for ticket_id in tickets:
            spread, answered = race_one(ticket_id, replicas, slack)
            spreads.append(spread)
            answers.extend(answered)
        slack.wait_for("response_url", count=2 * rounds, timeout=120)
    finally:
        for process in processes:
            process.terminate()
        writer.close()
    report(writer_url=database_url, tickets=tickets, slack=slack, spreads=spreads, answers=answers)


def report(
    *,
    writer_url: str,
    tickets: list[int],
    slack: FakeSlack,
    spreads: list[float],
    answers: list[float],
) -> None:
    engine = make_engine(writer_url)
    with engine.connect() as connection:
        decisions = dict(
            connection.execute(
                select(TicketApproval.ticket_id, TicketApproval.decided_by).where(
                    TicketApproval.decided_at.is_not(None)
                )
            ).all()
        )
        recorded: dict[int, int] = dict(
            connection.execute(
                select(HistoryEntry.ticket_id, func.count())
                .where(HistoryEntry.field.in_(["approved", "rejected"]))
                .group_by(HistoryEntry.ticket_id)
            ).all()
        )
        statuses = dict(connection.execute(select(Ticket.id, Ticket.status)).all())
    engine.dispose()
    texts = [str(call.args.get("text")) for call in slack.calls("response_url")]
    exactly_one = sum(
        1
        for ticket_id in tickets
        if ticket_id in decisions
        and recorded.get(ticket_id) == 1
        and statuses.get(ticket_id) is Status.NEW
    )
    told = sum(
        1
        for ticket_id in tickets
        if any(
            f"#{ticket_id} was already approved by <@{decisions.get(ticket_id)}>" in text
            for text in texts
        )
        and any(f"decision on *#{ticket_id}*" in text for text in texts)
    )
    within = sum(1 for spread in spreads if spread <= SAME_MOMENT)
    answers.sort()
    print(f"rounds: {len(tickets)} (pairs sent within 50 ms: {within})")
    print(f"exactly one decision: {exactly_one} of {len(tickets)}")
    print(f"the other approver told who decided: {told} of {len(tickets)}")
    print(f"largest spread of a pair's sends: {max(spreads) * 1000:.1f} ms")
    print(
        f"click answer p50 {statistics.median(answers) * 1000:.1f} ms, "
        f"p99 {answers[int(len(answers) * 0.99) - 1] * 1000:.1f} ms"
    )
    winners = Counter(decisions.values())
    print(f"decided by: {dict(winners)}")


if __name__ == "__main__":
    main()
