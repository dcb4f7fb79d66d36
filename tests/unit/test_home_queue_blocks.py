"""The App Home's queue table as blocks: within Slack's limits at the largest page with
everything else the Home shows, the filters showing what is chosen, a row's select
offering what the card's selects offer, pages, fresh block ids, German labels."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import blocks
from bot.console.refusals import check_view
from bot.payloads import CardAction
from flashticket_core.domain.clock import TargetClock, TargetKind
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import Kpis
from flashticket_core.service_layer.queue_view import (
    HOME_QUEUE_PAGE,
    AssigneeFilter,
    QueueSort,
    QueueView,
)
from flashticket_core.service_layer.views import Home, HomeTicket, Page, TicketSummary

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
TEAMS = tuple((f"team{n}", "Ü" * 120) for n in range(120))


def ticket(number: int, status: Status = Status.NEW, **changes: Any) -> TicketSummary:
    values: dict[str, Any] = {
        "id": 1_000_000 + number,
        "title": "<!here> & *bold* " + "ß" * 150,
        "status": status,
        "priority": Priority.HIGH,
        "reporter_id": "UALICE0001",
        "assignee_id": "USUPPORT01" if number % 2 else None,
        "created_at": NOW - timedelta(days=number),
        "updated_at": NOW,
        "version": 7,
        "targets": (
            TargetClock(TargetKind.FIRST_RESPONSE, timedelta(hours=1), due_at=NOW, breached=True),
            TargetClock(TargetKind.RESOLUTION, timedelta(days=1), due_at=NOW + timedelta(days=1)),
        ),
    }
    return TicketSummary(**(values | changes))


def home(
    view: QueueView | None = None,
    *,
    total: int = 10 * HOME_QUEUE_PAGE,
    rows: int = HOME_QUEUE_PAGE,
    teams: tuple[tuple[str, str], ...] = TEAMS,
) -> Home:
    page = [ticket(n) for n in range(HOME_QUEUE_PAGE)]
    mine = [HomeTicket(ticket(n), "x" * 3000) for n in range(20)]
    return Home(
        is_support=True,
        my_open=Page(items=[t.ticket for t in mine], total=500),
        my_recently_finished=mine[:5],
        my_open_with_replies=mine,
        queue=Page(items=[ticket(n) for n in range(rows)], total=total),
        assigned_to_me=Page(items=page, total=300),
        kpis=Kpis(
            open_by_status={s: 10_000 for s in Status if s.is_open},
            open_by_priority=dict.fromkeys(Priority, 10000),
            opened_today=999,
            median_seconds_to_first_reply=3600.0,
            median_seconds_to_resolve=86400.0,
            first_replies_in_period=5,
            resolved_in_period=5,
            period_days=30,
        ),
        queue_view=view or QueueView(page=5),
        teams=teams,
    )


def block(view: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id", "").startswith(prefix))


def selects(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for e in block(view, "queue_filters")["elements"]}


@pytest.mark.parametrize("lang", list(Language))
def test_the_largest_page_with_everything_else_stays_within_slacks_limits(
    lang: Language,
) -> None:
    view = blocks.home(lang, home())
    check_view(view)  # what the strict fake Slack refuses, Slack refuses
    assert len(view["blocks"]) <= 100
    rows = [b for b in view["blocks"] if b.get("block_id", "").startswith("queue_row-")]
    assert len(rows) == HOME_QUEUE_PAGE
    for row in rows:
        assert len(row["text"]["text"]) <= 3000
        options = [o for g in row["accessory"]["option_groups"] for o in g["options"]]
        assert all(len(o["value"]) <= 150 and len(o["text"]["text"]) <= 75 for o in options)
    assert all(len(s["options"]) <= 100 for s in selects(view).values())
    # Escaped once, cut to fit: nothing typed becomes a mention or markup.
    text = rows[0]["text"]["text"]
    assert text.startswith("*#1000000* &lt;!here&gt; &amp; *bold* ß")
    assert "<!here>" not in json.dumps(view)
    assert "…" in text.split("\n")[0]


def test_a_row_offers_what_the_card_offers_and_carries_the_version_seen() -> None:
    view = blocks.home(Language.EN, home())
    row = block(view, "queue_row-1000001-")
    assert "New · High · <@USUPPORT01> · opened <!date^" in row["text"]["text"]
    assert "· :rotating_light: first response missed (due <!date^" in row["text"]["text"]
    assert "· resolution due <!date^" in row["text"]["text"]
    status, priority = row["accessory"]["option_groups"]
    assert status["label"]["text"] == "Status"
    assert [o["text"]["text"] for o in status["options"]] == [
        "In progress",
        "Waiting for reply",
        "Resolved",
        "Closed",
    ]
    assert [o["text"]["text"] for o in priority["options"]] == ["Medium", "Low"]
    chosen = CardAction.parse(status["options"][2]["value"])
    assert (chosen.ticket_id, chosen.version, chosen.choice) == (1000001, 7, "status:resolved")


def test_the_filters_show_what_is_chosen_and_the_team_only_with_teams() -> None:
    chosen = QueueView(
        team="team3",
        status=Status.WAITING,
        priority=Priority.LOW,
        assignee=AssigneeFilter.ME,
        sort=QueueSort.DUE,
    )
    shown = selects(blocks.home(Language.EN, home(chosen)))
    assert {key: s["initial_option"]["value"] for key, s in shown.items()} == {
        "home.queue.team": "team3",
        "home.queue.status": "waiting",
        "home.queue.priority": "low",
        "home.queue.assignee": "me",
        "home.queue.sort": "due",
    }
    # A hundred options at most: "All teams" and the first 99 teams.
    assert len(shown["home.queue.team"]["options"]) == 100
    one_team = selects(blocks.home(Language.EN, home(teams=(("support", "Support"),))))
    assert "home.queue.team" not in one_team
    assert one_team["home.queue.status"]["initial_option"]["value"] == "any"


def test_pages_offer_previous_and_next_and_say_where_they_are() -> None:
    middle = blocks.home(Language.EN, home(QueueView(page=5)))
    title = next(b for b in middle["blocks"] if b.get("block_id") == "queue")
    assert title["text"]["text"] == "*Queue (200)* · page 5 of 10"
    buttons = {e["action_id"]: e["value"] for e in block(middle, "queue_pages")["elements"]}
    assert buttons == {"home.queue.previous": "4", "home.queue.next": "6"}
    last = blocks.home(Language.EN, home(QueueView(page=10)))
    assert [e["action_id"] for e in block(last, "queue_pages")["elements"]] == [
        "home.queue.previous"
    ]
    single = blocks.home(Language.EN, home(QueueView(), total=3, rows=3))
    assert not [b for b in single["blocks"] if b.get("block_id", "").startswith("queue_pages")]
    assert "page 1 of" not in json.dumps(single)
    empty = blocks.home(Language.EN, home(QueueView(), total=0, rows=0))
    assert "No ticket matches these filters." in json.dumps(empty)


def test_block_ids_change_with_what_the_home_shows() -> None:
    first = blocks.home(Language.EN, home(QueueView(page=2)))
    again = blocks.home(Language.EN, home(QueueView(page=2)))
    other = blocks.home(Language.EN, home(QueueView(page=2, status=Status.NEW)))
    ids = [b.get("block_id") for b in first["blocks"]]
    assert ids == [b.get("block_id") for b in again["blocks"]]
    changed = {b.get("block_id") for b in other["blocks"]}
    interactive = [i for i in ids if i and i.startswith(("home_actions", "queue_"))]
    assert interactive
    assert not set(interactive) & changed


def test_the_table_in_german() -> None:
    view = blocks.home(Language.DE, home(QueueView(page=5)))
    text = json.dumps(view, ensure_ascii=False)
    for words in (
        "Warteschlange (200)",
        "Seite 5 von 10",
        "Alle Teams",
        "Alle offenen",
        "Jede Priorität",
        "Jeder Bearbeiter",
        "Nach Priorität",
        "Ändern…",
        "Zurück",
        "Weiter",
        "Neu · Hoch",
        "eröffnet <!date^",
    ):
        assert words in text, words
    row = block(view, "queue_row-")
    assert [g["label"]["text"] for g in row["accessory"]["option_groups"]] == [
        "Status",
        "Priorität",
    ]
