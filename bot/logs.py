"""Logging for `flashticket`: plain lines for a terminal, or (FLASHTICKET_LOG_FORMAT=json)
one JSON object per line, by python-json-logger, with the request, actor and ticket a
line is about. Tokens and the signing secret never reach a line, whatever was logged."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from flashticket_core.log_context import current

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Slack's token shapes: bot, user, app-level, refresh and configuration tokens.
TOKEN = re.compile(r"\b(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
# PostgreSQL's detail of a failed write quotes the row or key it refused ("Failing row
# contains (…)", "Key (…)=(…)"): what a person typed.
DATABASE_DETAIL = re.compile(r"DETAIL:[^\n]*")


class ContextFields(logging.Filter):
    """Puts the fields bound for this request or delivery on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class Redaction(logging.Filter):
    """Replaces anything shaped like a Slack token, the given secrets and a database
    error's quoted row, in the line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # The cleaned text stands for the exception: formatters print it instead.
            record.exc_text, record.exc_info = self.clean(record.exc_text), None
        return True

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = DATABASE_DETAIL.sub(f"DETAIL: {REDACTED}", text)
        return TOKEN.sub(REDACTED, text)


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
    )


def configure(
    log_format: str = "plain", *, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Send every logger's lines to `stream` (stderr) in `log_format`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFields())
    handler.addFilter(Redaction(secrets))
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(PLAIN_FORMAT)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
