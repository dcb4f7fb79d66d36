"""Approvals without a database: the desk file's keys and their one-line errors, what a
decision's events plan in the outbox, and the request, its decision and the rejection's
form as Block Kit, escaped once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.blocks.approvals import (
    approval_thread_text,
    decided_blocks,
    reject_modal,
    request_blocks,
)
from bot.desk_command import summary
from bot.startup_checks import checked_desk_file
from flashticket_core.desk_file import DeskFileError, parse_desk_text
from flashticket_core.domain import events
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import FieldValue
from flashticket_core.i18n import Language
from flashticket_core.service_layer.outbox import MessageKind, plan
from flashticket_core.service_layer.views import TicketSummary

TEAM = "teams:\n  - {id: it, name: IT, channel: C0IT}\nrequest_types:\n"
NOW = datetime(2026, 3, 16, 10, tzinfo=UTC)


def desk(kind: str) -> str:
    return TEAM + f"  - {{id: access, name: Access, team: it, {kind}}}\n"


def test_approvers_and_an_approver_group_are_read() -> None:
    structure = parse_desk_text(
        desk("approvers: [U0ANN0001, U0MAX0001], approver_group: S0APPROVE"), source="d.yaml"
    )
    kind = structure.request_type("access")
    assert kind is not None
    assert kind.approvers == ("U0ANN0001", "U0MAX0001")
    assert kind.approver_group == "S0APPROVE"
    assert kind.needs_approval
    plain = parse_desk_text(desk("priority: low"), source="d.yaml").request_type("access")
    assert plain is not None
    assert not plain.needs_approval
    assert summary("d.yaml", structure)[-1].endswith(
        "no fields; approved by 2 approvers, user group S0APPROVE"
    )


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            "approvers: [U0ANN0001, U0ANN0001]",
            "request_types[0] (access).approvers: the approver 'U0ANN0001' is listed twice",
        ),
        (
            "approver_groups: S0APPROVE",
            "request_types[0] (access).approver_groups: is not a key of this entry (a typo?)",
        ),
        ("approvers: U0ANN0001", "request_types[0] (access).approvers: input should be a"),
        ("approver_group: ''", "request_types[0] (access).approver_group: string should have"),
    ],
)
def test_a_wrong_approval_key_is_one_line_naming_file_entry_and_problem(
    keys: str, expected: str
) -> None:
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(desk(keys), source="desk.yaml")
    assert str(raised.value).startswith(f"desk.yaml: {expected}"), str(raised.value)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            "approvers: [U0ANN0001, '@max']",
            "request_types[0] (access).approvers[1]: '@max' is not a user ID such as U0123456789",
        ),
        (
            "approver_group: approvers",
            "request_types[0] (access).approver_group: 'approvers' is not a user group ID",
        ),
    ],
)
def test_approver_ids_of_the_wrong_shape_are_one_line_too(
    tmp_path: Path, keys: str, expected: str
) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(desk(keys))
    with pytest.raises(DeskFileError) as raised:
        checked_desk_file(str(path))
    assert str(raised.value).startswith(f"{path}: {expected}")


def kinds(event: events.Event) -> list[MessageKind]:
    return [kind for kind, _ticket, _payload in plan(event)]


def test_a_ticket_waiting_for_approval_has_no_card_until_it_is_approved() -> None:
    waiting = events.TicketOpened(actor_id="U1", ticket_id=7, awaiting_approval=True)
    assert kinds(waiting) == [MessageKind.REPORTER_ROOT]
    asked = events.ApprovalRequested(actor_id="U1", ticket_id=7, approvers=("UA", "UB"))
    assert kinds(asked) == [
        MessageKind.REPORTER_THREAD,
        MessageKind.APPROVAL_REQUEST,
        MessageKind.APPROVAL_REQUEST,
    ]
    approved = events.ApprovalDecided(
        actor_id="UA",
        ticket_id=7,
        approved=True,
        reason=None,
        approvers=("UA", "UB"),
        reporter_id="U1",
    )
    assert kinds(approved) == [
        MessageKind.REPORTER_THREAD,
        MessageKind.SUPPORT_POST,
        MessageKind.SUPPORT_THREAD,
        MessageKind.APPROVAL_DECIDED,
        MessageKind.APPROVAL_DECIDED,
    ]
    rejected = events.ApprovalDecided(
        actor_id="UA", ticket_id=7, approved=False, reason="no", approvers=("UA",), reporter_id="U1"
    )
    assert kinds(rejected) == [MessageKind.REPORTER_THREAD, MessageKind.APPROVAL_DECIDED]
    # The decision's status change is told as the decision, not a second time.
    moved = events.StatusChanged(
        actor_id="UA", ticket_id=7, old=Status.PENDING_APPROVAL, new=Status.NEW, reason="approved"
    )
    assert kinds(moved) == []


def ticket(**changes: object) -> TicketSummary:
    values: dict[str, object] = {
        "id": 7,
        "title": "Share <!channel> & <@U0EVIL>",
        "status": Status.PENDING_APPROVAL,
        "priority": Priority.MEDIUM,
        "reporter_id": "U0ALICE01",
        "assignee_id": None,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
        "description": "Please <https://evil.example|click>",
        "request_type": "access",
        "fields": (FieldValue("system", ("SAP <b>",), label="System", type="text"),),
    }
    values.update(changes)
    return TicketSummary(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", list(Language))
def test_the_request_is_escaped_once_and_offers_approve_and_reject(lang: Language) -> None:
    blocks = request_blocks(lang, ticket(), kind="Access <keys>", team="IT & Co")
    shown = str(blocks)
    assert "Share &lt;!channel&gt; &amp; &lt;@U0EVIL&gt;" in shown
    assert "Access &lt;keys&gt;" in shown
    assert "SAP &lt;b&gt;" in shown
    assert "&lt;https://evil.example|click&gt;" in shown
    assert "<!channel>" not in shown
    assert "<@U0ALICE01>" in shown
    [actions] = [block for block in blocks if block["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["approval.approve", "approval.reject"]
    decided = decided_blocks(
        lang,
        ticket(),
        kind="Access",
        payload={"event": "rejected", "actor": "U0ANN0001", "reason": "<!here>"},
    )
    assert all(block["type"] != "actions" for block in decided)
    assert "&lt;!here&gt;" in str(decided)


@pytest.mark.parametrize("lang", list(Language))
def test_the_rejection_form_requires_its_reason_within_slacks_limits(lang: Language) -> None:
    form = reject_modal(lang, ticket())
    assert form["callback_id"] == "approval.reject_form"
    assert len(form["title"]["text"]) <= 24
    [block] = form["blocks"]
    assert block["block_id"] == "reason"
    assert block.get("optional", False) is False


@pytest.mark.parametrize("lang", list(Language))
def test_the_reporter_is_told_each_step_in_their_language(lang: Language) -> None:
    waiting = approval_thread_text(
        lang, 7, {"event": "awaiting_approval", "approvers": ["U0ANN0001"]}, for_reporter=True
    )
    nobody = approval_thread_text(lang, 7, {"event": "awaiting_approval"}, for_reporter=True)
    approved = approval_thread_text(
        lang, 7, {"event": "approved", "actor": "U0ANN0001", "reason": None}, for_reporter=True
    )
    rejected = approval_thread_text(
        lang,
        7,
        {"event": "rejected", "actor": "U0ANN0001", "reason": "a <!here> b"},
        for_reporter=True,
    )
    assert "<@U0ANN0001>" in waiting
    assert "<@" not in nobody
    assert "<@U0ANN0001>" in approved
    assert "> a &lt;!here&gt; b" in rejected
    assert len({waiting, nobody, approved, rejected}) == 4
    words = {Language.EN: "rejected", Language.DE: "abgelehnt"}
    assert words[lang] in rejected
