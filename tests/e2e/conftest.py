"""The running bot, for end-to-end tests only: the other layers cannot ask for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot_harness import Bot, bot_settings
from tests.databases import SqliteTemplate
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def bot(database_url: str, slack: FakeSlack) -> Iterator[Bot]:
    """The real server on a loopback port, against the fake Slack, on both databases."""
    running = Bot(slack, bot_settings(database_url, slack)).start()
    yield running
    running.stop()


@pytest.fixture
def sqlite_bot(tmp_path: Path, sqlite_template: SqliteTemplate, slack: FakeSlack) -> Iterator[Bot]:
    """The real server on SQLite only, for tests of the HTTP edge that no database changes."""
    running = Bot(slack, bot_settings(sqlite_template.fresh_database(tmp_path), slack)).start()
    yield running
    running.stop()
