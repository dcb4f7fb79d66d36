"""The walk of one create-ticket request: which project files it passes, in two legs.

1. request: from the moment the HTTP server hands `POST /slack/events` to FlashTicket
   until the INSERT of its outbox row;
2. delivery: from the delivery worker's claim of that message until the
   `chat.postMessage` HTTP call leaves slack_sdk.

The real bot (migrations on a fresh SQLite file in a temporary directory, the delivery
worker, the HTTP server on 127.0.0.1 port 0) runs in this process against the fake Slack
Web API on loopback. One new-ticket modal submission (a signed `view_submission`) warms
the process up and its messages are delivered; the next one is followed with a profile
hook on every thread the bot starts.

- Request leg: only the thread that executes the outbox INSERT counts. It starts at the
  first call into a project file (bot/, flashticket_core/, migrations/) on that thread
  after the request is sent, i.e. the server calling the application, and stops at
  SQLAlchemy's `before_cursor_execute` for the first `INSERT INTO outbox_messages`,
  before the statement reaches the database.
- Delivery leg: only the thread that posts counts. It starts at the call of the outbox
  store's `claim` (the port's method, which runs the claim query) that hands out a
  message, with the project frames already on the stack then (the worker's loop), and
  stops where the first `chat.postMessage` leaves slack_sdk (its call of urllib's
  `urlopen`), before the request is sent. A claim that hands out nothing (a poll
  that found the outbox empty) is forgotten.
- A move is a call from a function in one project file into a function in another; the
  caller is the nearest project frame up the stack, so a call made through library code
  (Bolt calling a listener, SQLAlchemy calling an event handler) counts too. A generator
  counts when first entered, not at each resume.

Nothing here names a project file: the walk follows whatever project files the request
visits. The bot is started in one function, `start_the_bot`: after the entry point
moves, change that function alone.

Run:  .venv/bin/python bench/request_walk.py [--cold] [--moves] [--readme]
Prints, for each leg, the project files in the order first visited, their count, the
number of moves and where the leg began and stopped; `--moves` lists every move,
`--cold` follows the first request of the process instead of a warm one, `--readme`
rewrites the walk's section of README.md (between its request-walk markers) with the
files measured. tests/e2e/test_request_walk.py fails while that section and this walk
differ.
"""

from __future__ import annotations

import argparse
import faulthandler
import inspect
import re
import shutil
import sys
import tempfile
import threading
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event

from tests.bot_harness import SIGNING_SECRET, bot_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SlackClientSimulator, view_submission

if TYPE_CHECKING:
    from flashticket_core.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROJECT_DIRS = ("bot", "flashticket_core", "migrations")
OUTBOX_INSERT = "INSERT INTO outbox_messages"
# The outbox store's method the delivery worker claims messages with (the port's name).
CLAIM = "claim"
POST = "chat.postMessage"
# How slack_sdk sends a request: urllib.request's `urlopen`, or an opener's `open`.
SENDS = frozenset({"urlopen", "open"})
REPORTER = "UWALK00001"
GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
SECTION_START = "<!-- request-walk -->"
SECTION_END = "<!-- /request-walk -->"
SECTION = re.compile(re.escape(SECTION_START) + r"\n(.*?)" + re.escape(SECTION_END), re.DOTALL)


class WalkFailed(Exception):
    """The walk could not be measured (the request refused, a leg never ended)."""


@dataclass
class Started:
    port: int
    stop: Callable[[], None]


def start_the_bot(settings: Settings) -> Started:
    """The bot in this process (its HTTP front, delivery worker and scheduler), serving
    HTTP on a loopback port. The only place this script names a bot/ module."""
    from bot.serve import start

    running = start(settings, host="127.0.0.1")
    try:
        running.http.start()
    except BaseException:
        running.stop()
        raise
    return Started(port=running.http.port, stop=running.stop)


@dataclass
class Move:
    caller: tuple[str, str]
    callee: tuple[str, str]
    through_library: bool


