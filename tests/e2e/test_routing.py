"""Routing and moving through the real server against the fake Slack, with a desk file of
two teams: a ticket of an HR type has its card in HR's channel, a 🎫 in HR's intake
channel routes there, "Move to team" updates the old card, posts a new one in the new
team's channel and tells the reporter, and a missed target of HR's goes to HR's
escalation channel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flashticket_core.domain.enums import Priority
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_request_type_forms import submit, typed_state
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import block_action, event_envelope

IT_CHANNEL = "C0IT000001"
HR_CHANNEL = "G0HR000001"
HR_INTAKE = "C0HRHELP01"
HR_ESCALATIONS = "G0HRESC001"
DESK = f"""\
teams:
  - {{id: it, name: IT-Support, channel: {IT_CHANNEL}}}
  - id: hr
    name: HR & People
    channel: {HR_CHANNEL}
    intake_channels: [{HR_INTAKE}]
    escalation_channel: {HR_ESCALATIONS}
    sla: "high=3s/1h"
request_types:
  - {{id: hardware, name: Hardware defect, team: it}}
  - {{id: leave, name: Leave request, team: hr}}
"""
# A sweep every 5 s fires a timer within 15 s of being due; this leaves room for it.
FIRES_WITHIN = 25.0


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    """IT has no targets (FLASHTICKET_SLA empty); HR's are seconds, around the clock."""
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(
        database_url,
        slack,
        flashticket_desk_file=str(desk_file),
        flashticket_business_hours="always",
        flashticket_sla="",
    )
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def card_in(slack: FakeSlack, channel: str, ticket_id: int) -> Call | None:
    """The ticket's card as first posted in `channel`, if it is there."""
    return next(
        (
            c
            for c in slack.calls("chat.postMessage")
            if c.args.get("channel") == channel
            and not c.args.get("thread_ts")
            and f"#{ticket_id}:" in str(c.args.get("text"))
        ),
        None,
    )


def wait_for_card(slack: FakeSlack, channel: str, ticket_id: int) -> Call:
    slack.wait_for(lambda _: card_in(slack, channel, ticket_id) is not None)
    card = card_in(slack, channel, ticket_id)
    assert card is not None
    return card


def thread_of(slack: FakeSlack, card: Call) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == card.args["channel"]
        and c.args.get("thread_ts") == card.response["ts"]
    ]


