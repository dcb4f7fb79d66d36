"""Bolt listeners, grouped by kind; each module has `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, admin, commands, events, home_queue, intake, views


def register(app: App) -> None:
    for module in (commands, admin, actions, views, events, intake, home_queue):
        module.register(app)