@dataclass
class Trace:
    """What one thread did in project files since a point."""

    files: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    calls: int = 0
    entry: str = ""
    entered_generators: set[FrameType] = field(default_factory=set)

    def visit(self, name: str) -> None:
        self.calls += 1
        if name not in self.files:
            self.files.append(name)


@dataclass
class Claim:
    """A delivery leg in the making: from one claim on a thread, kept once it handed out
    something."""

    frame: FrameType
    trace: Trace
    handed_out: bool = False


@dataclass(frozen=True)
class Leg:
    title: str
    files: list[str]
    moves: list[Move]
    calls: int
    began: str
    stopped: str


class Walk:
    """A profile hook recording project calls per thread while armed."""

    def __init__(self) -> None:
        self._files: dict[str, str | None] = {}
        self._requests: dict[int, Trace] = {}
        self._claims: dict[int, Claim] = {}
        self.armed = False
        self.request: Leg | None = None
        self.delivery: Leg | None = None
        self.done = threading.Event()

    def project_file(self, filename: str) -> str | None:
        if filename in self._files:
            return self._files[filename]
        relative: str | None = None
        path = Path(filename)
        if path.is_absolute() and path.suffix == ".py":
            try:
                parts = path.resolve().relative_to(ROOT).parts
            except ValueError:
                parts = ()
            if parts and parts[0] in PROJECT_DIRS:
                relative = "/".join(parts)
        self._files[filename] = relative
        return relative

    # -- the hook ------------------------------------------------------------

    def profile(self, frame: FrameType, what: str, arg: Any) -> None:
        if not self.armed or self.done.is_set():
            return
        if what == "return":
            self._returned(frame, arg)
            return
        if what != "call":
            return
        name = self.project_file(frame.f_code.co_filename)
        if name is None:
            if self.delivery is None and self._claims:
                self._maybe_post(frame)
            return
        thread = threading.get_ident()
        if self.request is None:
            trace = self._requests.setdefault(thread, Trace())
            self._record(trace, frame, name)
        if self.delivery is None:
            claim = self._claims.get(thread)
            if frame.f_code.co_name == CLAIM and (claim is None or claim.handed_out):
                self._claims[thread] = Claim(frame, _trace_of_stack(self, frame))
            elif claim is not None:
                self._record(claim.trace, frame, name)

    def _record(self, trace: Trace, frame: FrameType, name: str) -> None:
        if frame.f_code.co_flags & GENERATOR_FLAGS:
            if frame in trace.entered_generators:
                return  # a generator resumed, not called
            trace.entered_generators.add(frame)
        trace.visit(name)
        callee = (name, frame.f_code.co_qualname)
        caller_frame, through_library = frame.f_back, False
        while caller_frame is not None:
            caller_file = self.project_file(caller_frame.f_code.co_filename)
            if caller_file is not None:
                if caller_file != name:
                    caller = (caller_file, caller_frame.f_code.co_qualname)
                    trace.moves.append(Move(caller, callee, through_library))
                return
            through_library = True
            caller_frame = caller_frame.f_back
        if not trace.entry:
            outer = frame.f_back
            trace.entry = (
                f"{name}:{callee[1]}, called by "
                f"{outer.f_globals.get('__name__', '?') if outer else '?'}"
            )

    def _returned(self, frame: FrameType, value: Any) -> None:
        claim = self._claims.get(threading.get_ident())
        if claim is None or claim.frame is not frame:
            return
        handed = value[0] if isinstance(value, tuple) and value else value
        if handed:
            claim.handed_out = True
        else:
            del self._claims[threading.get_ident()]

    def _maybe_post(self, frame: FrameType) -> None:
        """slack_sdk handing a chat.postMessage to urllib ends the delivery leg."""
        caller = frame.f_back
        if frame.f_globals.get("__name__") != "urllib.request" or caller is None:
            return
        if frame.f_code.co_name not in SENDS:
            return
        if not str(caller.f_globals.get("__name__", "")).startswith("slack_sdk"):
            return
        if not _requested_url(frame).endswith("/" + POST):
            return
        claim = self._claims.get(threading.get_ident())
        if claim is None or not claim.handed_out:
            return
        self.delivery = Leg(
            title=f"the delivery worker's claim of that message to `{POST}` leaving slack_sdk",
            files=claim.trace.files,
            moves=claim.trace.moves,
            calls=claim.trace.calls,
            began=claim.trace.entry,
            stopped=f"{POST} leaving slack_sdk, sent from {self._project_frame(frame)}",
        )
        self._finish()

    def before_cursor_execute(self, *args: Any) -> None:
        if not self.armed or self.request is not None:
            return
        if not str(args[2]).lstrip().upper().startswith(OUTBOX_INSERT.upper()):
            return
        trace = self._requests.get(threading.get_ident(), Trace())
        self.request = Leg(
            title="`POST /slack/events` to the outbox INSERT",
            files=trace.files,
            moves=trace.moves,
            calls=trace.calls,
            began=trace.entry,
            stopped=f"{OUTBOX_INSERT}, executed from {self._project_frame(sys._getframe())}",
        )
        self._finish()

    def _finish(self) -> None:
        if self.request is not None and self.delivery is not None:
            self.done.set()

    def _project_frame(self, frame: FrameType | None) -> str:
        while frame is not None:
            name = self.project_file(frame.f_code.co_filename)
            if name is not None:
                return f"{name}:{frame.f_code.co_qualname} (line {frame.f_lineno})"
            frame = frame.f_back
        return "?"


