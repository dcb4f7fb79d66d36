"""The whole story, end to end, through the real HTTP server and the fake Slack."""

from __future__ import annotations

from tests.bot_harness import SUPPORT_CHANNEL, Bot
from tests.conftest import ADMIN, ALICE, BOB

SUPPORTER = "USUPPORT02"


def test_the_whole_ticket_story(bot: Bot) -> None:
    slack = bot.slack
    # A user opens a ticket: the modal opens, the submission stores it, the support
    # channel gets the card and the reporter a DM with the number.
    ticket_id = bot.open_ticket(ALICE, "VPN drops every hour", "Since the update.", "high")
    assert ticket_id == 1
    card = bot.card(ticket_id)
    assert card.args["channel"] == SUPPORT_CHANNEL
    assert "#1 VPN drops every hour" in str(card.args["blocks"])
    assert f"<@{ALICE}>" in str(card.args["blocks"])
    root = bot.dm_root(ticket_id)
    assert root.args["channel"] == ALICE
    assert "*#1*" in root.args["text"]

    # A plain user clicking a support button is refused and nothing changes.
    updates_before = len(slack.calls("chat.update"))
    response = bot.click(BOB, ticket_id, "ticket.take")
    assert response.status == 200
    refusal = slack.wait_for("response_url")[-1]
    assert "not allowed" in refusal.args["text"]
    assert len(slack.calls("chat.update")) == updates_before

    # An admin makes someone support.
    response = bot.command(ADMIN, f"grant <@{SUPPORTER}|sam> support", command="/ticket-admin")
    assert response.status == 200
    assert f"<@{SUPPORTER}> is now Support" in response.json()["text"]

    # Support takes it: the card is updated in place, the reporter hears about it.
    assert bot.click(SUPPORTER, ticket_id, "ticket.take").status == 200
    slack.wait_for(lambda calls: any(c.method == "chat.update" for c in calls))
    slack.wait_for(lambda _: len(bot.dm_thread(ticket_id)) >= 1)
    assert "In progress" in bot.dm_thread(ticket_id)[0]
    slack.wait_for(lambda _: f"<@{SUPPORTER}>" in str(bot.card(ticket_id).args["blocks"]))

    # Support replies from a modal; the reply reaches the reporter's thread.
    assert bot.click(SUPPORTER, ticket_id, "ticket.reply").status == 200
    modal = slack.wait_for("views.open", count=2)[-1].args["view"]
    assert modal["callback_id"] == "support_reply"
    response = bot.submit(
        SUPPORTER,
        modal,
        {"text": {"type": "plain_text_input", "value": "Please update the client."}},
    )
    assert response.status == 200
    slack.wait_for(
        lambda _: any("Please update the client." in t for t in bot.dm_thread(ticket_id))
    )

    # The reporter answers in the DM thread: stored, and relayed to the support thread.
    assert bot.reply_in_dm(ALICE, ticket_id, "Updated, works now!").status == 200
    slack.wait_for(lambda _: any("Updated, works now!" in t for t in bot.support_thread(ticket_id)))

    # Support resolves it; the reporter sees that too.
    assert bot.click(SUPPORTER, ticket_id, "ticket.status", "resolved").status == 200
    slack.wait_for(lambda _: any("Resolved" in t for t in bot.dm_thread(ticket_id)))

    # After a restart everything is still there.
    bot.restart()
    shown = bot.command(ALICE, "show 1")
    text = str(shown.json())
    assert "Resolved" in text
    assert "Please update the client." in text
    assert "Updated, works now!" in text
    # ...and the reporter can still answer in the same thread after the restart.
    assert bot.reply_in_dm(ALICE, ticket_id, "Thanks!").status == 200
    slack.wait_for(lambda _: any("Thanks!" in t for t in bot.support_thread(ticket_id)))
