"""Crashes and replicas: a bot killed mid-delivery, and two bots on one PostgreSQL
database, still deliver every message once, in order per ticket."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from flashticket_core.adapters.tables import OutboxMessage
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import Role
from migrations import runner
from tests.bot_harness import SUPPORT_CHANNEL
from tests.conftest import ADMIN, SUPPORT
from tests.fakes.slack_api import Call, FakeSlack
from tests.processes import ServeProcess, serve_environment


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """Message timestamps in wall-clock seconds, as Slack's: a read-back after a crash
    looks from when the message was written."""
    with FakeSlack(ts_epoch=int(time.time())) as fake:
        yield fake


@contextmanager
def writer(database_url: str) -> Iterator[Core]:
    """The core in this process, writing tickets the serve processes deliver."""
    settings = Settings(_env_file=None, database_url=database_url, flashticket_admins=ADMIN)  # type: ignore[call-arg]
    core = bootstrap(settings, migrate=runner.upgrade)
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    try:
        yield core
    finally:
        core.close()


def make_tickets(core: Core, count: int) -> int:
    """`count` tickets, each opened, taken and answered: 7 messages per ticket."""
    desk = core.desk
    for n in range(count):
        reporter = f"UREP{n % 97:06d}"
        ticket = desk.tickets.open_ticket(reporter, title=f"Ticket number {n}")
        desk.tickets.take(SUPPORT, ticket.id)
        desk.conversation.add_support_reply(SUPPORT, ticket.id, f"Answer {n}")
    with core.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def expected_messages(core: Core) -> int:
    with core.engine.connect() as connection:
        return int(
            connection.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != "superseded")
            )
            or 0
        )


def successful(slack: FakeSlack) -> list[Call]:
    return [
        c
        for c in slack.calls()
        if c.method in ("chat.postMessage", "chat.update") and c.response.get("ok")
    ]


def message_key(call: Call) -> str:
    return json.dumps(
        [
            call.method,
            call.args.get("channel"),
            call.args.get("ts"),
            call.args.get("thread_ts"),
            call.args.get("text"),
        ]
    )


def assert_in_order_per_ticket(calls: list[Call]) -> None:
    """Every reply in a DM or card thread came after the message it threads under."""
    position = {
        c.response.get("ts"): i for i, c in enumerate(calls) if c.method == "chat.postMessage"
    }
    for index, call in enumerate(calls):
        thread_ts = call.args.get("thread_ts")
        if thread_ts:
            assert position[thread_ts] < index


def wait_all_done(core: Core, slack: FakeSlack, timeout: float) -> None:
    def done(_: list[Call]) -> bool:
        with core.engine.connect() as connection:
            pending = connection.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            )
        return pending == 0

    slack.wait_for(done, timeout=timeout)


def test_killed_mid_delivery_then_restarted_delivers_everything(
    tmp_path: Path, slack: FakeSlack, sqlite_database_url: str
) -> None:
    with writer(sqlite_database_url) as core:
        killed_and_restarted(tmp_path, slack, core, sqlite_database_url)


def killed_and_restarted(tmp_path: Path, slack: FakeSlack, writer: Core, database_url: str) -> None:
    env = serve_environment(database_url, slack.base_url, FLASHTICKET_DELIVERY_LEASE_SECONDS="2")
    # Slack accepts the first message but the answer never comes back in time.
    slack.fail_next("chat.postMessage", 1, delay=60, accept=True)
    first = ServeProcess(env, tmp_path).wait_healthy()
    make_tickets(writer, 20)
    slack.wait_for(lambda calls: any(c.faulted for c in calls))
    first.kill()  # SIGKILL while that message is in flight
    second = ServeProcess(env, tmp_path).wait_healthy()
    try:
        wait_all_done(writer, slack, timeout=90)
    finally:
        second.terminate()
    calls = successful(slack)
    counts = Counter(message_key(c) for c in calls if c.method == "chat.postMessage")
    # The message Slack accepted while the sender died is found by the next worker's
    # read-back (its outbox id is in its metadata), not posted again.
    assert max(counts.values()) == 1, {k: n for k, n in counts.items() if n > 1}
    assert slack.calls("conversations.history") or slack.calls("conversations.replies")
    with writer.engine.connect() as connection:
        failed = connection.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
        )
    assert failed == 0
    assert_in_order_per_ticket(calls)


def test_two_replicas_on_postgresql_deliver_each_message_once(
    tmp_path: Path, slack: FakeSlack, postgres_database_url: str
) -> None:
    with writer(postgres_database_url) as core:
        two_replicas(tmp_path, slack, core, postgres_database_url)


def two_replicas(tmp_path: Path, slack: FakeSlack, writer: Core, database_url: str) -> None:
    make_tickets(writer, 300)
    expected = expected_messages(writer)
    assert expected >= 2000
    replicas = [
        # Throughput against a fake Slack that sets no pace: the bot sets none either.
        ServeProcess(
            serve_environment(database_url, slack.base_url, FLASHTICKET_POSTS_PER_SECOND="0"),
            tmp_path / f"r{n}",
        )
        for n in range(2)
        if (tmp_path / f"r{n}").mkdir() is None
    ]
    try:
        for replica in replicas:
            replica.wait_healthy()
        wait_all_done(writer, slack, timeout=240)
    finally:
        for replica in replicas:
            replica.terminate()
    calls = successful(slack)
    posts = [c for c in calls if c.method == "chat.postMessage"]
    counts = Counter(message_key(c) for c in posts)
    assert max(counts.values()) == 1  # no duplicates
    with writer.engine.connect() as connection:
        sent = connection.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
        workers = connection.scalar(
            select(func.count(func.distinct(OutboxMessage.claimed_by))).where(
                OutboxMessage.status == "sent"
            )
        )
    assert sent == len(calls)  # every delivered message is recorded once, nothing lost
    assert workers == 2  # both replicas did part of the work
    assert_in_order_per_ticket(calls)
    cards = [
        c for c in posts if c.args["channel"] == SUPPORT_CHANNEL and not c.args.get("thread_ts")
    ]
    assert len(cards) == 300
