"""App Home through the running bot: opening it publishes it, changes republish it
(debounced), and its New ticket button opens the form."""

from __future__ import annotations

import json
from typing import Any

from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, BOB
from tests.slack_requests import event_envelope


def open_home(bot: Bot, user: str) -> dict[str, Any]:
    before = len(bot.slack.calls("views.publish"))
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D1",
        "tab": "home",
        "event_ts": "1.0",
    }
    assert bot.http.event(event_envelope(event)).status == 200
    call = bot.slack.wait_for("views.publish", count=before + 1)[before]
    assert call.args["user_id"] == user
    assert call.ok
    view: dict[str, Any] = call.args["view"]
    return view


def test_opening_the_home_publishes_it_and_changes_keep_it_current(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Laptop battery")
    view = open_home(bot, ALICE)
    assert "Laptop battery" in json.dumps(view)
    support_view = open_home(bot, ADMIN)
    assert "Key figures" in json.dumps(support_view)
    publishes = len(bot.slack.calls("views.publish"))
    # A burst of changes: each open Home is republished once, not once per change.
    bot.click(ADMIN, ticket_id, "ticket.take")
    bot.slack.wait_for("chat.update")
    bot.click(ADMIN, ticket_id, "ticket.priority", "high")

    def republished(calls: list[Any]) -> bool:
        later = [c for c in calls if c.method == "views.publish"][publishes:]
        users = {c.args["user_id"] for c in later}
        return {ALICE, ADMIN} <= users and "High" in json.dumps(later[-1].args["view"])

    bot.slack.wait_for(republished, timeout=15)
    later = bot.slack.calls("views.publish")[publishes:]
    assert len(later) <= 4  # two people, at most one refresh per debounce window each
    alice_latest = [c for c in later if c.args["user_id"] == ALICE][-1].args["view"]
    assert "In progress" in json.dumps(alice_latest)


def test_the_new_ticket_button_on_the_home_opens_the_form(bot: Bot) -> None:
    from tests.slack_requests import block_action

    open_home(bot, BOB)
    payload = block_action(
        BOB, "home.new_ticket", value="new", trigger_id=bot.slack.issue_trigger_id()
    )
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    assert bot.http.interact(payload).status == 200
    view = bot.slack.wait_for("views.open")[-1].args["view"]
    assert view["callback_id"] == "new_ticket"


def test_a_home_slack_refuses_to_publish_sends_no_apology(bot: Bot) -> None:
    """Opening the Home asks nothing of the person: a failed views.publish is logged,
    not answered with an apology in their DM."""
    bot.slack.fail_next("views.publish", error="not_enabled")
    event = {"type": "app_home_opened", "user": BOB, "channel": "D1", "tab": "home"}
    # The answer comes when the listener is done (process_before_response).
    assert bot.http.event(event_envelope(event | {"event_ts": "1.0"})).status == 200
    assert [c.ok for c in bot.slack.calls("views.publish")] == [False]
    assert not [c for c in bot.slack.calls() if c.method.startswith("chat.")]
    open_home(bot, BOB)  # the next opening publishes it
