"""The bot's own texts in the catalog hold no bare angle bracket that Slack would read as
markup."""

from __future__ import annotations

import re

import pytest

from bot.words import CATALOG


@pytest.mark.parametrize("key", ["bot.help", "bot.admin.help", "bot.stale_payload"])
def test_catalog_mrkdwn_has_no_bare_angle_brackets(key: str) -> None:
    for text in CATALOG[key].values():
        assert not re.search(r"<[^@]", text), text
