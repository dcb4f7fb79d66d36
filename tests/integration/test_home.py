"""App Home: own tickets for everyone, queue and KPIs for support, always within Slack's
limits, and kept current (debounced) while people look at it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot import blocks
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.i18n import Language
from flashticket_core.service_layer.services import TicketService
from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.slack_requests import event_envelope


def within_limits(view: dict[str, Any]) -> None:
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150


def bulk_open(core: Core, count: int, clock: Clock) -> None:
    rows = [
        {
            "title": f"Bulk ticket {n} " + "x" * 100,
            "description": "",
            "priority": Priority.LOW if n % 3 else Priority.HIGH,
            "status": Status.NEW,
            "reporter_id": ALICE if n % 2 else BOB,
            "assignee_id": SUPPORT if n % 5 == 0 else None,
            "created_at": clock.now - timedelta(minutes=n),
            "updated_at": clock.now,
            "version": 1,
        }
        for n in range(count)
    ]
    if rows:
        with core.engine.begin() as connection:
            connection.execute(insert(Ticket.__table__), rows)


@pytest.mark.parametrize("count", [0, 1, 5000])
@pytest.mark.parametrize("lang", list(Language))
def test_home_views_stay_within_slacks_limits(
    core: Core, service: TicketService, clock: Clock, count: int, lang: Language
) -> None:
    bulk_open(core, count, clock)
    for actor in (ALICE, SUPPORT):
        view = blocks.home(lang, service.home(actor))
        within_limits(view)
        text = json.dumps(view, ensure_ascii=False)
        if count == 5000:
            assert "more" in text or "weitere" in text
    support_view = json.dumps(blocks.home(lang, service.home(SUPPORT)), ensure_ascii=False)
    assert ("Queue" in support_view) or ("Warteschlange" in support_view)
    user_view = json.dumps(blocks.home(lang, service.home(ALICE)), ensure_ascii=False)
    assert "Queue" not in user_view
    assert "Warteschlange" not in user_view


def test_home_data_for_a_user_and_for_support(service: TicketService, clock: Clock) -> None:
    mine = service.open_ticket(ALICE, title="VPN").id
    service.open_ticket(BOB, title="Printer", priority=Priority.HIGH)
    done = service.open_ticket(ALICE, title="Mouse").id
    clock.advance(minutes=30)
    service.add_support_reply(SUPPORT, mine, "Which client version?")
    service.change_status(SUPPORT, done, Status.RESOLVED)
    home = service.home(ALICE)
    assert not home.is_support
    assert [t.ticket.id for t in home.my_open_with_replies] == [mine]
    assert home.my_open_with_replies[0].latest_support_reply == "Which client version?"
    assert [t.ticket.id for t in home.my_recently_finished] == [done]
    assert home.queue is None
    support = service.home(SUPPORT)
    assert support.queue is not None
    assert support.kpis is not None
    assert support.queue.total == 2
    assert support.kpis.opened_today == 3
    assert support.kpis.median_seconds_to_first_reply == pytest.approx(1800, abs=1)
    assert support.kpis.open_by_priority[Priority.HIGH] == 1


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