def action_ids(card: Call) -> list[str]:
    return [
        element["action_id"]
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_a_ticket_of_an_hr_type_has_its_card_in_hrs_channel(desk_bot: Bot) -> None:
    slack = desk_bot.slack
    leave = desk_bot.running.core.desk.tickets.open_ticket(
        ALICE, title="Two weeks in May", request_type="leave"
    )
    card = wait_for_card(slack, HR_CHANNEL, leave.id)
    assert "ticket.move_team" in action_ids(card)
    # The form, of IT's type: IT's channel.
    view = desk_bot.open_modal(ALICE)
    answer = submit(desk_bot, ALICE, view, typed_state("Screen flickers", "hardware"))
    assert answer == {}, answer
    wait_for_card(slack, IT_CHANNEL, leave.id + 1)
    assert card_in(slack, IT_CHANNEL, leave.id) is None
    assert card_in(slack, SUPPORT_CHANNEL, leave.id) is None
    assert card_in(slack, SUPPORT_CHANNEL, leave.id + 1) is None


def test_a_ticket_reaction_in_hrs_intake_channel_routes_the_ticket_to_hr(desk_bot: Bot) -> None:
    slack = desk_bot.slack
    slack.set_channel(HR_INTAKE, is_private=False, name="ask-hr")
    message = slack.person_posts(ALICE, HR_INTAKE, "My payslip shows the wrong tax class")
    event = slack.reaction_added(BOB, message, "ticket")
    assert desk_bot.http.event(event_envelope(event)).status == 200
    card = wait_for_card(slack, HR_CHANNEL, 1)
    assert "wrong tax class" in str(card.args["blocks"])
    assert card_in(slack, IT_CHANNEL, 1) is None


def open_move_form(bot: Bot, user: str, card: Call) -> dict[str, Any]:
    (value,) = [
        element["value"]
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "ticket.move_team"
    ]
    before = len(bot.slack.calls("views.open"))
    click = block_action(
        user,
        "ticket.move_team",
        value=value,
        channel=str(card.args["channel"]),
        message_ts=str(card.response["ts"]),
        response_url=bot.slack.issue_response_url(),
        trigger_id=bot.slack.issue_trigger_id(),
    )
    assert bot.http.interact(click).status == 200
    view: dict[str, Any] = bot.slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    return view


def choose(team: str) -> dict[str, dict[str, Any]]:
    return {"team": {"type": "static_select", "selected_option": {"value": team}}}


def test_move_to_team_updates_the_old_card_posts_a_new_one_and_tells_the_reporter(
    desk_bot: Bot,
) -> None:
    slack = desk_bot.slack
    ticket = desk_bot.running.core.desk.tickets.open_ticket(ALICE, title="Badge does not open")
    old_card = wait_for_card(slack, IT_CHANNEL, ticket.id)
    slack.wait_for(lambda _: desk_bot.dm_root(ticket.id) is not None)
    form = open_move_form(desk_bot, ADMIN, old_card)
    [select] = [block["element"] for block in form["blocks"]]
    assert [option["value"] for option in select["options"]] == ["hr"]
    response = desk_bot.submit(ADMIN, form, choose("hr"))
    assert response.status == 200, response.body
    assert response.body in (b"", b"{}"), response.body
    new_card = wait_for_card(slack, HR_CHANNEL, ticket.id)
    assert "ticket.take" in action_ids(new_card)
    # The old card says where it went, with no buttons left.
    [edit] = [
        c
        for c in slack.calls("chat.update")
        if c.args.get("channel") == IT_CHANNEL and c.args.get("ts") == old_card.response["ts"]
    ]
    assert "Moved to *HR &amp; People* by <@UADMIN0001>" in str(edit.args["blocks"])
    assert not [b for b in edit.args["blocks"] if b["type"] == "actions"]
    slack.wait_for(lambda _: bool(thread_of(slack, new_card)))
    assert thread_of(slack, old_card) == [f"<@UADMIN0001> moved #{ticket.id} to *HR &amp; People*."]
    assert thread_of(slack, new_card) == [
        f"<@UADMIN0001> moved #{ticket.id} here from *IT-Support*."
    ]
    slack.wait_for(lambda _: any("is with *HR" in t for t in desk_bot.dm_thread(ticket.id)))
    # What follows goes under the new card: a support reply's copy.
    desk_bot.running.core.desk.conversation.add_support_reply(ADMIN, ticket.id, "On it.")
    slack.wait_for(lambda _: any("On it." in t for t in thread_of(slack, new_card)))
    assert not any("On it." in t for t in thread_of(slack, old_card))
    # The same form again: the ticket changed since it was opened.
    stale = desk_bot.submit(ADMIN, form, choose("hr"))
    answer = stale.json()
    assert answer["response_action"] == "errors"
    assert f"#{ticket.id}" in answer["errors"]["team"]
    assert desk_bot.running.core.desk.queries.show(ADMIN, ticket.id).ticket.team_id == "hr"


def test_a_plain_user_cannot_open_the_move_form(desk_bot: Bot) -> None:
    slack = desk_bot.slack
    ticket = desk_bot.running.core.desk.tickets.open_ticket(ALICE, title="Badge")
    card = wait_for_card(slack, IT_CHANNEL, ticket.id)
    before = len(slack.calls("views.open"))
    (value,) = [
        element["value"]
        for block in card.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "ticket.move_team"
    ]
    click = block_action(
        BOB,
        "ticket.move_team",
        value=value,
        channel=IT_CHANNEL,
        message_ts=str(card.response["ts"]),
        response_url=slack.issue_response_url(),
        trigger_id=slack.issue_trigger_id(),
    )
    assert desk_bot.http.interact(click).status == 200
    assert len(slack.calls("views.open")) == before


def test_a_missed_target_of_hr_is_escalated_in_hrs_escalation_channel(desk_bot: Bot) -> None:
    slack = desk_bot.slack
    late = desk_bot.running.core.desk.tickets.open_ticket(
        ALICE, title="Contract question", request_type="leave", priority=Priority.HIGH
    )
    wait_for_card(slack, HR_CHANNEL, late.id)

    def escalations(channel: str) -> list[str]:
        return [
            str(c.args["text"])
            for c in slack.calls("chat.postMessage")
            if c.args.get("channel") == channel and "missed" in str(c.args.get("text"))
        ]

    slack.wait_for(lambda _: bool(escalations(HR_ESCALATIONS)), timeout=FIRES_WITHIN)
    [text] = escalations(HR_ESCALATIONS)
    assert f"*#{late.id}*" in text
    assert f"https://slack.com/archives/{HR_CHANNEL}/p" in text
    assert escalations(SUPPORT_CHANNEL) == escalations(IT_CHANNEL) == []
    assert escalations(HR_CHANNEL) == []
