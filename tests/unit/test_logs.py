"""Log lines: plain for a terminal or one JSON object each, carrying the request, actor
and ticket they are about, and never a token or the signing secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from flashticket_core.log_context import bound


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def lines_of(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_what_is_bound(captured: io.StringIO) -> None:
    logs.configure("json", stream=captured)
    with bound(request_id="0a1b2c3d4e5f", actor="UALICE0001"):
        with bound(ticket_id=12, skipped=None):
            logging.getLogger("flashticket.test").warning("card of %s updated", "#12")
        logging.getLogger("flashticket.test").info("after")
    logging.getLogger("flashticket.test").info("outside")
    first, second, third = lines_of(captured)
    assert first["message"] == "card of #12 updated"
    assert (first["level"], first["logger"]) == ("WARNING", "flashticket.test")
    assert (first["request_id"], first["actor"], first["ticket_id"]) == (
        "0a1b2c3d4e5f",
        "UALICE0001",
        "12",
    )
    assert "skipped" not in first
    assert "ticket_id" not in second
    assert second["actor"] == "UALICE0001"
    assert "request_id" not in third
    assert "time" in first


def test_a_traceback_stays_inside_its_one_line(captured: io.StringIO) -> None:
    logs.configure("json", stream=captured)
    try:
        raise RuntimeError("database on fire")
    except RuntimeError:
        logging.getLogger("flashticket.test").exception("unexpected")
    (line,) = lines_of(captured)
    assert "database on fire" in str(line["exc_info"])


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_tokens_and_secrets_never_reach_a_line(captured: io.StringIO, log_format: str) -> None:
    secret = "8f14e45fceea167a5a36dedd4bea2543"
    logs.configure(log_format, secrets=[secret], stream=captured)
    log = logging.getLogger("flashticket.test")
    log.info("token %s and secret %s", "xoxb-1234-5678-abcdEFGH", secret)
    log.info("app token xapp-1-A0123-456-abc in a sentence")
    try:
        raise ValueError(f"bad signature with {secret}")
    except ValueError:
        log.exception("failed")
    written = captured.getvalue()
    assert "xoxb-1234" not in written
    assert "xapp-1-A0123" not in written
    assert secret not in written
    assert written.count(logs.REDACTED) == 4


def test_plain_is_the_terminal_format(captured: io.StringIO) -> None:
    logs.configure("plain", stream=captured)
    logging.getLogger("flashticket.test").info("hello")
    assert captured.getvalue().rstrip().endswith("INFO flashticket.test: hello")
