"""`flashticket serve`: check Slack and the settings, migrate, then serve Slack on every
core until SIGTERM (the processes: bot/prefork.py; their parts: bot/composition.py)."""

from __future__ import annotations

import os

from bot import prefork
from bot.settings import Settings
from bot.slack_checks import preflight
from bot.socket_mode import check_app_token
from flashticket_core.adapters.db import make_engine
from migrations import runner


def serve(settings: Settings) -> None:
    client, signing_secret = preflight(settings)
    app_token = settings.slack_app_token
    # The URL the check got is the first connection's, not thrown away (Tier 1).
    # Whichever front process reads it first has it (a pipe the forks share).
    first_url, offer = os.pipe()
    os.set_blocking(first_url, False)
    if app_token is not None:
        os.write(offer, (check_app_token(client, app_token.get_secret_value()) or "").encode())
    os.close(offer)
    engine = make_engine(settings.database_url)
    try:
        runner.upgrade(engine)
    finally:
        engine.dispose()  # nothing open crosses the fork

    def take_first_url() -> str | None:
        try:
            return os.read(first_url, 65536).decode() or None
        except (BlockingIOError, OSError):
            return None

    prefork.serve(settings, client, signing_secret, host="0.0.0.0", first_url=take_first_url)
