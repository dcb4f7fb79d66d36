"""The App Home's queue table through the running bot: opening the Home publishes the
rows; a filter chosen (a block_actions payload from the Home view, as Slack sends it)
republishes it filtered and is remembered; a row's status changed in place has the
card's effects (the reporter's DM thread told, the card updated); a stale row is
refused in the person's DM; German people get German labels."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_home import open_home
from tests.slack_requests import TEAM


def publishes_to(bot: Bot, user: str) -> list[dict[str, Any]]:
    return [
        c.response["view"] for c in bot.slack.calls("views.publish") if c.args["user_id"] == user
    ]


def element(view: dict[str, Any], action_id: str, block_prefix: str) -> tuple[str, dict[str, Any]]:
    """The block_id and the element with `action_id` in the block whose id starts so."""
    for block in view["blocks"]:
        if not block.get("block_id", "").startswith(block_prefix):
            continue
        for found in [*block.get("elements", []), block.get("accessory") or {}]:
            if found.get("action_id") == action_id:
                return block["block_id"], found
    raise AssertionError(f"no {action_id} in a block {block_prefix}…")


def home_action(
    bot: Bot, user: str, view: dict[str, Any], action_id: str, block_prefix: str, choice: str
) -> int:
    """Choose `choice` (an option's value, or a button's) as Slack reports a choice made
    in an App Home: `container.type` view, the whole Home view, no response_url."""
    block_id, chosen = element(view, action_id, block_prefix)
    action: dict[str, Any] = {
        "type": chosen["type"],
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if chosen["type"] == "button":
        assert chosen["value"] == choice
        action.update(value=choice, text=chosen["text"])
    else:
        options = chosen.get("options") or [
            o for group in chosen["option_groups"] for o in group["options"]
        ]
        option = next(o for o in options if o["value"] == choice or o["value"].endswith(choice))
        action.update(selected_option=option, placeholder=chosen["placeholder"])
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A000001",
        "token": "deprecated",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": bot.slack.issue_trigger_id(),
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {
            **view,
            "team_id": TEAM["id"],
            "state": {"values": {}},
            "private_metadata": "",
            "callback_id": "",
            "root_view_id": view["id"],
            "previous_view_id": None,
            "app_id": "A000001",
            "external_id": "",
            "app_installed_team_id": TEAM["id"],
            "bot_id": "B000001",
        },
        "actions": [action],
    }
    before = len(publishes_to(bot, user))
    assert bot.http.interact(payload).status == 200
    return before


def next_home(bot: Bot, user: str, before: int) -> dict[str, Any]:
    bot.slack.wait_for(lambda _: len(publishes_to(bot, user)) > before)
    return publishes_to(bot, user)[-1]


def rows(view: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"] for b in view["blocks"] if b.get("block_id", "").startswith("queue_row-")
    ]


def chosen(view: dict[str, Any], action_id: str) -> str:
    return element(view, action_id, "queue_filters")[1]["initial_option"]["value"]


def test_the_home_shows_the_queue_and_a_filter_choice_is_published_and_remembered(
    bot: Bot,
) -> None:
    printer = bot.open_ticket(ALICE, "Printer <b> jams", priority="high")
    vpn = bot.open_ticket(BOB, "VPN drops")
    home = open_home(bot, ADMIN)
    published = publishes_to(bot, ADMIN)[-1]
    assert [r.split("\n")[0] for r in rows(home)] == [
        f"*#{printer}* Printer &lt;b&gt; jams",
        f"*#{vpn}* VPN drops",
    ]
    assert "New · High · nobody yet · opened <!date^" in rows(home)[0]
    assert "first response due <!date^" in rows(home)[0]
    # One team: no team select; the rest show what is chosen.
    assert chosen(published, "home.queue.status") == "any"
    assert chosen(published, "home.queue.sort") == "priority"
    assert not [b for b in home["blocks"] if "home.queue.team" in json.dumps(b)]

    before = home_action(bot, ADMIN, published, "home.queue.priority", "queue_filters", "medium")
    filtered = next_home(bot, ADMIN, before)
    assert chosen(filtered, "home.queue.priority") == "medium"
    assert [r.split("\n")[0] for r in rows(filtered)] == [f"*#{vpn}* VPN drops"]
    # The select's block has a new id, so Slack shows the choice just published.
    assert (
        element(filtered, "home.queue.priority", "queue_filters")[0]
        != element(published, "home.queue.priority", "queue_filters")[0]
    )
    before = home_action(bot, ADMIN, filtered, "home.queue.sort", "queue_filters", "due")
    sorted_home = next_home(bot, ADMIN, before)
    assert chosen(sorted_home, "home.queue.sort") == "due"
    # Opening the Home again shows the same choice.
    again = open_home(bot, ADMIN)
    assert [r.split("\n")[0] for r in rows(again)] == [f"*#{vpn}* VPN drops"]
    assert not [c for c in bot.slack.calls("chat.postMessage") if c.args["channel"] == ADMIN]


def test_a_rows_status_change_tells_the_reporter_and_updates_the_card(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Laptop battery")
    open_home(bot, ADMIN)
    home = publishes_to(bot, ADMIN)[-1]
    before = home_action(
        bot, ADMIN, home, "home.queue.row", f"queue_row-{ticket_id}-", "|status:resolved"
    )
    after = next_home(bot, ADMIN, before)
    # Resolved: out of the open queue the Home shows.
    assert rows(after) == []
    bot.slack.wait_for(lambda _: any("Resolved" in text for text in bot.dm_thread(ticket_id)))
    bot.slack.wait_for(lambda _: "Resolved" in json.dumps(bot.card(ticket_id).args["blocks"]))
    # The same row again, from the Home as it was: the ticket changed meanwhile.
    home_action(bot, ADMIN, home, "home.queue.row", f"queue_row-{ticket_id}-", "|priority:high")
    told = bot.slack.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.args.get("channel") == ADMIN for c in calls
        )
    )
    [notice] = [c for c in told if c.method == "chat.postMessage" and c.args["channel"] == ADMIN]
    assert f"#{ticket_id} is already Resolved" in notice.args["text"]
    assert "nothing was changed" in notice.args["text"]
    assert "*Priority*\\nMedium" in json.dumps(bot.card(ticket_id).args["blocks"])


def test_a_reporter_cannot_choose_a_queue(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Monitor flickers")
    open_home(bot, ADMIN)
    support_home = publishes_to(bot, ADMIN)[-1]
    mine = open_home(bot, BOB)
    assert not rows(mine)
    home_action(bot, BOB, support_home, "home.queue.status", "queue_filters", "closed")
    told = bot.slack.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.args.get("channel") == BOB for c in calls
        )
    )
    assert any(
        "not allowed" in str(c.args.get("text")) for c in told if c.args.get("channel") == BOB
    )
    # Nor may they change a ticket from a row.
    home_action(
        bot, BOB, support_home, "home.queue.row", f"queue_row-{ticket_id}-", "|status:closed"
    )
    bot.slack.wait_for(lambda calls: len([c for c in calls if c.args.get("channel") == BOB]) >= 2)
    assert "*Status*\\nNew" in json.dumps(bot.card(ticket_id).args["blocks"])


def test_the_home_queue_in_german(bot: Bot) -> None:
    bot.slack.set_locale(ADMIN, "de-DE")
    for number in range(22):
        bot.open_ticket(ALICE, f"Ticket {number}")
    home = open_home(bot, ADMIN)
    text = json.dumps(home, ensure_ascii=False)
    for label in (
        "Warteschlange (22)",
        "Seite 1 von 2",
        "Alle offenen",
        "Nach Priorität",
        "Weiter",
        "eröffnet",
    ):
        assert label in text, label
    published = publishes_to(bot, ADMIN)[-1]
    before = home_action(bot, ADMIN, published, "home.queue.next", "queue_pages", "2")
    second = next_home(bot, ADMIN, before)
    assert len(rows(second)) == 2
    assert "Seite 2 von 2" in json.dumps(second, ensure_ascii=False)
    assert "Zurück" in json.dumps(second, ensure_ascii=False)
