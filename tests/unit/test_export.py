"""The export's rows one at a time: the guard against CSV injection, the language, the
zone of its times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.export import (
    COLUMNS,
    ExportedTicket,
    cells,
    header,
    neutralise,
    target_standing,
)


@pytest.mark.parametrize("cell", ["\tx", "\rx", "=1", "+1", "-1", "@x", "＝1"])
def test_every_trigger_is_neutralised(cell: str) -> None:
    # Titles and descriptions are trimmed before they are stored; the export does not
    # rely on that.
    assert neutralise(cell) == "'" + cell
    assert neutralise("x" + cell) == "x" + cell


def test_a_row_speaks_the_language_and_writes_times_with_their_offset() -> None:
    created = datetime(2026, 12, 8, 9, 3, tzinfo=UTC)
    ticket = ExportedTicket(
        id=7,
        title="Drucker",
        description="",
        status=Status.WAITING,
        priority=Priority.LOW,
        reporter_id="U1",
        reporter_name=None,
        assignee_id=None,
        assignee_name=None,
        created_at=created,
        updated_at=created,
        first_response_at=None,
        resolved_at=None,
        closed_at=None,
        rating=None,
        version=1,
        first_response_target=target_standing(None, None, True),
        resolution_target=target_standing(None, None, False),
    )
    berlin = ZoneInfo("Europe/Berlin")
    row = dict(zip(COLUMNS, cells(ticket, Language.DE, berlin), strict=True))
    assert (row["status"], row["priority"]) == ("Wartet auf Rückmeldung", "Niedrig")
    assert row["created_at"] == "2026-12-08 10:03:00+01:00"
    assert (row["first_response_target"], row["resolution_target"]) == ("verfehlt", "pausiert")
    english = dict(zip(COLUMNS, cells(ticket, Language.EN), strict=True))
    assert (english["status"], english["first_response_target"]) == ("Waiting for reply", "missed")
    assert english["created_at"] == "2026-12-08 09:03:00+00:00"
    assert header(Language.DE, berlin)[9] == "Erstellt (Europe/Berlin)"
    assert header(Language.EN, berlin)[16] == "First response due (Europe/Berlin)"
