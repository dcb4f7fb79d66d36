"""Times as the bot writes them: Slack's date markup for each reader's own zone, the help
desk's zone and the language's way in the fallback, and nothing a person typed ever
becoming date markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import blocks, times
from bot.blocks.digest import digest_title
from bot.console.render import Renderer
from bot.mrkdwn import decode_incoming, escape
from flashticket_core.domain.enums import EntryKind, Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.digest import Digest
from flashticket_core.service_layer.views import Change, Entry, TicketDetail, TicketSummary

# 8 December 2026, 09:03 UTC: 10:03 in Berlin.
AT = datetime(2026, 12, 8, 9, 3, tzinfo=UTC)
STAMP = int(AT.timestamp())


@pytest.fixture(autouse=True)
def berlin() -> Iterator[None]:
    times.use_desk(ZoneInfo("Europe/Berlin"), Language.DE)
    yield
    times.use_desk(ZoneInfo("UTC"), Language.EN)


@pytest.mark.parametrize(
    ("lang", "fallback"), [(Language.EN, "2026-12-08 10:03"), (Language.DE, "08.12.2026 10:03")]
)
def test_a_moment_is_slacks_date_markup_with_the_desks_zone_as_fallback(
    lang: Language, fallback: str
) -> None:
    assert (
        times.slack_time(AT, lang) == f"<!date^{STAMP}^{{date_short_pretty}} {{time}}|{fallback}>"
    )
    assert times.plain_time(AT, lang) == fallback
    assert times.plain_times(f"due {times.slack_time(AT, lang)}.") == f"due {fallback}."


def test_a_helper_not_told_the_language_uses_the_desks() -> None:
    assert blocks.timers.local_time_of(AT).endswith("|08.12.2026 10:03>")
    assert blocks.timers.length(2 * 86400) == "2 Tage"


def test_a_typed_date_stays_text_and_only_the_bots_own_is_markup() -> None:
    """A person who types `<!date^…|…>` (Slack sends it encoded in a message, as typed
    in a modal) sees their text, never markup; the bot's own date beside it is live."""
    typed = "<!date^1392734382^{date_short_pretty}|soon> <!here>"
    for title in (typed, decode_incoming(typed.replace("<", "&lt;").replace(">", "&gt;"))):
        text = f"{escape(title)} due {times.slack_time(AT, Language.EN)}"
        assert "<!date^1392734382" not in text
        assert text.count("<!date^") == 1
        # The notification's plain text keeps the typed words as escaped text.
        assert times.plain_times(text) == f"{escape(title)} due 2026-12-08 10:03"


def test_the_console_shows_the_fallback() -> None:
    renderer = Renderer(name_of=lambda user: user.lower())
    shown = renderer.mrkdwn(f"<@USAM> due {times.slack_time(AT, Language.DE)} &lt;!date^1|x&gt;")
    assert shown == "@usam due 08.12.2026 10:03 <!date^1|x>"


def test_show_gives_each_reader_their_time_and_names_history_fields_in_german() -> None:
    summary = TicketSummary(
        id=5,
        title="Drucker",
        status=Status.IN_PROGRESS,
        priority=Priority.LOW,
        reporter_id="U1",
        assignee_id="U2",
        created_at=AT,
        updated_at=AT,
        version=3,
    )
    detail = TicketDetail(
        ticket=summary,
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[Entry(1, EntryKind.SUPPORT_REPLY, "U2", "Bin dran", AT)],
        history=[
            Change("U2", "priority", "high", "low", AT),
            Change("U2", "assignee", None, "U2", AT),
            Change("U2", "deleted", None, "deleted", AT),
        ],
    )
    text = json.dumps(blocks.ticket_detail(Language.DE, detail), ensure_ascii=False)
    assert f"<!date^{STAMP}^{{date_short_pretty}} {{time}}|08.12.2026 10:03>" in text
    assert "Priorität: Hoch → Niedrig" in text
    assert "Bearbeiter: – → <@U2>" in text
    assert "Gelöscht: – → Gelöscht" in text
    assert "priority" not in text
    assert "assignee" not in text


def test_the_digest_is_dated_the_languages_way() -> None:
    digest = Digest(day=date(2026, 12, 8), open=0, unassigned=0, waiting=0)
    assert digest_title(Language.DE, digest) == "Morgenübersicht vom 08.12.2026"
    assert digest_title(Language.EN, digest) == "Morning digest, 2026-12-08"
