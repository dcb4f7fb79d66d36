"""What the timers say, in both languages: escaped once, lengths in words, a link to
the card, and the help desk named as itself where it acted."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks import ticket_card
from bot.blocks.common import actor_text
from bot.blocks.thread import thread_texts
from bot.blocks.timers import due_line, length, target_text, targets_list_text
from flashticket_core.domain.clock import SYSTEM_ACTOR, TargetClock, TargetKind
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.outgoing import Thread
from flashticket_core.service_layer.views import TicketSummary

TICKET = TicketSummary(
    id=7,
    title="<!here> VPN & <@U123> down",
    description="",
    status=Status.NEW,
    priority=Priority.HIGH,
    reporter_id="UALICE0001",
    assignee_id=None,
    version=1,
    created_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
    updated_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
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
    assert f"<!date^1773480600^{{date_short_pretty}} {{time}}|{fallback}>" in text
    assert "UTC" not in text


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


DUE = datetime(2026, 3, 14, 14, 30, tzinfo=UTC)
# DUE as Slack's date markup: each reader's own zone, the help desk's (UTC) as fallback.
AT_DUE = "<!date^1773498600^{date_short_pretty} {time}|2026-03-14 14:30>"
RUNNING = TargetClock(
    kind=TargetKind.FIRST_RESPONSE,
    length=timedelta(minutes=30),
    running_since=DUE - timedelta(minutes=30),
    due_at=DUE,
)
MISSED = TargetClock(
    kind=TargetKind.RESOLUTION,
    length=timedelta(hours=4),
    running_since=DUE - timedelta(hours=4),
    due_at=DUE,
    warned=True,
    breached=True,
)
# Resolution as a wait leaves it: stopped, 1 h of its 4 h used.
PAUSED = TargetClock(
    kind=TargetKind.RESOLUTION, length=timedelta(hours=4), consumed=timedelta(hours=1)
)


def test_the_card_says_what_is_due_and_what_is_missed() -> None:
    line = due_line(Language.EN, (RUNNING, MISSED), status=Status.IN_PROGRESS)
    assert line == (
        f"first response due {AT_DUE} · :rotating_light: resolution missed (due {AT_DUE})"
    )
    card = ticket_card(Language.EN, replace(TICKET, targets=(RUNNING,)))
    assert any(block.get("block_id") == "due" for block in card)


def test_show_says_by_how_much_a_target_is_missed_in_both_languages() -> None:
    later = DUE + timedelta(hours=2)
    assert due_line(Language.EN, (MISSED,), status=Status.NEW, now=later) == (
        ":rotating_light: resolution missed by 2 h"
    )
    assert due_line(Language.DE, (MISSED,), status=Status.NEW, now=later) == (
        ":rotating_light: Lösung um 2 Std. verfehlt"
    )
    # Missed, then stopped (the ticket waits): the business time it used beyond it.
    stopped = replace(MISSED, running_since=None, due_at=None, consumed=timedelta(hours=5))
    assert due_line(Language.EN, (stopped,), status=Status.WAITING, now=later) == (
        ":rotating_light: resolution missed by 1 h"
    )
    assert due_line(Language.EN, (stopped,), status=Status.WAITING) == (
        ":rotating_light: resolution missed"
    )


def test_a_met_target_leaves_the_line() -> None:
    met = replace(RUNNING, running_since=None, due_at=None, met_at=DUE - timedelta(minutes=5))
    assert due_line(Language.EN, (met,), status=Status.IN_PROGRESS) is None
    assert (
        due_line(
            Language.EN, (met, replace(MISSED, breached=False, warned=False)), status=Status.NEW
        )
        == f"resolution due {AT_DUE}"
    )


def test_paused_is_said_only_while_the_ticket_waits() -> None:
    assert due_line(Language.EN, (RUNNING, PAUSED), status=Status.WAITING) == (
        f"first response due {AT_DUE} · resolution paused while waiting"
    )
    assert due_line(Language.DE, (PAUSED,), status=Status.WAITING) == (
        "Lösung pausiert, solange es wartet"
    )
    # Resolved or closed: nothing runs and nothing waits, so the card says nothing.
    stopped_first = replace(RUNNING, running_since=None, due_at=None)
    for status in (Status.RESOLVED, Status.CLOSED):
        assert due_line(Language.EN, (stopped_first, PAUSED), status=status) is None
        assert due_line(Language.EN, (stopped_first,), status=status, now=DUE) is None


def test_show_still_names_a_target_missed_before_the_ticket_was_resolved() -> None:
    stopped = replace(MISSED, running_since=None, due_at=None, consumed=timedelta(hours=6))
    assert due_line(Language.EN, (stopped,), status=Status.RESOLVED) is None  # the card
    assert due_line(Language.EN, (stopped,), status=Status.RESOLVED, now=DUE) == (
        ":rotating_light: resolution missed by 2 h"
    )


def listed(
    *ids: int, deleted: frozenset[int] = frozenset()
) -> dict[int, tuple[TicketSummary, Thread]]:
    return {
        i: (
            replace(TICKET, id=i, deleted=i in deleted),
            replace(THREAD, support_ts=f"1700000000.00000{i}"),
        )
        for i in ids
    }


@pytest.mark.parametrize("lang", list(Language))
def test_one_message_lists_a_sweeps_missed_targets(lang: Language) -> None:
    item = {k: BREACH[k] for k in ("target", "due", "length", "late")}
    payload = {"event": "sla_breaches", "items": [item | {"ticket": i} for i in (3, 4, 5)]}
    text = targets_list_text(lang, payload, listed(3, 4, 5, deleted=frozenset({4})))
    assert text is not None
    lines = text.splitlines()
    assert len(lines) == 3  # the heading, #3 and #5: #4 was deleted since
    assert lines[0].startswith(":rotating_light: 2 ")
    assert "*#3*" in lines[1]
    assert "*#5*" in lines[2]
    assert ("2 h 1 min" if lang is Language.EN else "2 Std. 1 Min.") in lines[1]
    assert "p1700000000000003|" in lines[1]
    assert "&lt;!here&gt; VPN &amp; &lt;@U123&gt; down" in lines[1]
    assert "<!here>" not in text
    word = "missed" if lang is Language.EN else "verfehlt"
    assert all(word in line for line in lines)
    warnings = {"event": "sla_warnings", "items": payload["items"]}
    assert targets_list_text(lang, warnings, listed(3)) is not None
    assert targets_list_text(lang, payload, listed(4, deleted=frozenset({4}))) is None


def test_a_missed_target_has_one_word_per_language_everywhere() -> None:
    from bot.words import CATALOG

    keys = [
        "bot.sla.breach",
        "bot.sla.breaches",
        "bot.sla.breach_line",
        "bot.due.missed",
        "bot.due.missed_plain",
        "bot.due.missed_by",
        "bot.digest.breached",
        "bot.digest.breached_list",
    ]
    for key in keys:
        assert "missed" in CATALOG[key][Language.EN].lower(), key
        assert "verfehlt" in CATALOG[key][Language.DE].lower(), key
    others = ("late", "breach", "overdue", "spät", "überschritten", "verpasst", "überfällig")
    for key, texts in CATALOG.items():
        if key.startswith(("bot.sla.", "bot.due.", "bot.digest.")):
            for text in texts.values():
                words = re.sub(r"\{\w+\}", "", text).lower()  # not the placeholders
                assert not any(word in words for word in others), key
