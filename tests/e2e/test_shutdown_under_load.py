"""SIGTERM during a burst of new tickets: every acknowledged submission's ticket is
stored with its messages, nothing twice, the process exits 0, and the next start
delivers what was left in the outbox, each message once."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot import blocks
from flashticket_core.i18n import Language
from flashticket_core.service_layer.outbox import MessageKind
from tests.bot_harness import SIGNING_SECRET, SUPPORT_CHANNEL
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, serve_environment
from tests.slack_requests import interaction_body, sign, view_submission

SUBMISSIONS = 200
CONNECTIONS = 16
ACKS_BEFORE_SIGNAL = 40
EXIT_SECONDS = 30
SLOW_POSTS = 40
# What a new ticket writes to the outbox in its own transaction.
NEW_TICKET_MESSAGES = {MessageKind.SUPPORT_POST, MessageKind.REPORTER_ROOT}

ACKED, REFUSED, UNANSWERED = "acked", "refused", "unanswered"


def title_of(n: int) -> str:
    return f"Burst ticket {n:03d}"


def submission(n: int) -> bytes:
    view = blocks.new_ticket_modal(Language.EN)
    payload = view_submission(
        f"UBURST{n % 20:04d}",
        view,
        {
            "title": {"type": "plain_text_input", "value": title_of(n)},
            "description": {"type": "plain_text_input", "value": "Sent during a burst."},
            "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
        },
        view_id=f"VBURST{n:05d}",
    )
    return interaction_body(payload)


def submit(port: int, body: bytes) -> tuple[str, bytes]:
    """One submission over its own connection: acked (200), refused (another status or
    no connection), or unanswered (the connection was cut before an answer came)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, SIGNING_SECRET)}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
        except OSError:
            return REFUSED, b""
        try:
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            return UNANSWERED, b""
        return (ACKED if response.status == 200 else REFUSED), answer
    finally:
        connection.close()


def burst(port: int, on_ack: Callable[[int], None]) -> dict[int, tuple[str, bytes]]:
    outcomes: dict[int, tuple[str, bytes]] = {}
    lock = threading.Lock()

    def one(n: int) -> None:
        outcome = submit(port, submission(n))
        with lock:
            outcomes[n] = outcome
            acks = sum(1 for kind, _ in outcomes.values() if kind == ACKED)
        if outcome[0] == ACKED:
            on_ack(acks)

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(one, range(SUBMISSIONS)))
    return outcomes


