"""App Home: own tickets for everyone, queue and KPIs for support, always within Slack's
limits."""

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
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ALICE, BOB, SUPPORT, Clock


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
    core: Core, desk: HelpDesk, clock: Clock, count: int, lang: Language
) -> None:
    bulk_open(core, count, clock)
    for actor in (ALICE, SUPPORT):
        view = blocks.home(lang, desk.queries.home(actor))
        within_limits(view)
        text = json.dumps(view, ensure_ascii=False)
        if count == 5000:
            assert "more" in text or "weitere" in text
    support_view = json.dumps(blocks.home(lang, desk.queries.home(SUPPORT)), ensure_ascii=False)
    assert ("Queue" in support_view) or ("Warteschlange" in support_view)
    user_view = json.dumps(blocks.home(lang, desk.queries.home(ALICE)), ensure_ascii=False)
    assert "Queue" not in user_view
    assert "Warteschlange" not in user_view


def test_home_data_for_a_user_and_for_support(desk: HelpDesk, clock: Clock) -> None:
    mine = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.open_ticket(BOB, title="Printer", priority=Priority.HIGH)
    done = desk.tickets.open_ticket(ALICE, title="Mouse").id
    clock.advance(minutes=30)
    desk.conversation.add_support_reply(SUPPORT, mine, "Which client version?")
    desk.tickets.change_status(SUPPORT, done, Status.RESOLVED)
    home = desk.queries.home(ALICE)
    assert not home.is_support
    assert [t.ticket.id for t in home.my_open_with_replies] == [mine]
    assert home.my_open_with_replies[0].latest_support_reply == "Which client version?"
    assert [t.ticket.id for t in home.my_recently_finished] == [done]
    assert home.queue is None
    support = desk.queries.home(SUPPORT)
    assert support.queue is not None
    assert support.kpis is not None
    assert support.queue.total == 2
    assert support.kpis.opened_today == 3
    assert support.kpis.median_seconds_to_first_reply == pytest.approx(1800, abs=1)
    assert support.kpis.open_by_priority[Priority.HIGH] == 1
