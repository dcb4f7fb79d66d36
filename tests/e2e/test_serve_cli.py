"""`flashticket serve` as a process: one clear line for every start-up problem, a clean
SIGTERM, and the two required endpoints."""

from __future__ import annotations

import ctypes
import json
import os
import platform
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.prefork import BACK_OFFICE_NICENESS, bind
from bot.startup_checks import StartupError
from tests.bot_harness import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.processes import ServeProcess, children, descendants, serve_environment, serve_once
from tests.slack_requests import SlackClientSimulator


def environment(tmp_path: Path, slack: FakeSlack, **overrides: str) -> dict[str, str]:
    return serve_environment(f"sqlite:///{tmp_path / 'tickets.db'}", slack.base_url, **overrides)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "must be a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-revoked"}, "Slack refused the bot token: invalid_auth"),
        ({"FLASHTICKET_SUPPORT_CHANNEL": ""}, "FLASHTICKET_SUPPORT_CHANNEL is not set"),
        ({"FLASHTICKET_SUPPORT_CHANNEL": "#support"}, "must be a channel ID"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN must be an app-level token"),
        ({"SLACK_APP_TOKEN": "xapp-revoked"}, "Slack refused SLACK_APP_TOKEN: invalid_auth"),
        ({"PORT": "99999"}, "PORT"),
        ({"SLACK_API_URL": "http://127.0.0.1:1/api/"}, "cannot reach Slack's Web API"),
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "cannot use the database"),
        ({"PROMETHEUS_MULTIPROC_DIR": "/nonexistent/metrics"}, "PROMETHEUS_MULTIPROC_DIR"),
    ],
)
def test_start_up_problems_are_one_clear_line(
    tmp_path: Path, slack: FakeSlack, overrides: dict[str, str], expected: str
) -> None:
    result = serve_once(environment(tmp_path, slack, **overrides), tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines, result.stdout
    assert expected in lines[-1]
    assert "Traceback" not in result.stderr
    assert "xoxb-revoked" not in result.stderr


@pytest.mark.parametrize(
    ("desk", "expected"),
    [
        (
            "teams:\n  - {id: it, name: IT, channel: C0IT}\n"
            "request_types:\n  - {id: access, name: Access, team: hr}\n",
            "request_types[0] (access).team: unknown team 'hr' (teams: it)",
        ),
        (
            "teams:\n  - {id: it, name: IT, channel: it-triage}\n",
            "teams[0] (it).channel: 'it-triage' is not a channel ID such as C0123456789",
        ),
        (
            "teams:\n  - id: it\n    name: IT: Support\n    channel: C0IT\n",
            "YAML syntax error at line 3, column 13: mapping values are not allowed here",
        ),
        (None, "cannot read it (No such file or directory)"),
    ],
    ids=["unknown-team", "not-a-channel-id", "yaml-syntax", "missing-file"],
)
def test_a_wrong_desk_file_is_one_clear_line_before_anything_starts(
    tmp_path: Path, slack: FakeSlack, desk: str | None, expected: str
) -> None:
    desk_file = tmp_path / "desk.yaml"
    if desk is not None:
        desk_file.write_text(desk)
    result = serve_once(
        environment(tmp_path, slack, FLASHTICKET_DESK_FILE=str(desk_file)), tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"flashticket: FLASHTICKET_DESK_FILE {desk_file}: {expected}"
    )
    assert "Traceback" not in result.stderr
    # Nothing half-started: no database made, not a call to Slack.
    assert not (tmp_path / "tickets.db").exists()
    assert slack.calls() == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "holds the database"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is not set"),
    ],
    ids=["metrics-in-the-data-folder", "and-a-setting-wrong-too"],
)
def test_a_metrics_folder_holding_the_data_is_refused_and_nothing_is_removed(
    tmp_path: Path, slack: FakeSlack, overrides: dict[str, str], expected: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    kept = {
        "tickets.db": b"SQLite format 3\x00",
        "tickets-backup.db": b"backup",
        "counter_1.db": b"",
    }
    for name, content in kept.items():
        (data / name).write_bytes(content)
    env = serve_environment(
        f"sqlite:///{data / 'tickets.db'}",
        slack.base_url,
        PROMETHEUS_MULTIPROC_DIR=str(data),
        **overrides,
    )
    result = serve_once(env, tmp_path)
    assert result.returncode != 0
    assert expected in result.stderr.strip().splitlines()[-1]
    assert {path.name: path.read_bytes() for path in data.iterdir()} == kept


def test_port_in_use_is_one_clear_line(tmp_path: Path, slack: FakeSlack) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_once(environment(tmp_path, slack, PORT=str(port)), tmp_path)
    assert result.returncode != 0
    assert f"cannot listen on port {port}" in result.stderr.strip().splitlines()[-1]


@pytest.fixture
def served(tmp_path: Path, slack: FakeSlack) -> Iterator[tuple[subprocess.Popen[str], int]]:
    server = ServeProcess(environment(tmp_path, slack), tmp_path).wait_healthy()
    yield server.process, server.port
    if server.process.poll() is None:
        server.kill()


def test_serve_migrates_serves_and_stops_cleanly_on_sigterm(
    served: tuple[subprocess.Popen[str], int], slack: FakeSlack, tmp_path: Path
) -> None:
    process, port = served
    assert (tmp_path / "tickets.db").exists()
    client = SlackClientSimulator(port, SIGNING_SECRET)
    response = client.command("/ticket", "help", "UALICE0001", trigger_id=slack.issue_trigger_id())
    assert response.status == 200
    assert "/ticket list" in response.json()["text"]
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "shutting down" in stderr
    assert "Traceback" not in stderr
    assert BOT_TOKEN not in stderr
    assert SIGNING_SECRET not in stderr


def test_sigusr1_shows_each_thread_of_the_back_office_and_serving_goes_on(
    served: tuple[subprocess.Popen[str], int], slack: FakeSlack
) -> None:
    process, port = served
    process.send_signal(signal.SIGUSR1)
    client = SlackClientSimulator(port, SIGNING_SECRET)
    response = client.command("/ticket", "help", "UALICE0001", trigger_id=slack.issue_trigger_id())
    assert response.status == 200
    assert process.poll() is None
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "most recent call first" in stderr
    # The back office's own thread, wherever it was (starting, or waiting for a signal).
    assert "bot/prefork.py" in stderr


# tgkill(2): a signal to one thread of a process, as the kernel may choose to deliver one.
TGKILL = {"x86_64": 234, "aarch64": 131}


@pytest.mark.skipif(platform.machine() not in TGKILL, reason="tgkill's number is not known here")
def test_sigterm_that_reaches_another_thread_than_the_main_one_still_stops_serve(
    served: tuple[subprocess.Popen[str], int],
) -> None:
    """The back office's main thread waits for a signal with no timeout; a SIGTERM the
    kernel gives to the delivery worker's or the scheduler's thread must still end it."""
    process, _port = served

    def other_threads() -> list[int]:
        tasks = [int(t.name) for t in Path(f"/proc/{process.pid}/task").iterdir()]
        return [tid for tid in tasks if tid != process.pid]

    # The front answers /healthz while the back office may still be starting its threads.
    deadline = time.monotonic() + 30
    while not other_threads() and time.monotonic() < deadline:
        time.sleep(0.05)  # another process starts its threads; nothing to wait on
    others = other_threads()
    assert others
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(TGKILL[platform.machine()], process.pid, others[0], signal.SIGTERM) == 0
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "shutting down" in stderr


def test_sigterm_lets_the_request_in_flight_finish(
    served: tuple[subprocess.Popen[str], int], slack: FakeSlack
) -> None:
    process, port = served
    slack.fail_next("views.open", 1, delay=1.5, accept=True)  # a slow Slack during /ticket
    client = SlackClientSimulator(port, SIGNING_SECRET)
    answers: list[int] = []
    in_flight = threading.Thread(
        target=lambda: answers.append(
            client.command("/ticket", "", "UALICE0001", trigger_id=slack.issue_trigger_id()).status
        )
    )
    in_flight.start()
    slack.wait_for("views.open")  # the request is now inside the bot, waiting on Slack
    process.send_signal(signal.SIGTERM)
    in_flight.join(timeout=30)
    _, stderr = process.communicate(timeout=30)
    assert answers == [200]
    assert process.returncode == 0, stderr
    # New requests are no longer taken.
    with pytest.raises(ConnectionRefusedError):
        client.command("/ticket", "help", "UALICE0001")


def test_json_logs_are_one_object_per_line_with_the_request_and_no_secret(
    tmp_path: Path, slack: FakeSlack
) -> None:
    server = ServeProcess(
        environment(tmp_path, slack, FLASHTICKET_LOG_FORMAT="json"), tmp_path
    ).wait_healthy()
    try:
        forged = SlackClientSimulator(server.port, "not-the-signing-secret")
        assert forged.command("/ticket", "help", "UALICE0001").status == 401
        client = SlackClientSimulator(server.port, SIGNING_SECRET)
        assert client.command("/ticket", "help", "UALICE0001").status == 200
    finally:
        stderr = server.terminate()
    lines = [json.loads(line) for line in stderr.strip().splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    (rejected,) = [line for line in lines if line["message"].startswith("rejected request")]
    assert len(rejected["request_id"]) == 12
    assert any("shutting down" in line["message"] for line in lines)
    assert BOT_TOKEN not in stderr
    assert SIGNING_SECRET not in stderr


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_answers_from_several_workers_that_count_together(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """Two web workers under a front beside the back office; /metrics adds up what every
    worker answered in a folder `serve` made, which is gone after it stops."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server = ServeProcess(
        environment(tmp_path, slack, FLASHTICKET_WEB_WORKERS="2", TMPDIR=str(scratch)), tmp_path
    ).wait_healthy()
    try:
        # The back office's one child is the front; the front's children are the workers.
        (front,) = children(server.process.pid)
        # /healthz answers once one worker is up; the arbiter forks the other meanwhile.
        deadline = time.monotonic() + 10
        while len(children(front)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the arbiter is forking; nothing to wait on but /proc
        assert len(children(front)) == 2
        # Under a burst the cores go to the workers first: the back office is niced.
        assert niceness(server.process.pid) - niceness(front) == BACK_OFFICE_NICENESS
        assert {niceness(worker) for worker in children(front)} == {niceness(front)}
        commands = 20
        for _ in range(commands):
            # A connection of its own each: either worker may take it.
            client = SlackClientSimulator(server.port, SIGNING_SECRET)
            assert client.command("/ticket", "help", "UALICE0001").status == 200
        for _ in range(5):
            response = SlackClientSimulator(server.port, SIGNING_SECRET).request("GET", "/metrics")
            assert response.status == 200
            answered = sum(
                sample.value
                for family in text_string_to_metric_families(response.body.decode())
                for sample in family.samples
                if sample.name == "flashticket_requests_total"
                and sample.labels.get("outcome") == "ok"
            )
            assert answered == commands
        (made,) = [p.name for p in scratch.iterdir()]
        assert made.startswith("flashticket-metrics-")
    finally:
        stderr = server.terminate()
    assert server.process.returncode == 0, stderr
    assert list(scratch.iterdir()) == []


def test_a_killed_serve_leaves_no_process_and_frees_the_port(
    tmp_path: Path, slack: FakeSlack
) -> None:
    server = ServeProcess(
        environment(tmp_path, slack, FLASHTICKET_WEB_WORKERS="2"), tmp_path
    ).wait_healthy()
    (front,) = children(server.process.pid)
    deadline = time.monotonic() + 10
    while len(children(front)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the arbiter is forking its second worker
    below = descendants(server.process.pid)
    assert len(below) == 3  # the front and both workers, each holding the port
    server.kill()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.05)  # the kernel is ending them (PR_SET_PDEATHSIG); nothing to wait on
    assert not any(alive(pid) for pid in below)
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", server.port))


def test_a_front_that_dies_stops_serve_with_a_failure(tmp_path: Path, slack: FakeSlack) -> None:
    """The front (gunicorn's arbiter) killed: `serve` says so, stops its back office and
    exits 1, not 0 as after a requested stop (a supervisor then starts it again)."""
    server = ServeProcess(environment(tmp_path, slack), tmp_path).wait_healthy()
    (front,) = children(server.process.pid)
    os.kill(front, signal.SIGKILL)
    _, stderr = server.process.communicate(timeout=60)
    assert server.process.returncode == 1, stderr
    assert "the front process ended (exit code -9): stopping" in stderr
    assert "Traceback" not in stderr


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(StartupError, match=f"cannot listen on port {port}"):
            bind("127.0.0.1", port)


def test_a_free_port_is_bound_and_listening() -> None:
    listener = bind("127.0.0.1", 0)
    try:
        with socket.create_connection(listener.getsockname(), timeout=5):
            pass
    finally:
        listener.close()
