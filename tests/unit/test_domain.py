"""The ticket's own rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashticket_core.domain import events
from flashticket_core.domain.enums import TRANSITIONS, Priority, Status
from flashticket_core.domain.model import Ticket, validate_description, validate_title
from flashticket_core.errors import InvalidInput, InvalidTransition

NOW = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)

ALLOWED = {
    ("new", "in_progress"),
    ("new", "waiting"),
    ("new", "resolved"),
    ("new", "closed"),
    ("in_progress", "waiting"),
    ("in_progress", "resolved"),
    ("in_progress", "closed"),
    ("waiting", "in_progress"),
    ("waiting", "resolved"),
    ("waiting", "closed"),
    ("resolved", "in_progress"),
    ("resolved", "closed"),
    ("closed", "in_progress"),
    ("pending_approval", "new"),
    ("pending_approval", "closed"),
}


def ticket_in(status: Status) -> Ticket:
    ticket = Ticket.open(
        title="VPN drops", description="", priority=Priority.HIGH, reporter_id="U1", now=NOW
    )
    ticket.id = 7
    ticket.status = status
    return ticket


def test_lifecycle_table_is_exactly_the_spec() -> None:
    table = {(old.value, new.value) for old, targets in TRANSITIONS.items() for new in targets}
    assert table == ALLOWED


@pytest.mark.parametrize("old", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_every_transition_is_allowed_or_rejected_as_the_spec_says(old: Status, new: Status) -> None:
    ticket = ticket_in(old)
    version = ticket.version
    if (old.value, new.value) in ALLOWED:
        assert ticket.change_status(new, actor_id="U2", now=NOW) is old
        assert ticket.status is new
        assert ticket.version == version + 1
    else:
        with pytest.raises(InvalidTransition) as raised:
            ticket.change_status(new, actor_id="U2", now=NOW)
        assert ticket.status is old
        assert ticket.version == version
        assert f"#{ticket.id}" in str(raised.value)


def test_timestamps_follow_resolution_close_and_reopen() -> None:
    ticket = ticket_in(Status.IN_PROGRESS)
    later = NOW + timedelta(hours=2)
    ticket.change_status(Status.RESOLVED, actor_id="U2", now=later)
    assert ticket.resolved_at == later
    assert ticket.closed_at is None
    ticket.change_status(Status.CLOSED, actor_id="U2", now=later + timedelta(days=1))
    assert ticket.closed_at == later + timedelta(days=1)
    assert ticket.resolved_at == later
    ticket.change_status(Status.IN_PROGRESS, actor_id="U2", now=later + timedelta(days=2))
    assert ticket.resolved_at is None
    assert ticket.closed_at is None


def test_closing_an_unresolved_ticket_counts_as_resolved_at_close() -> None:
    ticket = ticket_in(Status.NEW)
    ticket.change_status(Status.CLOSED, actor_id="U2", now=NOW)
    assert ticket.resolved_at == NOW


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Printer  on fire ", "Printer on fire"), ("x", "x"), ("ä" * 150, "ä" * 150)],
)
def test_title_is_trimmed_and_kept(raw: str, clean: str) -> None:
    assert validate_title(raw) == clean


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "error.title_empty"),
        ("   \n\t", "error.title_empty"),
        ("x" * 151, "error.title_too_long"),
    ],
)
def test_bad_titles_are_refused_on_the_title_field(raw: str, key: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validate_title(raw)
    assert raised.value.key == key
    assert raised.value.field == "title"


def test_description_limit_is_3000_characters() -> None:
    assert validate_description("d" * 3000) == "d" * 3000
    with pytest.raises(InvalidInput) as raised:
        validate_description("d" * 3001)
    assert raised.value.field == "description"
    assert "3000" in raised.value.message("en")
    assert "3000" in raised.value.message("de")


def test_changing_priority_to_the_same_value_is_no_change() -> None:
    ticket = ticket_in(Status.NEW)
    assert ticket.set_priority(Priority.HIGH, actor_id="U2", now=NOW) is None
    assert ticket.version == 1
    assert ticket.set_priority(Priority.LOW, actor_id="U2", now=NOW) is Priority.HIGH
    assert ticket.version == 2


def test_an_answer_on_a_finished_ticket_raises_its_event_and_an_open_one_none() -> None:
    ticket = Ticket.open(
        title="VPN", description="", priority=Priority.LOW, reporter_id="U1", now=NOW
    )
    ticket.id = 5
    ticket.answered_when_finished(actor_id="U1", may_reopen=True)
    ticket.change_status(Status.CLOSED, actor_id="U2", now=NOW)
    ticket.answered_when_finished(actor_id="U1", may_reopen=False)
    late = [e for e in ticket.collect_events() if isinstance(e, events.AnsweredWhenFinished)]
    assert late == [
        events.AnsweredWhenFinished(
            actor_id="U1", ticket_id=5, status=Status.CLOSED, assignee_id=None, may_reopen=False
        )
    ]
