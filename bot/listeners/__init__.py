"""Bolt listeners, grouped by kind; each module has `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    actions,
    admin,
    approvals,
    assigning,
    commands,
    events,
    following,
    forms,
    home_queue,
    intake,
    moving,
    saved_replies,
    views,
)


def register(app: App) -> None:
    for module in (
        commands,
        admin,
        actions,
        forms,
        views,
        events,
        intake,
        moving,
        home_queue,
        saved_replies,
        assigning,
        approvals,
        following,
    ):
        module.register(app)
