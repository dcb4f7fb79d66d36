"""`flashticket`: the command-line entry point."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from flashticket_core.adapters import schema
from flashticket_core.adapters.db import make_engine
from flashticket_core.config import Settings

log = logging.getLogger("flashticket")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        raise SystemExit(f"flashticket: invalid setting: {problems}") from None


def describe(error: SQLAlchemyError) -> str:
    """The driver's own words (unreachable host, unwritable file), on one line.

    The driver's message never contains the password; SQLAlchemy's would echo SQL.
    """
    reason = getattr(error, "orig", None) or error
    return " ".join(str(reason).split())


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        schema.upgrade(engine)
        revision = schema.current_revision(engine)
    except SQLAlchemyError as error:
        raise SystemExit(f"flashticket: cannot migrate the database: {describe(error)}") from None
    finally:
        engine.dispose()
    print(f"database at revision {revision}")
    return 0


def cmd_serve(_args: argparse.Namespace) -> int:
    from bot.runtime import StartupError, serve

    settings = _settings()
    try:
        serve(settings)
    except StartupError as error:
        raise SystemExit(f"flashticket: {error}") from None
    except SQLAlchemyError as error:
        raise SystemExit(f"flashticket: cannot use the database: {describe(error)}") from None
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
