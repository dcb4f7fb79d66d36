"""The real bot (`bot.composition.start`: migrations, delivery worker, the HTTP front) against the
fake Slack Web API, driven by signed requests over loopback."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from bot.settings import Settings
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import (
    Response,
    SlackClientSimulator,
    block_action,
    dm_reply_deleted,
    dm_reply_edited,
    dm_thread_reply,
    event_envelope,
    view_submission,
)

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
SUPPORT_CHANNEL = "C0SUPPORT1"


def bot_settings(database_url: str, slack: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.base_url,
        "database_url": database_url,
        "flashticket_support_channel": SUPPORT_CHANNEL,
        "flashticket_admins": "UADMIN0001",
        "flashticket_language": "en",
        "port": 0,
        # A digest at whatever hour a test runs would be one message more in every test;
        # the digest's own tests turn it on.
        "flashticket_digest_time": "off",
        # The fake Slack sets no pace unless a test asks it to; nor does the bot, then.
        "flashticket_posts_per_second": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Bot:
    slack: FakeSlack
    settings: Settings
    running: Any = None
    # The server's clock; None: the real one.
    clock: Callable[[], datetime] | None = None
    http: SlackClientSimulator = field(init=False)

    def start(self) -> Bot:
        from bot.composition import start

        if self.clock is None:
            self.running = start(self.settings, host="127.0.0.1")
        else:
            self.running = start(self.settings, host="127.0.0.1", clock=self.clock)
        self.running.http.start()
        self.http = SlackClientSimulator(self.running.http.port, SIGNING_SECRET)
        return self

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

    def restart(self) -> None:
        self.stop()
        self.start()

    # -- what people do --------------------------------------------------------

    def command(self, user: str, text: str = "", command: str = "/ticket") -> Response:
        return self.http.command(
            command,
            text,
            user,
            trigger_id=self.slack.issue_trigger_id(),
            response_url=self.slack.issue_response_url(),
        )

    def open_modal(self, user: str, text: str = "") -> dict[str, Any]:
        before = len(self.slack.calls("views.open"))
        response = self.command(user, text)
        assert response.status == 200, response.body
        calls = self.slack.wait_for("views.open", count=before + 1)
        view: dict[str, Any] = calls[before].args["view"]
        return view

    def submit(
        self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]], **kw: Any
    ) -> Response:
        return self.http.interact(view_submission(user, view, values, **kw))

    def open_ticket(
        self, user: str, title: str, description: str = "", priority: str = "medium"
    ) -> int:
        """The whole `/ticket` flow; returns the new ticket's number once both messages are out."""
        posts_before = len(self.slack.calls("chat.postMessage"))
        view = self.open_modal(user)
        response = self.submit(
            user,
            view,
            {
                "title": {"type": "plain_text_input", "value": title},
                "description": {"type": "plain_text_input", "value": description or None},
                "priority": {"type": "static_select", "selected_option": {"value": priority}},
            },
        )
        assert response.status == 200, response.body
        assert response.body in (b"", b"{}"), response.body

        def new_card(calls: list[Call]) -> Call | None:
            posts = [c for c in calls if c.method == "chat.postMessage"][posts_before:]
            return next(
                (
                    c
                    for c in posts
                    if c.args.get("channel") == SUPPORT_CHANNEL and not c.args.get("thread_ts")
                ),
                None,
            )

        self.slack.wait_for(lambda calls: new_card(calls) is not None)
        card = new_card(self.slack.calls())
        assert card is not None
        ticket_id = int(card.args["text"].split("#")[1].split(":")[0])
        self.slack.wait_for(lambda _: self._has_dm_root(ticket_id))
        return ticket_id

    def _has_dm_root(self, ticket_id: int) -> bool:
        return self._posted_dm_root(ticket_id) is not None

    def card(self, ticket_id: int) -> Call:
        """The latest version of the ticket's card (its post or its last update)."""
        calls = [
            c
            for c in self.slack.calls()
            if c.method in ("chat.postMessage", "chat.update")
            and c.args.get("channel") == SUPPORT_CHANNEL
            and not c.args.get("thread_ts")
            and re.search(rf"#{ticket_id}\b", str(c.args.get("text")))
        ]
        assert calls, f"no card for #{ticket_id}"
        return calls[-1]

    def card_ts(self, ticket_id: int) -> str:
        ts = self.posted_card_ts(ticket_id)
        assert ts is not None, f"no card for #{ticket_id}"
        return ts

    def posted_card_ts(self, ticket_id: int) -> str | None:
        first = next(
            (
                c
                for c in self.slack.calls("chat.postMessage")
                if c.args.get("channel") == SUPPORT_CHANNEL
                and not c.args.get("thread_ts")
                and f"#{ticket_id}:" in str(c.args.get("text"))
            ),
            None,
        )
        return None if first is None else str(first.response["ts"])

    def click(
        self, user: str, ticket_id: int, action_id: str, choice: str | None = None
    ) -> Response:
        """Click a button (or choose an option) on the ticket's current card."""
        card = self.card(ticket_id)
        element = next(
            e
            for block in card.args["blocks"]
            if block["type"] == "actions"
            for e in block["elements"]
            if e["action_id"] == action_id
        )
        if choice is None:
            payload = block_action(
                user,
                action_id,
                value=element["value"],
                message_ts=self.card_ts(ticket_id),
                response_url=self.slack.issue_response_url(),
                trigger_id=self.slack.issue_trigger_id(),
            )
        else:
            option = next(o for o in element["options"] if o["value"].endswith("|" + choice))
            payload = block_action(
                user,
                action_id,
                selected=option["value"],
                message_ts=self.card_ts(ticket_id),
                response_url=self.slack.issue_response_url(),
                trigger_id=self.slack.issue_trigger_id(),
            )
        return self.http.interact(payload)

    def delete_ticket(self, admin: str, ticket_id: int) -> Response:
        """`/ticket-admin delete` asks first; the admin presses the answer's Delete button."""
        question = self.command(admin, f"delete {ticket_id}", command="/ticket-admin").json()
        (value,) = [
            e["value"]
            for block in question["blocks"]
            if block["type"] == "actions"
            for e in block["elements"]
            if e["action_id"] == "admin.delete"
        ]
        payload = block_action(
            admin, "admin.delete", value=value, response_url=self.slack.issue_response_url()
        )
        return self.http.interact(payload)

    def reply_in_dm(
        self,
        user: str,
        ticket_id: int,
        text: str,
        *,
        event_id: str | None = None,
        ts: str | None = None,
    ) -> Response:
        root = self.dm_root(ticket_id)
        reply = dm_thread_reply(user, root.response["channel"], root.response["ts"], text)
        if ts is not None:
            reply["ts"] = ts
        return self.http.event(event_envelope(reply, event_id=event_id))

    def edit_dm_reply(
        self,
        user: str,
        ticket_id: int,
        ts: str,
        old_text: str,
        new_text: str,
        *,
        event_id: str | None = None,
    ) -> Response:
        root = self.dm_root(ticket_id)
        edited = dm_reply_edited(
            user, root.response["channel"], root.response["ts"], ts, old_text, new_text
        )
        return self.http.event(event_envelope(edited, event_id=event_id))

    def delete_dm_reply(
        self, user: str, ticket_id: int, ts: str, text: str, *, event_id: str | None = None
    ) -> Response:
        root = self.dm_root(ticket_id)
        deleted = dm_reply_deleted(user, root.response["channel"], root.response["ts"], ts, text)
        return self.http.event(event_envelope(deleted, event_id=event_id))

    def dm_root(self, ticket_id: int) -> Call:
        root = self._posted_dm_root(ticket_id)
        assert root is not None, f"no DM for #{ticket_id}"
        return root

    def _posted_dm_root(self, ticket_id: int) -> Call | None:
        return next(
            (
                c
                for c in self.slack.calls("chat.postMessage")
                if str(c.args.get("channel", "")).startswith("U")
                and f"*#{ticket_id}*" in str(c.args.get("text"))
                and not c.args.get("thread_ts")
            ),
            None,
        )

    def dm_thread(self, ticket_id: int) -> list[str]:
        """What the reporter's DM thread holds so far; nothing while its first message is
        on its way."""
        root = self._posted_dm_root(ticket_id)
        if root is None:
            return []
        return [
            str(c.args.get("text"))
            for c in self.slack.calls("chat.postMessage")
            if c.args.get("thread_ts") == root.response["ts"]
            and c.args.get("channel") == root.response["channel"]
        ]

    def support_thread(self, ticket_id: int) -> list[str]:
        """What the card's thread holds so far; nothing while the card is on its way
        (the reporter's DM and the card go out in either order)."""
        ts = self.posted_card_ts(ticket_id)
        if ts is None:
            return []
        return [
            str(c.args.get("text"))
            for c in self.slack.calls("chat.postMessage")
            if c.args.get("thread_ts") == ts and c.args.get("channel") == SUPPORT_CHANNEL
        ]

    def ephemeral_texts(self) -> list[str]:
        return [
            str(c.args.get("text"))
            for c in self.slack.calls("response_url") + self.slack.calls("chat.postEphemeral")
        ]


def body_json(response: Response) -> Any:
    return json.loads(response.body) if response.body else None


def errors_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What was logged as an error or with a traceback."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
