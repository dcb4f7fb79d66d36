"""Taking a ticket someone else holds, and deleting one, ask first; the people concerned
are told. Through the running bot with signed requests, as Slack sends them."""

from __future__ import annotations

import json
from typing import Any

from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, BOB
from tests.fakes.slack_api import Call
from tests.slack_requests import block_action

SAM = "USUPPORT02"


def grant_support(bot: Bot, user: str) -> None:
    response = bot.command(ADMIN, f"grant <@{user}> support", command="/ticket-admin")
    assert "is now Support" in response.json()["text"]


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    (found,) = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    ]
    return found


def press(bot: Bot, user: str, action_id: str, value: str) -> Call:
    """Press a button of an ephemeral answer; returns what the bot answered to it."""
    url = bot.slack.issue_response_url()
    before = len(bot.slack.calls("response_url"))
    payload = block_action(user, action_id, value=value, response_url=url)
    assert bot.http.interact(payload).status == 200
    answers = bot.slack.calls("response_url")[before:]
    assert answers, f"no answer to {action_id}"
    return answers[-1]


def dms_to(bot: Bot, user: str) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in bot.slack.calls("chat.postMessage")
        if c.args.get("channel") == user
    ]


def test_taking_a_held_ticket_asks_first_and_tells_the_previous_holder(bot: Bot) -> None:
    grant_support(bot, SAM)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    unassigned_card = bot.card(ticket_id)
    assert bot.click(SAM, ticket_id, "ticket.take").status == 200
    bot.slack.wait_for(lambda _: f"<@{SAM}>" in str(bot.card(ticket_id).args["blocks"]))
    assert bot.click(SAM, ticket_id, "ticket.status", "waiting").status == 200
    bot.slack.wait_for(lambda _: "Waiting for reply" in str(bot.card(ticket_id).args["blocks"]))
    held_card = bot.card(ticket_id).args["blocks"]
    # Held: no "Take it", but a take-over and an unassign that name the holder.
    assert "Take it" not in json.dumps(held_card)
    assert json.loads(button(held_card, "ticket.unassign")["value"])["h"] == SAM
    # Sam's own "Take over" on the card: it is Sam's already, nothing to ask or change.
    own = button(held_card, "ticket.take_over")["value"]
    assert bot.http.interact(block_action(SAM, "ticket.take_over", value=own)).status == 200

    # The admin clicks "Take it" on the card as it was before Sam took it: asked, not taken.
    before = bot.running.core.desk.queries.show(ADMIN, ticket_id).ticket
    stale_take = button(unassigned_card.args["blocks"], "ticket.take")["value"]
    question = press(bot, ADMIN, "ticket.take", stale_take)
    assert question.args["text"] == f"<@{SAM}> holds #{ticket_id} — take it over?"
    # Nothing was written (a card update of an earlier change may still be on its way).
    after = bot.running.core.desk.queries.show(ADMIN, ticket_id).ticket
    assert (after.version, after.assignee_id) == (before.version, SAM)
    assert f"<@{SAM}>" in str(bot.card(ticket_id).args["blocks"])

    # A plain user's forged answer takes nothing.
    take_over = button(question.args["blocks"], "ticket.take_over.confirm")["value"]
    assert "not allowed" in press(bot, BOB, "ticket.take_over.confirm", take_over).args["text"]

    done = press(bot, ADMIN, "ticket.take_over.confirm", take_over)
    assert done.args["replace_original"] is True
    assert done.args["text"] == f"You hold *#{ticket_id}* now; <@{SAM}> has been told."
    bot.slack.wait_for(lambda _: any("took over" in t for t in dms_to(bot, SAM)))
    (told,) = [t for t in dms_to(bot, SAM) if "took over" in t]
    assert told.startswith(f"<@{ADMIN}> took over *#{ticket_id}* “Mail” from you.")
    bot.slack.wait_for(
        lambda _: (
            f"<@{ADMIN}> took *#{ticket_id}* over from <@{SAM}>." in bot.support_thread(ticket_id)
        )
    )
    card = str(bot.card(ticket_id).args["blocks"])
    assert f"<@{ADMIN}>" in card
    assert "Waiting for reply" in card

    # Sam's old question, pressed now: asked again, about who holds it now.
    again = press(bot, SAM, "ticket.take_over.confirm", take_over)
    assert again.args["text"] == f"<@{ADMIN}> holds #{ticket_id} — take it over?"

    # Sam takes the admin off it: the admin is told, the card says nobody.
    unassign = button(bot.card(ticket_id).args["blocks"], "ticket.unassign")["value"]
    assert bot.http.interact(block_action(SAM, "ticket.unassign", value=unassign)).status == 200
    bot.slack.wait_for(lambda _: any("took you off" in t for t in dms_to(bot, ADMIN)))
    bot.slack.wait_for(lambda _: "nobody yet" in str(bot.card(ticket_id).args["blocks"]))


def test_delete_asks_first_and_tells_the_reporter(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Gehalt <von> X")
    question = bot.command(ADMIN, f"delete {ticket_id}", command="/ticket-admin").json()
    assert question["text"] == (
        f"Delete *#{ticket_id}* “Gehalt &lt;von&gt; X”? The reporter is told, and it "
        "cannot be undone from Slack."
    )
    delete = button(question["blocks"], "admin.delete")
    assert delete["style"] == "danger"
    cancel = button(question["blocks"], "admin.delete_cancel")["value"]
    assert press(bot, ADMIN, "admin.delete_cancel", cancel).args["text"] == "Nothing was deleted."
    # Only the confirmation deletes, and only for someone who may.
    assert "not allowed" in press(bot, BOB, "admin.delete", delete["value"]).args["text"]
    assert "Gehalt" in json.dumps(bot.command(ALICE, f"show {ticket_id}").json())

    done = press(bot, ADMIN, "admin.delete", delete["value"])
    assert (done.args["text"], done.args["replace_original"]) == (
        f"Ticket *#{ticket_id}* is deleted.",
        True,
    )
    bot.slack.wait_for(lambda _: any("deleted" in t for t in bot.dm_thread(ticket_id)))
    assert bot.dm_thread(ticket_id)[-1] == (
        f"*#{ticket_id}* was deleted by the help desk (<@{ADMIN}>). If you still need help, "
        "open a new ticket with `/ticket`."
    )
    bot.slack.wait_for(
        lambda _: f"<@{ADMIN}> deleted this ticket." in bot.support_thread(ticket_id)
    )
