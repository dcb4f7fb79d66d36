"""Assignment by rule and "Assign to…" through the running bot, with signed requests as
Slack sends them and the fake Slack answering presence and profiles: members away (by
presence, or by a status emoji that has not expired) are passed over, the assignee's DM
links to the card and says why, a team whose members are all away hears it in its
channel, and "Assign to…" gives a ticket to a member of its team only."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flashticket_core.domain.model import MessageSource
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_take_over_and_delete import button, dms_to, press
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import block_action

ANNA, BEN, CARA, DAVE = "UANNA00001", "UBEN000001", "UCARA00001", "UDAVE00001"
ERIN = "UERIN00001"
HR_CHANNEL = "C0HR000001"
HR_INTAKE = "C0HRHELP01"
DESK = f"""\
teams:
  - id: it
    name: IT-Support
    channel: {SUPPORT_CHANNEL}
    members: [{ANNA}, {BEN}, {CARA}, {DAVE}]
    assignment: round_robin
    reassign_after: 30m
  - {{id: hr, name: HR, channel: {HR_CHANNEL}, members: [{ERIN}], assignment: least_open,
      intake_channels: [{HR_INTAKE}]}}
"""


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    # Ben is on holiday (his status), Cara's Slack shows her away, Dave's sick note has
    # expired; Erin, HR's one member, is away.
    slack.set_status(BEN, ":palm_tree:")
    slack.set_away(CARA)
    slack.set_status(DAVE, ":face_with_thermometer:", expiration=int(time.time()) - 60)
    slack.set_away(ERIN)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def holder(bot: Bot, ticket_id: int) -> str | None:
    return bot.running.core.desk.queries.show(ADMIN, ticket_id).ticket.assignee_id  # type: ignore[no-any-return]


def choose_person(bot: Bot, user: str, ticket_id: int, chosen: str) -> Call | None:
    """Pick `chosen` in the card's "Assign to…" (a users select); returns the answer
    that went to the response_url, if any."""
    blocks: list[dict[str, Any]] = bot.card(ticket_id).args["blocks"]
    (block,) = [
        b for b in blocks if b["type"] == "actions" and b["elements"][0]["type"] == "users_select"
    ]
    payload = block_action(
        user,
        "ticket.assign_to",
        value="x",
        message_ts=bot.card_ts(ticket_id),
        response_url=bot.slack.issue_response_url(),
    )
    # A users select carries the block's id and the chosen person, no value.
    payload["actions"] = [
        {
            "type": "users_select",
            "action_id": "ticket.assign_to",
            "block_id": block["block_id"],
            "selected_user": chosen,
            "action_ts": f"{time.time():.6f}",
        }
    ]
    before = len(bot.slack.calls("response_url"))
    assert bot.http.interact(payload).status == 200
    answers = bot.slack.calls("response_url")[before:]
    return answers[-1] if answers else None


def test_members_away_are_passed_over_and_the_assignee_is_told(desk_bot: Bot) -> None:
    tickets = [desk_bot.open_ticket(ALICE, f"Printer {n}") for n in range(4)]
    assert [holder(desk_bot, t) for t in tickets] == [ANNA, DAVE, ANNA, DAVE]
    first = tickets[0]
    desk_bot.slack.wait_for(lambda _: any(f"#{first}*" in t for t in dms_to(desk_bot, ANNA)))
    (told,) = [t for t in dms_to(desk_bot, ANNA) if f"#{first}*" in t]
    assert told.startswith(f"*#{first}* “Printer 0” is yours now: it was your turn (round robin).")
    card_ts = desk_bot.card_ts(first).replace(".", "")
    assert f"<https://slack.com/archives/{SUPPORT_CHANNEL}/p{card_ts}|Open the card>" in told
    # Slack was asked about each person once, not once per ticket (twice at most: the
    # periodic read at start may ask at the moment the first ticket does).
    asked = [c.args.get("user") for c in desk_bot.slack.calls("users.getPresence")]
    # (HR's Erin too, when the periodic read ran: her team has a rule as well.)
    assert {ANNA, BEN, CARA, DAVE} <= set(asked) <= {ANNA, BEN, CARA, DAVE, ERIN}
    assert len(asked) <= 2 * len(set(asked)) < 4 * 4
    jobs = {job.id for job in desk_bot.running.scheduler.get_jobs()}
    assert {"reassignment", "availability"} <= jobs


def test_a_team_whose_members_are_all_away_hears_it(desk_bot: Bot) -> None:
    desk = desk_bot.running.core.desk
    # Made from a message in HR's intake channel, so HR's.
    message = MessageSource(
        channel=HR_INTAKE, ts="1700000000.000100", thread_ts="1700000000.000100"
    )
    ticket_id = desk.tickets.open_ticket(ALICE, title="Leave in May", source=message).id
    assert holder(desk_bot, ticket_id) is None
    expected = f"Everyone of HR is away, so *#{ticket_id}* “Leave in May” waits unassigned."
    desk_bot.slack.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage"
            and c.args.get("channel") == HR_CHANNEL
            and str(c.args.get("text")).startswith(expected)
            for c in calls
        )
    )


def test_assign_to_a_member_of_the_team_only(desk_bot: Bot) -> None:
    ticket_id = desk_bot.open_ticket(ALICE, "VPN")
    assert holder(desk_bot, ticket_id) == ANNA
    # Someone outside the team: a clear refusal, nothing changes.
    refused = choose_person(desk_bot, ADMIN, ticket_id, ERIN)
    assert refused is not None
    assert "is not a member of the team IT-Support" in refused.args["text"]
    # A plain user may not assign at all.
    denied = choose_person(desk_bot, BOB, ticket_id, DAVE)
    assert denied is not None
    assert "not allowed" in denied.args["text"]
    assert holder(desk_bot, ticket_id) == ANNA
    # Anna holds it: the admin is asked first, as "Take it" asks.
    question = choose_person(desk_bot, ADMIN, ticket_id, DAVE)
    assert question is not None
    assert question.args["text"] == f"<@{ANNA}> holds #{ticket_id} — give it to <@{DAVE}>?"
    assert holder(desk_bot, ticket_id) == ANNA
    confirm = button(question.args["blocks"], "ticket.assign_to.confirm")["value"]
    done = press(desk_bot, ADMIN, "ticket.assign_to.confirm", confirm)
    assert done.args["text"] == f"<@{DAVE}> holds *#{ticket_id}* now and has been told."
    assert holder(desk_bot, ticket_id) == DAVE
    desk_bot.slack.wait_for(
        lambda _: any(f"assigned *#{ticket_id}*" in t for t in dms_to(desk_bot, DAVE))
    )
    desk_bot.slack.wait_for(
        lambda _: any(f"gave *#{ticket_id}*" in t for t in dms_to(desk_bot, ANNA))
    )
    # Unassign on the card: Dave is taken off and told.
    unassign = button(desk_bot.card(ticket_id).args["blocks"], "ticket.unassign")["value"]
    payload = block_action(ADMIN, "ticket.unassign", value=unassign)
    assert desk_bot.http.interact(payload).status == 200
    desk_bot.slack.wait_for(lambda _: any("took you off" in t for t in dms_to(desk_bot, DAVE)))
    assert holder(desk_bot, ticket_id) is None


def test_stats_tell_tickets_per_assignee_and_reassignments(desk_bot: Bot) -> None:
    for title in ("VPN", "Mail", "Badge"):
        desk_bot.open_ticket(ALICE, title)
    response = desk_bot.command(ADMIN, "stats it")
    assert response.status == 200
    shown = json.dumps(response.json()["blocks"], ensure_ascii=False)
    assert f"*Open tickets per assignee:* <@{ANNA}> 2, <@{DAVE}> 1" in shown
    assert "*Moved on without a first response:* 0 in 30 days" in shown
    # HR's figures hold none of IT's tickets.
    shown = json.dumps(desk_bot.command(ADMIN, "stats hr").json()["blocks"], ensure_ascii=False)
    assert "*Open tickets per assignee:* none assigned" in shown
    # Bob, support in German.
    desk_bot.slack.set_locale(BOB, "de-DE")
    granted = desk_bot.command(ADMIN, f"grant <@{BOB}> support", command="/ticket-admin")
    assert granted.status == 200
    response = desk_bot.command(BOB, "statistik it 7")
    shown = json.dumps(response.json()["blocks"], ensure_ascii=False)
    assert f"*Offene Tickets je Bearbeiter:* <@{ANNA}> 2, <@{DAVE}> 1" in shown
    assert "*Ohne erste Antwort weitergegeben:* 0 in 7 Tagen" in shown
