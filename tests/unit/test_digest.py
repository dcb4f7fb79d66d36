"""The morning digest: when it is due, and how it reads in both languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.digest import digest_blocks, digest_text
from flashticket_core.domain.business_time import BusinessCalendar, parse_business_hours
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.digest import Digest, DigestTicket, digest_day

BERLIN = ZoneInfo("Europe/Berlin")
CALENDAR = parse_business_hours("mon-fri 08:00-17:00", zone=BERLIN, holidays="DE-BY")


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 2, 7, 59, tzinfo=UTC), None),  # Wednesday 08:59 in Berlin
        (datetime(2026, 12, 2, 8, 0, tzinfo=UTC), date(2026, 12, 2)),  # 09:00
        (datetime(2026, 12, 2, 15, 0, tzinfo=UTC), date(2026, 12, 2)),  # a late start
        (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), None),  # 00:30 on Thursday
        (datetime(2026, 12, 5, 10, 0, tzinfo=UTC), None),  # Saturday
        (datetime(2026, 12, 25, 10, 0, tzinfo=UTC), None),  # Christmas
        (datetime(2026, 3, 30, 7, 0, tzinfo=UTC), date(2026, 3, 30)),  # 09:00 CEST
    ],
)
def test_the_digest_is_due_after_its_local_time_on_business_days(
    now: datetime, due: date | None
) -> None:
    assert digest_day(CALENDAR, time(9, 0), now) == due


def test_an_off_digest_is_never_due() -> None:
    assert (
        digest_day(BusinessCalendar.always(), None, datetime(2026, 12, 2, 12, tzinfo=UTC)) is None
    )


def ticket(number: int, title: str, assignee: str | None = None) -> DigestTicket:
    return DigestTicket(
        id=number,
        title=title,
        priority=Priority.HIGH,
        status=Status.WAITING if assignee else Status.NEW,
        assignee_id=assignee,
        created_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
    )


DIGEST = Digest(
    day=date(2026, 12, 2),
    open=3,
    unassigned=1,
    waiting=1,
    oldest_waiting=(ticket(7, "Printer", "USUPPORT01"),),
    top_open=(ticket(9, "VPN <!channel> & <@U123>"), ticket(7, "Printer", "USUPPORT01")),
)


def test_the_digest_in_english() -> None:
    text = digest_text(Language.EN, DIGEST)
    assert text.splitlines()[:3] == [
        "*Morning digest, 2026-12-02*",
        "Open: *3* · Unassigned: *1* · Waiting: *1*",
        "*Waiting longest*",
    ]
    assert "Missed" not in text
    assert "Due today" not in text
    assert "<@USUPPORT01>" in text


def test_the_digest_in_german() -> None:
    text = digest_text(Language.DE, DIGEST)
    assert "*Morgenübersicht, 2026-12-02*" in text
    assert "Offen: *3* · Nicht zugewiesen: *1* · Wartend: *1*" in text
    assert "*Oben in der Warteschlange*" in text


def test_a_title_is_escaped_once_and_never_a_live_mention() -> None:
    for rendered in (digest_text(Language.EN, DIGEST), str(digest_blocks(Language.EN, DIGEST))):
        assert "VPN &lt;!channel&gt; &amp; &lt;@U123&gt;" in rendered
        assert "<!channel>" not in rendered
        assert "<@U123>" not in rendered
        assert "&amp;lt;" not in rendered


def test_the_timers_counts_show_once_filled_in() -> None:
    filled = replace(DIGEST, breached=2, due_today=0, breached_tickets=(ticket(9, "VPN"),))
    text = digest_text(Language.EN, filled)
    assert "Missed: *2* · Due today: *0*" in text
    assert "*Targets missed*" in text
    assert Digest.from_payload(filled.payload()) == filled


def test_a_quiet_morning_says_so() -> None:
    quiet = Digest(day=date(2026, 12, 2), open=0, unassigned=0, waiting=0)
    assert "No open tickets" in digest_text(Language.EN, quiet)
    assert len(digest_blocks(Language.DE, quiet)) == 3
