"""`flashticket`: the command-line entry point."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic.util.exc import CommandError
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot import logs
from bot.desk_command import add_desk_commands
from bot.settings import Settings
from flashticket_core.adapters.db import make_engine
from migrations import runner

log = logging.getLogger("flashticket")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        raise SystemExit(f"flashticket: invalid setting: {problems}") from None


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        runner.upgrade(engine)
        revision = runner.current_revision(engine)
    except (SQLAlchemyError, CommandError) as error:
        raise SystemExit(
            f"flashticket: cannot migrate the database: {runner.describe(error)}"
        ) from None
    finally:
        engine.dispose()
    print(f"database at revision {revision}")
    return 0


def _check_metrics_dir() -> None:
    """prometheus_client opens its files in PROMETHEUS_MULTIPROC_DIR as the metrics are
    defined (on import): a missing folder is one clear line before that, not a traceback."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        raise SystemExit(
            f"flashticket: PROMETHEUS_MULTIPROC_DIR {folder} is not a folder this process can "
            "write: create it (empty), or unset it to use a temporary one"
        )


@contextmanager
def _metrics_dir(settings: Settings) -> Iterator[None]:
    """`serve` runs several processes, and prometheus_client adds their counts up only
    through files in PROMETHEUS_MULTIPROC_DIR, chosen as the metrics are defined (on
    import). Set: it must be a folder this process can write that holds nothing but the
    metrics' own files; those of processes that are gone are removed. Unset: a temporary
    one, removed at the end."""
    from bot.startup_checks import StartupError, stale_metrics_files

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        try:
            stale = stale_metrics_files(folder, settings.database_url)
        except StartupError as error:
            raise SystemExit(f"flashticket: {error}") from None
        for path in stale:
            path.unlink(missing_ok=True)
        yield
        return
    with tempfile.TemporaryDirectory(prefix="flashticket-metrics-") as made:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def cmd_serve(_args: argparse.Namespace) -> int:
    from bot.startup_checks import StartupError, check_before_serving

    # The settings first: a start they refuse has touched nothing (not even the metrics).
    settings = _settings()
    try:
        check_before_serving(settings)
    except StartupError as error:
        raise SystemExit(f"flashticket: {error}") from None
    with _metrics_dir(settings):
        from bot.serve import serve

        try:
            serve(settings)
        except StartupError as error:
            raise SystemExit(f"flashticket: {error}") from None
        except (SQLAlchemyError, CommandError) as error:
            raise SystemExit(
                f"flashticket: cannot use the database: {runner.describe(error)}"
            ) from None
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from bot.console.start import run_console  # the console's parts only when asked

    return run_console(args, _settings())


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.blocks import statistics_text
    from bot.startup_checks import missing_database
    from flashticket_core import charts
    from flashticket_core.bootstrap import bootstrap
    from flashticket_core.desk_file import DeskFileError

    settings = _settings()
    missing = missing_database(settings)
    if missing is not None:
        raise SystemExit(f"flashticket: {missing}")
    try:
        core = bootstrap(
            settings, migrate=runner.upgrade, support_channel=settings.flashticket_support_channel
        )
    except (SQLAlchemyError, CommandError) as error:
        raise SystemExit(
            f"flashticket: cannot use the database: {runner.describe(error)}"
        ) from None
    except DeskFileError as error:
        raise SystemExit(f"flashticket: FLASHTICKET_DESK_FILE {error}") from None
    try:
        result = core.desk.queries.operator_statistics(days=args.days)
    finally:
        core.close()
    lang = settings.flashticket_language
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "tickets-by-status-per-month.png": charts.status_per_month_png(result, lang),
        "open-tickets-by-priority.png": charts.priority_pie_png(result, lang),
        "kpis.txt": statistics_text(lang, result).encode("utf-8"),
    }
    for name, content in files.items():
        (out / name).write_bytes(content)
        print(out / name)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from flashticket_core.adapters.backup import (
        BackupError,
        backup_sqlite,
        postgres_advice,
        sqlite_path,
    )
    from flashticket_core.adapters.db import normalise_url

    settings = _settings()
    source = sqlite_path(settings.database_url)
    if source is None:
        print(postgres_advice(normalise_url(settings.database_url)), file=sys.stderr)
        return 2
    try:
        made = backup_sqlite(source, Path(args.file))
    except BackupError as error:
        raise SystemExit(f"flashticket: no backup made: {error}") from None
    print(f"{made.path}: {made.tickets} tickets, {made.bytes:,} bytes, checked")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from datetime import timedelta

    _check_metrics_dir()

    from bot import doctor

    # One line per check: the libraries' own lines (alembic, slack_sdk) stay out of it.
    logging.getLogger().setLevel(logging.ERROR)
    settings = _settings()
    results = doctor.run(settings, outbox_max_age=timedelta(minutes=args.outbox_max_age))
    for check in results:
        print(check.line(), flush=True)
    failed = sum(not check.ok for check in results)
    if failed:
        print(f"{failed} of {len(results)} checks failed")
        return 1
    print(f"all {len(results)} checks ok")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.manifest import manifest, to_yaml

    print(to_yaml(manifest(url=args.url, socket_mode=args.socket_mode, name=args.name)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flashticket", description="FlashTicket: an IT help desk in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    migrate = commands.add_parser("migrate", help="migrate the database to the newest schema")
    migrate.set_defaults(run=cmd_migrate)
    serve = commands.add_parser(
        "serve", help="migrate, then serve Slack over HTTP on 0.0.0.0:$PORT (POST /slack/events)"
    )
    serve.set_defaults(run=cmd_serve)
    shell = commands.add_parser(
        "shell",
        help="try FlashTicket in a console: the same bot, against an emulated Slack workspace",
    )
    shell.add_argument(
        "--database", default="sqlite:///data/shell.db", help="database URL (own SQLite file)"
    )
    shell.add_argument("--admin", default="admin", help="the name of the administrator")
    shell.add_argument(
        "--desk",
        metavar="FILE",
        help="a desk file (teams, request types): its channels and user groups are made "
        "in the emulated workspace",
    )
    shell.add_argument("--language", choices=["en", "de"], help="override FLASHTICKET_LANGUAGE")
    shell.add_argument(
        "--locale",
        help="the Slack locale of the console's people (e.g. de-DE, en-US); "
        "default: that of the language",
    )
    shell.add_argument(
        "--files",
        default="data/shell-files",
        help="folder where the files the bot shares (charts, exports) are saved",
    )
    shell.add_argument(
        "--fresh",
        action="store_true",
        help="start from nothing: forget the console's database (a SQLite file) and the "
        "emulated workspace kept beside it",
    )
    shell.set_defaults(run=cmd_shell)
    stats = commands.add_parser(
        "stats", help="write the dashboard's charts (PNG) and key figures to a folder, no Slack"
    )
    stats.add_argument("--out", required=True, help="folder for the PNGs and kpis.txt")
    stats.add_argument("--days", type=int, default=30, help="period of the key figures")
    stats.set_defaults(run=cmd_stats)
    backup = commands.add_parser(
        "backup", help="copy the live SQLite database to FILE, consistent and checked"
    )
    backup.add_argument("file", help="the new backup file (must not exist)")
    backup.set_defaults(run=cmd_backup)
    doctor = commands.add_parser(
        "doctor",
        help="check the token, scopes, channels, signing secret, database and outbox; "
        "one line each, exit 1 if any fails",
    )
    doctor.add_argument(
        "--outbox-max-age",
        type=float,
        default=10,
        help="minutes the oldest waiting outbox message may be old (default 10)",
    )
    doctor.set_defaults(run=cmd_doctor)
    add_desk_commands(commands)
    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument(
        "--url", help="public base URL of `flashticket serve`, e.g. https://tickets.example.com"
    )
    manifest.add_argument("--socket-mode", action="store_true", help="the Socket Mode variant")
    manifest.add_argument("--name", default="FlashTicket", help="the app's name in Slack")
    manifest.set_defaults(run=cmd_manifest)
    return parser


def _configure_logging() -> None:
    """Logging as the settings ask; plain while they cannot be read (the command then
    says what is wrong with them)."""
    try:
        settings = Settings()
    except ValidationError:
        logs.configure("plain")
        return
    secrets = [
        secret.get_secret_value()
        for secret in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
        )
        if secret is not None
    ]
    logs.configure(settings.flashticket_log_format, secrets=secrets)


def main(argv: Sequence[str] | None = None) -> int:
    _configure_logging()
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
