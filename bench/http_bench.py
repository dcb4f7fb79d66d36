"""FlashTicket over HTTP against two bare Bolt apps, in one run, over loopback.

Targets, each a process of its own (as are the fake Slack Web API and this load
generator):
  bare-bolt   bench/bare_bolt_app.py: Bolt's threaded `App` behind the same HTTP server
              (one worker of it) and HTTP edge as FlashTicket; acks, writes one row
  bare-async  bench/bare_async_app.py: Bolt's `AsyncApp` on aiohttp; acks, writes one row
  flashticket `flashticket serve` (gunicorn's workers, the delivery worker beside them),
              doing its real work: the ticket, its history, targets and outbox rows, and
              the delivery of the DM and the support card to the fake Slack

Requests are signed exactly as Slack signs them, made and signed before a case starts:
  create   a new-ticket modal submission (view_submission), each from its own view id
  typed    the same, of a request type with five fields (text, select, number, date,
           email) chosen in the form's "Request type" select; with --typed-form,
           FlashTicket runs with a desk file of that type and of one without fields,
           which `create` then chooses, so the two are measured on the same server in
           the same run
  list     the slash command `/ticket list`
at concurrency 1, 16 and 64 (keep-alive connections, one per client; a server that closes
one gets a new one, the time to connect counted in that request).

For each case: p50, p99 and max ack time, throughput, and CPU per request (user + sys
seconds of the target's processes during the case, over its requests), and the fake
Slack's CPU per request meanwhile (the same machine's cores answer FlashTicket's posts). After each
create case, how long FlashTicket's outbox took to be delivered. FlashTicket does not
pace its posts here (the fake Slack sets no rate limit); bench/delivery_bench.py
measures the paced support channel.

With --assignment a second FlashTicket (flashticket-rr) runs beside the first, its one
team giving new tickets out in turn to three members (`assignment: round_robin`, whom
the fake Slack shows available), the first the same team without a rule: the CPU per
new ticket with assignment on and off, in the same run.

Run:  .venv/bin/python bench/http_bench.py [--requests 1000] [--concurrency 1 16 64]
          [--typed-form] [--assignment] [--cases create typed list]
Prints a table and the ratios FlashTicket / best bare app (p99, max, throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from tests.bot_harness import SIGNING_SECRET
from tests.processes import descendants
from tests.slack_requests import command_body, interaction_body, sign, view_submission

ROOT = Path(__file__).resolve().parent.parent
USERS = [f"UBENCH{n:04d}" for n in range(50)]
FORM = "application/x-www-form-urlencoded"
TARGETS = ("bare-bolt", "bare-async", "flashticket")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    latencies_ms: list[float]
    seconds: float
    errors: int
    cpu_seconds: float
    # The fake Slack's, answering what the target posted during the case.
    slack_cpu_seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[98]

    @property
    def max(self) -> float:
        return max(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds / len(self.latencies_ms) * 1000

    @property
    def slack_cpu_ms_per_request(self) -> float:
        return self.slack_cpu_seconds / len(self.latencies_ms) * 1000


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


# The desk file of --typed-form: one team in the support channel, a request type with
# five fields and one without (a plain ticket, where a desk has types).
TYPED_DESK = """\
teams:
  - {id: it, name: IT, channel: C0SUPPORT1}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}
      - {id: count, label: How many, type: number}
      - {id: since, label: Since, type: date}
      - {id: contact, label: Contact, type: email}
  - {id: access, name: Access, team: it}
"""


# The desk files of --assignment: one team in the support channel, of three members,
# giving its tickets out in turn (flashticket-rr) or not (flashticket).
ASSIGNMENT_DESK = """\
teams:
  - {{id: it, name: IT, channel: C0SUPPORT1, members: [UBENCHSUP1, UBENCHSUP2, UBENCHSUP3],
      assignment: {rule}}}