def _trace_of_stack(walk: Walk, frame: FrameType) -> Trace:
    """A trace beginning at `frame`, holding the project frames on the stack below it
    (outermost first) as visited, and the moves between them."""
    stack: list[tuple[str, FrameType, bool]] = []
    through_library = False
    current: FrameType | None = frame
    while current is not None:
        name = walk.project_file(current.f_code.co_filename)
        if name is None:
            through_library = True
        else:
            stack.append((name, current, through_library))
            through_library = False
        current = current.f_back
    stack.reverse()
    trace = Trace()
    for (caller, caller_frame, _), (callee, callee_frame, through) in pairwise(stack):
        if caller != callee:
            caller_function = (caller, caller_frame.f_code.co_qualname)
            callee_function = (callee, callee_frame.f_code.co_qualname)
            trace.moves.append(Move(caller_function, callee_function, through))
    for name, _, _ in stack:
        trace.visit(name)
    outermost = f"{stack[0][0]}:{stack[0][1].f_code.co_qualname}"
    trace.entry = f"{stack[-1][0]}:{frame.f_code.co_qualname}, below {outermost}"
    return trace


def _requested_url(frame: FrameType) -> str:
    """The URL urllib.request was asked for: its first argument, a Request or a string."""
    code = frame.f_code
    for name in code.co_varnames[: code.co_argcount]:
        value = frame.f_locals.get(name)
        if isinstance(value, str):
            return value
        if isinstance(value, urllib.request.Request):
            return value.full_url
    return ""


