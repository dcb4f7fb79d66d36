"""Approvals through the real server against the fake Slack: an approver's DM has the
request (escaped once) with Approve / Reject; Approve (a signed block_actions) decides,
the card appears in the team's channel, every approver's request loses its buttons and
the other approver is told who decided; a later click is told so; Reject opens a form
whose reason (a signed view_submission) is required and reaches the reporter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flashticket_core.domain.enums import Status
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_routing import wait_for_card
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import block_action

IT_CHANNEL = "C0IT000001"
ANN = "UANN000001"
MAX = "UMAX000001"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: {IT_CHANNEL}}}
request_types:
  - id: access
    name: Access & keys
    team: it
    approvers: [{ANN}, {MAX}]
    fields:
      - {{id: system, label: System, type: text}}
"""
TITLE = "Finance share & <!channel> <@U0SOMEONE>"


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def request_to(slack: FakeSlack, approver: str, ticket_id: int) -> Call:
    """The approval request the approver got by DM."""

    def found(calls: list[Call]) -> Call | None:
        return next(
            (
                c
                for c in calls
                if c.method == "chat.postMessage"
                and c.args.get("channel") == approver
                and c.args.get("blocks")
                and f"#{ticket_id}*" in str(c.args.get("text"))
            ),
            None,
        )

    slack.wait_for(lambda calls: found(calls) is not None)
    request = found(slack.calls("chat.postMessage"))
    assert request is not None
    return request


def button(request: Call, action_id: str) -> str:
    (value,) = [
        element["value"]
        for block in request.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    ]
    return str(value)


def click(bot: Bot, user: str, request: Call, action_id: str) -> None:
    payload = block_action(
        user,
        action_id,
        value=button(request, action_id),
        channel=str(request.response["channel"]),
        message_ts=str(request.response["ts"]),
        response_url=bot.slack.issue_response_url(),
        trigger_id=bot.slack.issue_trigger_id(),
    )
    assert bot.http.interact(payload).status == 200


def updates_of(slack: FakeSlack, request: Call) -> list[Call]:
    return [
        c
        for c in slack.calls("chat.update")
        if c.args.get("channel") == request.response["channel"]
        and c.args.get("ts") == request.response["ts"]
    ]


def open_access(bot: Bot) -> int:
    from flashticket_core.domain.model import FieldValue

    ticket = bot.running.core.desk.tickets.open_ticket(
        ALICE, title=TITLE, request_type="access", fields=[FieldValue("system", ("SAP <b>",))]
    )
    assert ticket.status is Status.PENDING_APPROVAL
    return ticket.id


def test_approve_posts_the_card_clears_the_buttons_and_tells_the_other_approver(
    desk_bot: Bot,
) -> None:
    slack = desk_bot.slack
    ticket_id = open_access(desk_bot)
    to_ann, to_max = request_to(slack, ANN, ticket_id), request_to(slack, MAX, ticket_id)
    shown = str(to_ann.args["blocks"])
    # Escaped once: no live mention, no markup of the reporter's.
    assert "Finance share &amp; &lt;!channel&gt; &lt;@U0SOMEONE&gt;" in shown
    assert "SAP &lt;b&gt;" in shown
    assert "<!channel>" not in str(to_ann.args["text"])
    assert f"<@{ALICE}>" in str(to_ann.args["text"])
    click(desk_bot, MAX, to_max, "approval.approve")
    card = wait_for_card(slack, IT_CHANNEL, ticket_id)
    assert card.args["blocks"][0]["text"]["type"] == "plain_text"
    slack.wait_for(lambda _: bool(updates_of(slack, to_ann)) and bool(updates_of(slack, to_max)))
    for request in (to_ann, to_max):
        [edited] = updates_of(slack, request)
        assert all(block["type"] != "actions" for block in edited.args["blocks"])
        assert f"was approved by <@{MAX}>" in str(edited.args["blocks"])
    # The edit notifies nobody: the approver who did not decide gets a line of their own.
    slack.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage"
            and c.args.get("channel") == ANN
            and f"was approved by <@{MAX}>" in str(c.args.get("text"))
            for c in calls
        )
    )
    slack.wait_for(lambda _: any("approved by" in t for t in desk_bot.dm_thread(ticket_id)))
    assert any("needs approval first" in t for t in desk_bot.dm_thread(ticket_id))
    assert any(f"Your decision on *#{ticket_id}*" in t for t in desk_bot.ephemeral_texts())
    # A later click on the other request is told who decided, and changes nothing.
    click(desk_bot, ANN, to_ann, "approval.reject")
    slack.wait_for(
        lambda _: any(f"already approved by <@{MAX}>" in t for t in desk_bot.ephemeral_texts())
    )
    assert desk_bot.running.core.desk.queries.show(ADMIN, ticket_id).ticket.status is Status.NEW


def reason(text: str) -> dict[str, dict[str, Any]]:
    return {"reason": {"type": "plain_text_input", "value": text}}


def test_reject_asks_the_reason_and_tells_the_reporter_and_a_stranger_is_refused(
    desk_bot: Bot,
) -> None:
    slack = desk_bot.slack
    ticket_id = open_access(desk_bot)
    to_ann = request_to(slack, ANN, ticket_id)
    # Someone the request was not asked of: refused, by user ID, whatever they clicked.
    click(desk_bot, BOB, to_ann, "approval.approve")
    slack.wait_for(lambda _: any("only its approvers" in t for t in desk_bot.ephemeral_texts()))
    before = len(slack.calls("views.open"))
    click(desk_bot, BOB, to_ann, "approval.reject")
    slack.wait_for(lambda _: len([t for t in desk_bot.ephemeral_texts() if "only its" in t]) == 2)
    assert len(slack.calls("views.open")) == before
    click(desk_bot, ANN, to_ann, "approval.reject")
    form: dict[str, Any] = slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    assert form["callback_id"] == "approval.reject_form"
    blank = desk_bot.submit(ANN, form, reason("   ")).json()
    assert blank["response_action"] == "errors"
    assert "reason" in blank["errors"]
    assert desk_bot.running.core.desk.queries.show(ADMIN, ticket_id).ticket.status is (
        Status.PENDING_APPROVAL
    )
    answer = desk_bot.submit(ANN, form, reason("Ask your manager <!here> & try again"))
    assert answer.status == 200, answer.body
    assert answer.body in (b"", b"{}"), answer.body
    slack.wait_for(lambda _: any("rejected by" in t for t in desk_bot.dm_thread(ticket_id)))
    [told] = [t for t in desk_bot.dm_thread(ticket_id) if "rejected by" in t]
    assert "> Ask your manager &lt;!here&gt; &amp; try again" in told
    detail = desk_bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert detail.ticket.status is Status.CLOSED
    slack.wait_for(lambda _: bool(updates_of(slack, to_ann)))
    # Never approved: no card went to the team's channel.
    assert not [
        c
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == IT_CHANNEL and f"#{ticket_id}" in str(c.args.get("text"))
    ]