"""


def chosen_type(body: bytes, type_id: str) -> bytes:
    """The submission with `type_id` chosen in the form's Request type select."""
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    payload["view"]["state"]["values"]["request_type"] = {
        "new_ticket.request_type": {
            "type": "static_select",
            "selected_option": {"value": type_id},
        }
    }
    return interaction_body(payload)


def plain_typed_body(n: int) -> bytes:
    """A plain new ticket where the desk has request types: of the type without fields."""
    return chosen_type(new_ticket_body(n), "access")


def typed_ticket_body(n: int) -> bytes:
    """A new ticket of the type with five fields, every field filled in."""
    view = {"type": "modal", "callback_id": "new_ticket", "private_metadata": ""}
    values = {
        "title": {"type": "plain_text_input", "value": f"Benchmark ticket {n}"},
        "description": {"type": "plain_text_input", "value": "Measured over loopback."},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    fields = {
        "asset_tag": {"type": "plain_text_input", "value": f"A-{n}"},
        "floor": {"type": "static_select", "selected_option": {"value": "1. OG"}},
        "count": {"type": "number_input", "value": str(n % 7 + 1)},
        "since": {"type": "datepicker", "selected_date": "2026-03-01"},
        "contact": {"type": "email_text_input", "value": f"person{n}@example.org"},
    }
    payload = view_submission(
        USERS[n % len(USERS)], view, values, view_id=f"V{uuid.uuid4().hex[:12].upper()}"
    )
    state = payload["view"]["state"]["values"]
    for field_id, element in fields.items():
        state[f"field.hardware.{field_id}"] = {"value": element}
    return chosen_type(interaction_body(payload), "hardware")


def list_body(n: int) -> bytes:
    return command_body("/ticket", "list", USERS[n % len(USERS)])


def signed_request(port: int, body: bytes) -> bytes:
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": FORM,
        "Content-Length": str(len(body)),
        **sign(body, SIGNING_SECRET),
    }
    head = "POST /slack/events HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