def new_ticket_submission(n: int) -> dict[str, Any]:
    """The new-ticket modal submitted, as Slack sends it (bench/http_bench.py's shape)."""
    view = {"type": "modal", "callback_id": "new_ticket", "private_metadata": ""}
    values: dict[str, dict[str, Any]] = {
        "title": {"type": "plain_text_input", "value": f"Walked ticket {n}"},
        "description": {"type": "plain_text_input", "value": "Followed file by file."},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    return view_submission(REPORTER, view, values, view_id=f"V{uuid.uuid4().hex[:12].upper()}")


def submit(http: SlackClientSimulator, n: int) -> None:
    response = http.interact(new_ticket_submission(n))
    if response.status != 200 or response.body not in (b"", b"{}"):
        raise WalkFailed(f"the submission was answered {response.status}: {response.body!r}")


def run(*, cold: bool = False, timeout: float = 60) -> tuple[Leg, Leg]:
    """Both legs of one create-ticket request: (request, delivery)."""
    walk = Walk()
    directory = Path(tempfile.mkdtemp(prefix="flashticket-walk-"))
    # Every thread started from here on (the server's, the worker's) carries the hook.
    threading.setprofile(walk.profile)
    event.listen(Engine, "before_cursor_execute", walk.before_cursor_execute)
    try:
        with FakeSlack() as slack:
            settings = bot_settings(f"sqlite:///{directory / 'walk.db'}", slack)
            started = start_the_bot(settings)
            try:
                http = SlackClientSimulator(started.port, SIGNING_SECRET)
                if not cold:
                    submit(http, 1)
                    # The card and the DM are out: the worker is idle again.
                    slack.wait_for(POST, count=2, timeout=timeout)
                walk.armed = True
                submit(http, 2)
                walk.done.wait(timeout)
                walk.armed = False
            finally:
                started.stop()
    finally:
        threading.setprofile(None)
        event.remove(Engine, "before_cursor_execute", walk.before_cursor_execute)
        shutil.rmtree(directory, ignore_errors=True)
    if walk.request is None:
        raise WalkFailed(f"no {OUTBOX_INSERT} was seen on the request's thread")
    if walk.delivery is None:
        raise WalkFailed(f"no {POST} was seen after a claim that handed out a message")
    return walk.request, walk.delivery


# -- README.md's section ---------------------------------------------------------


def readme_section(request: Leg, delivery: Leg) -> str:
    """What README.md holds between its request-walk markers for these legs."""
    lines: list[str] = []
    for leg in (request, delivery):
        lines += [f"From {leg.title}: {len(leg.files)} files.", ""]
        lines += [f"{number}. `{name}`" for number, name in enumerate(leg.files, 1)]
        lines.append("")
    return "\n".join(lines)


def readme_walk(readme: str) -> str | None:
    """The section between the request-walk markers of README.md's text, if any."""
    found = SECTION.search(readme)
    return found.group(1) if found else None


def with_walk(readme: str, section: str) -> str:
    if readme_walk(readme) is None:
        raise SystemExit(f"README.md has no {SECTION_START} … {SECTION_END} section")
    return SECTION.sub(lambda _: f"{SECTION_START}\n{section}{SECTION_END}", readme, count=1)


# -- printing -------------------------------------------------------------------


def report(leg: Leg, *, moves: bool) -> None:
    print(f"\n== from {leg.title}")
    print(f"began at: {leg.began}")
    print(f"stopped at: {leg.stopped}")
    print("project files, in the order first visited:")
    for number, name in enumerate(leg.files, 1):
        print(f"  {number:>2}. {name}")
    through = sum(move.through_library for move in leg.moves)
    pairs = {(move.caller, move.callee) for move in leg.moves}
    edges = {(move.caller[0], move.callee[0]) for move in leg.moves}
    print(f"files: {len(leg.files)}")
    print(
        f"moves: {len(leg.moves)} ({through} of them through library code; "
        f"{len(pairs)} distinct caller -> callee functions, {len(edges)} distinct file -> file)"
    )
    print(f"project function calls: {leg.calls}")
    if moves:
        print("moves (caller -> callee; ~ through library code):")
        for move in leg.moves:
            mark = "~" if move.through_library else " "
            print(f"  {mark} {':'.join(move.caller)} -> {':'.join(move.callee)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cold", action="store_true", help="follow the process's first request")
    parser.add_argument("--moves", action="store_true", help="list every move")
    parser.add_argument("--readme", action="store_true", help="rewrite README.md's walk")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before giving up")
    args = parser.parse_args()
    if args.readme and args.cold:
        parser.error("README.md holds the warm walk")
    # Whatever hangs, the process ends (with the threads' tracebacks on stderr).
    faulthandler.dump_traceback_later(args.timeout * 2, exit=True)
    try:
        request, delivery = run(cold=args.cold, timeout=args.timeout)
    except WalkFailed as failure:
        raise SystemExit(str(failure)) from None
    faulthandler.cancel_dump_traceback_later()
    print(f"one create-ticket request ({'cold' if args.cold else 'warm'} process)")
    report(request, moves=args.moves)
    report(delivery, moves=args.moves)
    if args.readme:
        README.write_text(
            with_walk(README.read_text(encoding="utf-8"), readme_section(request, delivery)),
            encoding="utf-8",
        )
        print("\nREADME.md's walk rewritten")


if __name__ == "__main__":
    main()
