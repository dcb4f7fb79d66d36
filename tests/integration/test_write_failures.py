"""A failed database write never puts what a person typed into the log: the statement's
values are hidden, and PostgreSQL's quoted row is cut from the line (both databases)."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot import logs
from flashticket_core.adapters.db import make_engine

TITLE = "Salary of Jane Doe"
DESCRIPTION = "Her bank account is DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_failed_write_logs_no_word_of_what_was_typed(database_url: str, log_format: str) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.Redaction())
    handler.setFormatter(
        logs.json_formatter() if log_format == "json" else logging.Formatter(logs.PLAIN_FORMAT)
    )
    logger = logging.getLogger("flashticket.test.write_failures")
    logger.addHandler(handler)
    logger.propagate = False
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            # A row the schema refuses (no status, no reporter): the write fails.
            connection.execute(
                text("INSERT INTO tickets (title, description) VALUES (:title, :description)"),
                {"title": TITLE, "description": DESCRIPTION},
            )
        raise AssertionError("the schema took a ticket without a reporter")
    except SQLAlchemyError:
        logger.exception("error E1 while handling a view")
    finally:
        engine.dispose()
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "error E1" in line
    assert "INSERT INTO tickets" in line  # what failed is still said
    assert "Jane" not in line
    assert "DE89" not in line
