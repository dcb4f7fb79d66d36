"""What the timers say, in both languages: escaped once, lengths in words, a link to
the card, and the help desk named as itself where it acted."""

from __future__ import annotations

import pytest

from bot.blocks.common import actor_text
from bot.blocks.thread import thread_texts
from bot.blocks.timers import length, target_text
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery import Thread, TicketState

TICKET = TicketState(
    id=7,
    title="<!here> VPN & <@U123> down",
    description="",
    status=Status.NEW,
    priority=Priority.HIGH,
    reporter_id="UALICE0001",
    assignee_id=None,
    version=1,
    deleted=False,
)
THREAD = Thread(support_channel="C0SUPPORT1", support_ts="1700000000.123456")
BREACH = {
    "event": "sla_breach",
    "target": "first_response",
    "due": "2026-03-14T09:30:00+00:00",
    "length": 1800,
    "late": 7260,
}


@pytest.mark.parametrize("lang", list(Language))
def test_a_breach_names_the_ticket_its_target_and_how_late_with_the_title_escaped(
    lang: Language,
) -> None:
    text = target_text(lang, TICKET, THREAD, BREACH)
    assert "*#7*" in text
    assert "&lt;!here&gt; VPN &amp; &lt;@U123&gt; down" in text
    assert "<!here>" not in text
    assert ("30 min" if lang is Language.EN else "30 Min.") in text
    assert ("2 h 1 min" if lang is Language.EN else "2 Std. 1 Min.") in text
    assert "<https://slack.com/archives/C0SUPPORT1/p1700000000123456|" in text
    # Each reader sees the time in their own zone; the fallback is the help desk's.
    fallback = "2026-03-14 09:30" if lang is Language.EN else "14.03.2026 09:30"
    assert f"(30 {'min' if lang is Language.EN else 'Min.'}, " in text
    assert f"<!date^1773480600^{{date_short_pretty}} {{time}}|{fallback}>" in text
    assert "UTC" not in text
    assert ("missed" if lang is Language.EN else "überschritten") in text


def test_a_warning_without_a_card_yet_has_no_link() -> None:
    warning = BREACH | {"event": "sla_warning"}
    text = target_text(Language.EN, TICKET, Thread(), warning)
    assert "is due" in text
    assert "archives" not in text


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(4, "4 s"), (90, "1 min"), (3600, "1 h"), (5400, "1 h 30 min"), (97200, "1 day 3 h")],
)
def test_lengths_in_words(seconds: float, words: str) -> None:
    assert length(seconds, Language.EN) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (4, "4 Sek."),
        (90, "1 Min."),
        (7200, "2 Std."),
        (5400, "1 Std. 30 Min."),
        (86400, "1 Tag"),
        (4 * 86400, "4 Tage"),
        (97200, "1 Tag 3 Std."),
    ],
)
def test_lengths_in_german_words(seconds: float, words: str) -> None:
    assert length(seconds, Language.DE) == words


@pytest.mark.parametrize("lang", list(Language))
def test_what_the_help_desk_did_by_itself_is_told_as_such(lang: Language) -> None:
    closed = {"event": "status", "actor": SYSTEM_ACTOR, "old": "resolved", "new": "closed"}
    [text] = thread_texts(lang, 7, closed | {"reason": "auto_close"}, for_reporter=True)
    assert "*#7*" in text
    assert "<@" not in text
    nudge = {"event": "waiting_nudge", "resolve_after": 345600}
    [text] = thread_texts(lang, 7, nudge, for_reporter=True)
    assert ("4 days" if lang is Language.EN else "4 Tage") in text
    assert "<@" not in actor_text(lang, SYSTEM_ACTOR)
    assert actor_text(lang, "U0SUPPORT1") == "<@U0SUPPORT1>"


def test_the_card_and_show_say_what_is_due() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.blocks import ticket_card
    from bot.blocks.timers import due_line
    from flashticket_core.domain.clock import TargetClock, TargetKind

    due = datetime(2026, 3, 14, 14, 30, tzinfo=UTC)
    first = TargetClock(
        kind=TargetKind.FIRST_RESPONSE,
        length=timedelta(minutes=30),
        running_since=due - timedelta(minutes=30),
        due_at=due,
    )
    resolution = TargetClock(
        kind=TargetKind.RESOLUTION, length=timedelta(hours=4), due_at=due, breached=True
    )
    line = due_line(Language.EN, (first, resolution))
    assert line is not None
    at = "<!date^1773498600^{date_short_pretty} {time}|2026-03-14 14:30>"
    assert line == (f"first response due {at} · :rotating_light: resolution missed (due {at})")
    late = due_line(Language.EN, (resolution,), now=due + timedelta(hours=2))
    assert late == ":rotating_light: resolution missed, 2 h late"
    german = due_line(Language.DE, (first, resolution), now=due + timedelta(days=1))
    assert german == (
        ":rotating_light: Erstreaktion überschritten, 1 Tag zu spät · "
        ":rotating_light: Lösung überschritten, 1 Tag zu spät"
    )
    paused = TargetClock(kind=TargetKind.FIRST_RESPONSE, length=timedelta(minutes=30))
    assert due_line(Language.DE, (paused,)) == "Erstreaktion pausiert, solange es wartet"
    met = TargetClock(kind=TargetKind.RESOLUTION, length=timedelta(hours=4), met_at=due)
    assert due_line(Language.EN, (met,)) is None
    card = ticket_card(Language.EN, TicketState(**{**TICKET.__dict__, "targets": (first,)}))
    assert any(block.get("block_id") == "due" for block in card)
