"""The walk of one create-ticket request: which project files it passes, from the moment
the HTTP server hands it to FlashTicket until the INSERT of its outbox row.

The real bot (migrations on a fresh SQLite file in a temporary directory, the delivery
worker, the HTTP front on 127.0.0.1 port 0) runs in this process against the fake Slack
Web API on loopback. One new-ticket modal submission (a signed `view_submission`) warms the
process up and its messages are delivered; the next one is followed with a profile hook
on every thread the bot starts. Only the thread that executes the outbox INSERT counts;
the delivery worker, the scheduler and background threads are ignored.

- Start: the first call into a project file (bot/, flashticket_core/, migrations/) on
  that thread after the request is sent, i.e. the front's thread calling the WSGI
  application (`call_app`, in the WSGI edge's own file).
- Stop: SQLAlchemy's `before_cursor_execute` for the first `INSERT INTO outbox_messages`
  on that thread, before the statement reaches the database.
- A move is a call from a function in one project file into a function in another; the
  caller is the nearest project frame up the stack, so a call made through library code
  (Bolt calling a listener, SQLAlchemy calling an event handler) counts too. A generator
  counts when first entered, not at each resume.

Run:  .venv/bin/python bench/request_walk.py [--cold] [--moves]
Prints the project files in the order first visited, their count, the number of moves
and where the walk stopped; `--moves` lists every move, `--cold` follows the first
request of the process instead of a warm one.
"""

from __future__ import annotations

import argparse
import faulthandler
import inspect
import shutil
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event

# The bot's entry point, the only name of a bot/ module in this script: after a rename,
# change this line. `start(settings, host=...)` returns what runs, with `.http.start()`,
# `.http.port` and `.stop()`.
from bot.composition import start as start_bot
from tests.bot_harness import SIGNING_SECRET, bot_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SlackClientSimulator, view_submission

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DIRS = ("bot", "flashticket_core", "migrations")
OUTBOX_INSERT = "INSERT INTO outbox_messages"
REPORTER = "UWALK00001"
GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


@dataclass
class Move:
    caller: tuple[str, str]
    callee: tuple[str, str]
    through_library: bool


@dataclass
class ThreadWalk:
    files: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    calls: int = 0
    entry: str = ""
    entered_generators: set[FrameType] = field(default_factory=set)


class Walk:
    """A profile hook recording project calls per thread while armed."""

    def __init__(self) -> None:
        self._files: dict[str, str | None] = {}
        self._threads: dict[int, ThreadWalk] = {}
        self.armed = False
        self.stopped_thread: int | None = None
        self.stop_frame: str = ""
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

    def profile(self, frame: FrameType, what: str, _arg: Any) -> None:
        if what != "call" or not self.armed or self.stopped_thread is not None:
            return
        callee_file = self.project_file(frame.f_code.co_filename)
        if callee_file is None:
            return
        walk = self._threads.setdefault(threading.get_ident(), ThreadWalk())
        if frame.f_code.co_flags & GENERATOR_FLAGS:
            if frame in walk.entered_generators:
                return  # a generator resumed, not called
            walk.entered_generators.add(frame)
        walk.calls += 1
        if callee_file not in walk.files:
            walk.files.append(callee_file)
        callee = (callee_file, frame.f_code.co_qualname)
        caller_frame, through_library = frame.f_back, False
        while caller_frame is not None:
            caller_file = self.project_file(caller_frame.f_code.co_filename)
            if caller_file is not None:
                if caller_file != callee_file:
                    caller = (caller_file, caller_frame.f_code.co_qualname)
                    walk.moves.append(Move(caller, callee, through_library))
                return
            through_library = True
            caller_frame = caller_frame.f_back
        if not walk.entry:
            outer = frame.f_back
            walk.entry = (
                f"{callee_file}:{callee[1]}, called by "
                f"{outer.f_globals.get('__name__', '?') if outer else '?'}"
            )

    def before_cursor_execute(self, *args: Any) -> None:
        statement = str(args[2])
        if not self.armed or self.stopped_thread is not None:
            return
        if not statement.lstrip().upper().startswith(OUTBOX_INSERT.upper()):
            return
        self.stopped_thread = threading.get_ident()
        frame: FrameType | None = sys._getframe()
        while frame is not None:
            name = self.project_file(frame.f_code.co_filename)
            if name is not None:
                self.stop_frame = f"{name}:{frame.f_code.co_qualname} (line {frame.f_lineno})"
                break
            frame = frame.f_back
        self.done.set()

    def result(self) -> ThreadWalk | None:
        if self.stopped_thread is None:
            return None
        return self._threads.get(self.stopped_thread)


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
        raise SystemExit(f"the submission was answered {response.status}: {response.body!r}")


def run(*, cold: bool, timeout: float) -> tuple[Walk, ThreadWalk]:
    walk = Walk()
    directory = Path(tempfile.mkdtemp(prefix="flashticket-walk-"))
    # Every thread started from here on (the HTTP front's included) carries the hook.
    threading.setprofile(walk.profile)
    event.listen(Engine, "before_cursor_execute", walk.before_cursor_execute)
    try:
        with FakeSlack() as slack:
            settings = bot_settings(f"sqlite:///{directory / 'walk.db'}", slack)
            running = start_bot(settings, host="127.0.0.1")
            try:
                running.http.start()
                http = SlackClientSimulator(running.http.port, SIGNING_SECRET)
                if not cold:
                    submit(http, 1)
                    # The card and the DM are out: the worker is idle again.
                    slack.wait_for("chat.postMessage", count=2, timeout=timeout)
                walk.armed = True
                submit(http, 2)
                walk.done.wait(timeout)
                walk.armed = False
            finally:
                running.stop()
    finally:
        threading.setprofile(None)
        event.remove(Engine, "before_cursor_execute", walk.before_cursor_execute)
        shutil.rmtree(directory, ignore_errors=True)
    result = walk.result()
    if result is None:
        raise SystemExit(f"no {OUTBOX_INSERT} was seen on the request's thread")
    return walk, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cold", action="store_true", help="follow the process's first request")
    parser.add_argument("--moves", action="store_true", help="list every move")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before giving up")
    args = parser.parse_args()
    # Whatever hangs, the process ends (with the threads' tracebacks on stderr).
    faulthandler.dump_traceback_later(args.timeout * 2, exit=True)
    walk, result = run(cold=args.cold, timeout=args.timeout)
    faulthandler.cancel_dump_traceback_later()
    print(f"one create-ticket request ({'cold' if args.cold else 'warm'} process)")
    print(f"entered at: {result.entry}")
    print(f"stopped at: {OUTBOX_INSERT}, executed from {walk.stop_frame}")
    print("\nproject files, in the order first visited:")
    for number, name in enumerate(result.files, 1):
        print(f"  {number:>2}. {name}")
    through = sum(move.through_library for move in result.moves)
    pairs = {(move.caller, move.callee) for move in result.moves}
    edges = {(move.caller[0], move.callee[0]) for move in result.moves}
    print(f"\nfiles: {len(result.files)}")
    print(
        f"moves: {len(result.moves)} ({through} of them through library code; "
        f"{len(pairs)} distinct caller -> callee functions, {len(edges)} distinct file -> file)"
    )
    print(f"project function calls: {result.calls}")
    if args.moves:
        print("\nmoves (caller -> callee; ~ through library code):")
        for move in result.moves:
            mark = "~" if move.through_library else " "
            print(f"  {mark} {':'.join(move.caller)} -> {':'.join(move.callee)}")


if __name__ == "__main__":
    main()
