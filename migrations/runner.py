"""Run Alembic from code: `flashticket migrate`, `serve` and the tests all go through here.

The migrations know the core (their models, the search tables); the core does not know
them: a composition root hands `upgrade` to `bootstrap` as its `migrate` step."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from flashticket_core.adapters.db import WRITE_TRANSACTION
from flashticket_core.adapters.search import is_search_table


def describe(error: Exception) -> str:
    """A database or migration failure (unreachable host, unwritable file) in the
    driver's own words, on one line.

    The driver's message never contains the password; SQLAlchemy's would echo SQL.
    """
    reason = getattr(error, "orig", None) or error
    return " ".join(str(reason).split())


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """What autogenerate compares: all but the full-text search tables, whose shape
    differs per database and which migration 0007 makes by hand."""
    return not (type_ == "table" and name is not None and is_search_table(name))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection_engine"] = engine
    return config


# Any constant: every replica asks for the same lock.
MIGRATION_LOCK = 0x466C5469636B6574  # "FlTicket"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate. Replicas that start together on PostgreSQL take turns (an advisory lock
    held until the migration's transaction ends), so the later ones find nothing to do.
    On SQLite the migration's transaction takes the write lock as it begins."""
    config = alembic_config(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_TRANSACTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