@dataclass
class Connection:
    """A client's keep-alive connection; None until opened, again after the server
    closed it."""

    streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def exchange(self, port: int, request: bytes) -> int:
        """One request and its answer's status."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = self.streams
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
        }
        await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def fire_async(port: int, requests: list[bytes], concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    pending = iter(requests)

    async def client() -> None:
        nonlocal errors
        connection = Connection()
        for request in pending:
            started = time.perf_counter()
            try:
                status = await connection.exchange(port, request)
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                connection.close()
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors += 1
        connection.close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors


def cpu_seconds(root: int) -> float:
    """User + sys seconds of a process and every process under it."""
    total = 0
    for pid in {root, *descendants(root)}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def fire(
    port: int,
    pids: tuple[int, int],
    make_body: Callable[[int], bytes],
    total: int,
    concurrency: int,
) -> Result:
    """The requests at `concurrency`; `pids`: the target's process and the fake Slack's."""
    target, slack = pids
    requests = [signed_request(port, make_body(n)) for n in range(total)]
    cpu_before, slack_before = cpu_seconds(target), cpu_seconds(slack)
    began = time.perf_counter()
    latencies, errors = asyncio.run(fire_async(port, requests, concurrency))
    seconds = time.perf_counter() - began
    return Result(
        latencies,
        seconds,
        errors,
        cpu_seconds(target) - cpu_before,
        cpu_seconds(slack) - slack_before,
    )


def pending_messages(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            pending = connection.scalar(
                text("SELECT count(*) FROM outbox_messages WHERE status = 'pending'")
            )
    finally:
        engine.dispose()
    return int(pending or 0)


def ticket_count(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM tickets")) or 0)
    finally:
        engine.dispose()


def wait_for_empty_outbox(database_url: str, timeout: float = 300) -> float:
    """Seconds until FlashTicket's outbox has nothing pending."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if pending_messages(database_url) == 0:
            return time.monotonic() - began
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
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000, help="requests per case")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--workers", default="", help="FLASHTICKET_WEB_WORKERS (default: cores)")
    parser.add_argument(
        "--database-url",
        help="FlashTicket's database, e.g. an empty PostgreSQL one (default: a SQLite file)",
    )
    parser.add_argument(
        "--typed-form",
        action="store_true",
        help="FlashTicket with a desk file of a request type with five fields",
    )
    parser.add_argument(
        "--assignment",
        action="store_true",
        help="a second FlashTicket whose team assigns new tickets in turn (flashticket-rr)",
    )
    parser.add_argument(
        "--cases", nargs="+", choices=["create", "typed", "list"], help="default: all there are"
    )
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="flashticket-http-bench-"))
    plain = plain_typed_body if args.typed_form else new_ticket_body
    every = {"create": plain, "typed": typed_ticket_body, "list": list_body}
    default = ["create", "typed", "list"] if args.typed_form else ["create", "list"]
    chosen = args.cases or default
    if "typed" in chosen and not args.typed_form:
        parser.error("the typed case needs --typed-form")
    if args.assignment and (args.typed_form or args.database_url):
        parser.error("--assignment runs alone, on SQLite")
    targets = [*TARGETS, "flashticket-rr"] if args.assignment else list(TARGETS)
    ours = [target for target in targets if target.startswith("flashticket")]
    cases = [(name, every[name]) for name in chosen]
    results: dict[tuple[str, str, int], Result] = {}
    drains: dict[tuple[str, int], float] = {}
    slack = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.slack_api"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert slack.stdout is not None
    base_url = slack.stdout.readline().decode().strip()
    ports = {target: free_port() for target in targets}
    common = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_API_URL": base_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "FLASHTICKET_SUPPORT_CHANNEL": "C0SUPPORT1",
        "FLASHTICKET_ADMINS": "UBENCHADMIN",
        "FLASHTICKET_DIGEST_TIME": "off",
        "FLASHTICKET_POSTS_PER_SECOND": "0",
    }
    if args.workers:
        common["FLASHTICKET_WEB_WORKERS"] = args.workers
    commands = {
        "bare-bolt": [sys.executable, str(ROOT / "bench" / "bare_bolt_app.py")],
        "bare-async": [sys.executable, str(ROOT / "bench" / "bare_async_app.py")],
        "flashticket": [sys.executable, "-m", "bot.cli", "serve"],
        "flashticket-rr": [sys.executable, "-m", "bot.cli", "serve"],
    }
    commands = {target: commands[target] for target in targets}
    databases = {target: f"sqlite:///{directory / (target + '.db')}" for target in targets}
    if args.database_url:
        databases["flashticket"] = args.database_url
    own: dict[str, dict[str, str]] = {target: {} for target in targets}
    if args.assignment:
        for target, rule in (("flashticket", "none"), ("flashticket-rr", "round_robin")):
            rules = directory / f"{target}.yaml"
            rules.write_text(ASSIGNMENT_DESK.format(rule=rule))
            own[target] = {"FLASHTICKET_DESK_FILE": str(rules)}
    if args.typed_form:
        desk_file = directory / "desk.yaml"
        desk_file.write_text(TYPED_DESK)
        own["flashticket"] = {"FLASHTICKET_DESK_FILE": str(desk_file)}
    servers = {
        target: start_server(
            command,
            {
                **common,
                **own[target],
                "PORT": str(ports[target]),
                "DATABASE_URL": databases[target],
            },
            ports[target],
        )
        for target, command in commands.items()
    }
    outboxes = {
        target: databases[target].replace("postgresql://", "postgresql+psycopg://", 1)
        for target in ours
    }
    try:
        for name, make_body in cases:
            for concurrency in args.concurrency:
                for target in targets:
                    # Each case starts with FlashTicket's outbox delivered, so one case's
                    # messages do not load the next; within a case they do, as in life.
                    for outbox in outboxes.values():
                        wait_for_empty_outbox(outbox)
                    outbox = outboxes.get(target, outboxes["flashticket"])
                    port, pids = ports[target], (servers[target].pid, slack.pid)
                    fire(port, pids, make_body, 50, concurrency)  # warm-up
                    wait_for_empty_outbox(outbox)
                    before = ticket_count(outbox) if target in ours else 0
                    results[(name, target, concurrency)] = fire(
                        port, pids, make_body, args.requests, concurrency
                    )
                    if target in ours and name in ("create", "typed"):
                        drains[(name if target == "flashticket" else f"{name} rr", concurrency)] = (
                            wait_for_empty_outbox(outbox)
                        )
                        # An answer with errors is a 200 too: each request made a ticket.
                        made = ticket_count(outbox) - before
                        if made != args.requests:
                            raise RuntimeError(f"{name}: {made} tickets of {args.requests}")
    finally:
        for process in servers.values():
            stop_server(process)
        assert slack.stdin is not None
        slack.stdin.close()
        slack.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.requests} signed requests per case over loopback, {os.cpu_count()} cores,"
        f" FlashTicket on {where}\n"
    )
    print(
        f"{'case':<8}{'conc':>5}  {'target':<13}{'p50 ms':>8}{'p99 ms':>9}{'max ms':>9}"
        f"{'req/s':>8}{'cpu ms/req':>12}{'slack cpu':>11}{'errors':>8}"
    )
    for (name, target, concurrency), r in results.items():
        print(
            f"{name:<8}{concurrency:>5}  {target:<13}{r.p50:>8.1f}{r.p99:>9.1f}{r.max:>9.1f}"
            f"{r.throughput:>8.0f}{r.cpu_ms_per_request:>12.2f}"
            f"{r.slack_cpu_ms_per_request:>11.2f}{r.errors:>8}"
        )
    print("\nFlashTicket / the best bare app in the case (lower p99 and max; higher req/s):")
    for name, _ in cases:
        for concurrency in args.concurrency:
            ours = results[(name, "flashticket", concurrency)]
            bare = [results[(name, target, concurrency)] for target in TARGETS[:2]]
            best_p99 = min(r.p99 for r in bare)
            best_max = min(r.max for r in bare)
            best_rate = max(r.throughput for r in bare)
            print(
                f"  {name:<7} c={concurrency:<3} p99 {ours.p99 / best_p99:5.2f}x   "
                f"max {ours.max / best_max:5.2f}x   throughput {ours.throughput / best_rate:5.2f}x"
            )
    for (name, concurrency), seconds in drains.items():
        # The card and the reporter's DM; with the rule, the assignee's DM too.
        made = args.requests * (3 if name.endswith(" rr") else 2)
        print(
            f"  {name} c={concurrency}: outbox delivered {seconds:.1f} s after the last ack"
            f" ({made} messages)"
        )
    if args.assignment and "create" in chosen:
        print("\nFlashTicket's CPU per new ticket, assignment round_robin on / off (same run):")
        for concurrency in args.concurrency:
            off = results[("create", "flashticket", concurrency)]
            on = results[("create", "flashticket-rr", concurrency)]
            print(
                f"  c={concurrency:<3} {on.cpu_ms_per_request:.2f} / "
                f"{off.cpu_ms_per_request:.2f} ms = "
                f"{on.cpu_ms_per_request / off.cpu_ms_per_request:.2f}x"
                f" (p50 {on.p50:.1f} / {off.p50:.1f} ms)"
            )
    if "create" in chosen and "typed" in chosen:
        print("\nFlashTicket's CPU per request, a ticket of a type with five fields / a plain one:")
        for concurrency in args.concurrency:
            plain = results[("create", "flashticket", concurrency)]
            typed = results[("typed", "flashticket", concurrency)]
            print(
                f"  c={concurrency:<3} {typed.cpu_ms_per_request:.2f} / "
                f"{plain.cpu_ms_per_request:.2f} ms = "
                f"{typed.cpu_ms_per_request / plain.cpu_ms_per_request:.2f}x"
            )
    print(json.dumps({"errors": sum(r.errors for r in results.values())}))


if __name__ == "__main__":
    main()