def stored(database_url: str) -> tuple[Counter[str], dict[str, set[str]], int, int]:
    """Tickets by title, the outbox kinds of each title, the pending messages and how
    many of those a worker still holds."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            titles = Counter(
                str(title)
                for (title,) in connection.execute(
                    text("SELECT title FROM tickets WHERE title LIKE 'Burst ticket %'")
                )
            )
            kinds: dict[str, set[str]] = {}
            for title, kind in connection.execute(
                text(
                    "SELECT t.title, o.kind FROM tickets t "
                    "JOIN outbox_messages o ON o.ticket_id = t.id"
                )
            ):
                kinds.setdefault(str(title), set()).add(str(kind))
            pending = int(
                connection.scalar(
                    text("SELECT count(*) FROM outbox_messages WHERE status = 'pending'")
                )
                or 0
            )
            held = int(
                connection.scalar(
                    text(
                        "SELECT count(*) FROM outbox_messages "
                        "WHERE status = 'pending' AND claimed_until IS NOT NULL"
                    )
                )
                or 0
            )
    finally:
        engine.dispose()
    return titles, kinds, pending, held


def cards(slack: FakeSlack) -> Counter[str]:
    """The support-channel cards Slack took, by the burst ticket they show."""
    posted: Counter[str] = Counter()
    for call in slack.calls():
        if (
            call.method == "chat.postMessage"
            and call.ok
            and call.args.get("channel") == SUPPORT_CHANNEL
            and not call.args.get("thread_ts")
        ):
            shown = json.dumps(call.args)
            posted.update(title_of(n) for n in range(SUBMISSIONS) if title_of(n) in shown)
    return posted


def posts_once(slack: FakeSlack) -> bool:
    keys = Counter(
        json.dumps([c.args.get("channel"), c.args.get("thread_ts"), c.args.get("text")])
        for c in slack.calls()
        if c.method == "chat.postMessage" and c.ok
    )
    twice = {k: n for k, n in keys.items() if n > 1}
    assert not twice, twice
    return True


# SIGTERM (what a container stop sends) on both databases; SIGINT (Ctrl-C) takes the
# same path, once is enough.
@pytest.mark.parametrize(
    ("database", "signum"),
    [
        ("sqlite", signal.SIGTERM),
        ("postgres", signal.SIGTERM),
        ("sqlite", signal.SIGINT),
    ],
    ids=["sqlite-SIGTERM", "postgres-SIGTERM", "sqlite-SIGINT"],
)
def test_a_signal_during_a_burst_loses_no_acknowledged_ticket(
    tmp_path: Path,
    slack: FakeSlack,
    request: pytest.FixtureRequest,
    database: str,
    signum: signal.Signals,
) -> None:
    database_url: str = request.getfixturevalue(f"{database}_database_url")
    # Slack's pace would spread the restart's 100-odd support cards over as many seconds;
    # the paced channel has tests of its own (integration, test_delivery_read_back).
    env = serve_environment(database_url, slack.base_url, FLASHTICKET_POSTS_PER_SECOND="0")
    # A slow, failing Slack: the delivery worker is mid-message when the signal comes,
    # and the outbox still holds messages (backed off) for the next start.
    slack.fail_next("chat.postMessage", SLOW_POSTS, delay=0.2)
    server = ServeProcess(env, tmp_path).wait_healthy()
    signalled = threading.Event()

    def on_ack(acks: int) -> None:
        if acks >= ACKS_BEFORE_SIGNAL and not signalled.is_set():
            signalled.set()
            server.process.send_signal(signum)

    try:
        outcomes = burst(server.port, on_ack)
        try:
            _, stderr = server.process.communicate(timeout=EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve did not stop; its threads:\n{server.stacks()}") from None
    finally:
        if server.process.poll() is None:
            server.kill()
    assert signalled.is_set()
    assert server.process.returncode == 0, stderr
    assert "Traceback" not in stderr

    acked = {title_of(n) for n, (kind, _) in outcomes.items() if kind == ACKED}
    # A plain ack: no acknowledged submission was turned away with form errors.
    assert all(body == b"" for kind, body in outcomes.values() if kind == ACKED)
    titles, kinds, pending, held = stored(database_url)
    assert acked <= set(titles), sorted(acked - set(titles))
    assert max(titles.values()) == 1
    # Nothing half-written: a stored ticket has its card and its reporter's DM.
    assert all(kinds.get(title, set()) >= NEW_TICKET_MESSAGES for title in titles)
    assert ACKS_BEFORE_SIGNAL <= len(acked) <= len(titles) < SUBMISSIONS
    assert pending > 0
    # The worker let go of what it had claimed: the next start need not wait out a lease.
    assert held == 0
    print(
        f"{database} {signal.Signals(signum).name}: {len(acked)} acked, "
        f"{len(titles)} stored, {pending} messages pending, {Counter(kind for kind, _ in outcomes.values())}"
    )

    # The next start delivers what the first left pending, each message once.
    restarted = ServeProcess(env, tmp_path).wait_healthy()
    try:
        slack.wait_for(lambda _: stored(database_url)[2] == 0, timeout=120)
    except AssertionError:
        raise AssertionError(
            f"the restart left messages pending; its threads:\n{restarted.stacks()}"
        ) from None
    stderr = restarted.terminate()
    assert restarted.process.returncode == 0, stderr
    assert cards(slack) == Counter(set(titles))
    assert posts_once(slack)
