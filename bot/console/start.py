"""`flashticket shell` started from the command line: the console's settings (never the
workspace's real database or Slack credentials unless asked), its desk file checked as
`serve` checks it, line editing where the terminal has it, and Ctrl-C that cancels."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.console.console_clock import ConsoleClock
from bot.console.shell import SUPPORT_CHANNEL, Shell
from bot.console.workspace import user_id_for
from bot.settings import Settings
from bot.startup_checks import StartupError, checked_desk_file
from flashticket_core.bootstrap import bootstrap
from flashticket_core.desk_file import DeskFileError
from flashticket_core.i18n import Language
from migrations import runner


def run_console(args: argparse.Namespace, configured: Settings) -> int:
    """`flashticket shell`: the console on the configured settings, with its own
    database, people and emulated workspace."""
    logging.getLogger().setLevel(logging.WARNING)  # the console shows what people see

    # The console never touches the workspace's real database unless asked to, and never
    # its Slack credentials: its requests come from the console, not from Slack.
    settings = configured.model_copy(
        update={
            "database_url": args.database,
            "flashticket_admins": frozenset({user_id_for(args.admin)}),
            "flashticket_support_channel": SUPPORT_CHANNEL,
            "slack_bot_token": None,
            "slack_signing_secret": None,
            "slack_app_token": None,
            "slack_api_url": None,
            "flashticket_escalation_channel": None,
            "flashticket_desk_file": args.desk,
        }
    )
    if args.desk is not None:
        # Checked as `serve` checks it: one line naming the file, the entry and the problem.
        try:
            checked_desk_file(args.desk)
        except DeskFileError as error:
            raise SystemExit(f"flashticket: {error}") from None
    if args.language:
        settings = settings.model_copy(update={"flashticket_language": Language(args.language)})
    database_file = make_url(args.database).database if args.database.startswith("sqlite") else None
    state_file = Path(database_file or "data/shell.db").with_suffix(".workspace.json")
    if args.fresh:
        for leftover in [state_file] + (
            [Path(database_file + suffix) for suffix in ("", "-wal", "-shm", "-writer")]
            if database_file
            else []
        ):
            leftover.unlink(missing_ok=True)
    clock = ConsoleClock()
    try:
        core = bootstrap(
            settings,
            migrate=runner.upgrade,
            clock=clock,
            support_channel=settings.flashticket_support_channel,
        )
    except SQLAlchemyError as error:
        raise SystemExit(
            f"flashticket: cannot use the database: {runner.describe(error)}"
        ) from None
    interactive = sys.stdin.isatty()
    if interactive:
        _line_editing(state_file.with_suffix("").with_suffix(".history"))
        # Ctrl-C cancels even when the console was started with SIGINT ignored (as a
        # background job of a script is), where Python would not turn it into an interrupt.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Shell(
            core,
            sys.stdout,
            admins=[args.admin],
            files_dir=Path(args.files),
            locale=args.locale,
            clock=clock,
            state_file=state_file,
        ) as shell:
            shell.run(None if interactive else iter(sys.stdin), interactive=interactive)
    except KeyboardInterrupt:  # a Ctrl-C while the console was between its steps
        print()
    except StartupError as error:
        raise SystemExit(f"flashticket: {error}") from None
    finally:
        core.close()
    return 0


def _line_editing(history: Path) -> None:
    """Arrow keys, line editing and a history kept between starts, where the terminal
    has readline."""
    try:
        import readline
    except ImportError:  # no readline on this platform: plain lines still work
        return
    import atexit

    history.parent.mkdir(parents=True, exist_ok=True)
    with suppress(OSError):  # no history yet
        readline.read_history_file(history)
    readline.set_history_length(1000)
    atexit.register(readline.write_history_file, history)
