"""What people see when they use the bot, including every way they can get it wrong."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from bot.listeners import commands
from flashticket_core.service_layer.queries import Queries
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import block_action, dm_thread_reply, event_envelope

SUPPORTER = "USUPPORT02"


def text_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def grant_support(bot: Bot, user: str = SUPPORTER) -> None:
    response = bot.command(ADMIN, f"grant <@{user}> support", command="/ticket-admin")
    assert "is now Support" in text_of(response)


def new_ticket_values(
    title: Any, description: Any = None, priority: str = "medium"
) -> dict[str, Any]:
    return {
        "title": {"type": "plain_text_input", "value": title},
        "description": {"type": "plain_text_input", "value": description},
        "priority": {"type": "static_select", "selected_option": {"value": priority}},
    }


def count_tickets(bot: Bot) -> int:
    listing = bot.command(ADMIN, "list")
    match = re.search(r"Open queue \((\d+)\)", text_of(listing))
    assert match, text_of(listing)
    return int(match.group(1))


# -- opening a ticket -----------------------------------------------------------------


def test_ticket_with_text_opens_the_modal_with_the_title_filled_in(bot: Bot) -> None:
    view = bot.open_modal(ALICE, "Monitor flickers")
    assert view["callback_id"] == "new_ticket"
    assert view["blocks"][0]["element"]["initial_value"] == "Monitor flickers"
    # The modal opened with a trigger Slack issued, once, within its 3 seconds.
    assert bot.slack.calls("views.open")[-1].ok


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (new_ticket_values("   "), "title"),
        (new_ticket_values(None), "title"),
        (new_ticket_values("x" * 151), "title"),
        (new_ticket_values("ok", "d" * 3001), "description"),
    ],
)
def test_invalid_fields_come_back_on_the_field_and_nothing_is_stored(
    bot: Bot, values: dict[str, Any], field: str
) -> None:
    view = bot.open_modal(ALICE)
    response = bot.submit(ALICE, view, values)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [field]
    assert count_tickets(bot) == 0
    assert bot.slack.calls("chat.postMessage") == []


def test_forged_priority_is_refused_without_storing(bot: Bot) -> None:
    view = bot.open_modal(ALICE)
    response = bot.submit(ALICE, view, new_ticket_values("Title", priority="urgent!!"))
    assert response.json()["response_action"] == "errors"
    assert count_tickets(bot) == 0


def test_double_submission_opens_one_ticket(bot: Bot) -> None:
    view = bot.open_modal(ALICE)
    for _ in range(3):
        response = bot.submit(ALICE, view, new_ticket_values("Keyboard"), view_id="VSAMEVIEW1")
        assert response.status == 200
    bot.slack.wait_for("chat.postMessage", count=2)
    assert count_tickets(bot) == 1


def test_expired_trigger_tells_the_person(bot: Bot) -> None:
    response = bot.http.command(
        "/ticket", "", ALICE, trigger_id="never-issued", response_url=bot.slack.issue_response_url()
    )
    assert response.status == 200
    assert bot.slack.calls("views.open")[-1].response["error"] == "invalid_trigger_id"
    told = bot.slack.wait_for("response_url")[-1]
    assert "error id" in told.args["text"]


# -- working a ticket -------------------------------------------------------------------


def test_stale_click_is_refused_with_the_current_state(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    stale_card = bot.card(ticket_id)
    assert bot.click(SUPPORTER, ticket_id, "ticket.take").status == 200
    # A second agent clicks "Resolved" on the card as it was before the take.
    option = next(
        o["value"]
        for b in stale_card.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "ticket.status"
        for o in e["options"]
        if o["value"].endswith("|closed")
    )
    payload = block_action(
        ADMIN, "ticket.status", selected=option, response_url=bot.slack.issue_response_url()
    )
    assert bot.http.interact(payload).status == 200
    answer = bot.slack.wait_for("response_url")[-1].args["text"]
    # What is true now, never an internal version number.
    assert (
        answer
        == f"#{ticket_id} is already In progress, held by <@{SUPPORTER}>; nothing was changed."
    )
    assert "In progress" in text_of(bot.command(ADMIN, f"show {ticket_id}"))


def test_click_on_a_deleted_ticket_says_so(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    assert bot.delete_ticket(ADMIN, ticket_id).status == 200
    bot.slack.wait_for(lambda _: "deleted" in str(bot.card(ticket_id).args["blocks"]))
    payload = block_action(
        SUPPORTER,
        "ticket.take",
        value=json.dumps({"t": ticket_id, "v": 1}),
        response_url=bot.slack.issue_response_url(),
    )
    assert bot.http.interact(payload).status == 200
    assert "does not exist" in bot.slack.wait_for("response_url")[-1].args["text"]


def test_garbage_action_value_gets_a_clear_answer(bot: Bot) -> None:
    payload = block_action(
        ADMIN, "ticket.take", value="not json", response_url=bot.slack.issue_response_url()
    )
    assert bot.http.interact(payload).status == 200
    assert "old message" in bot.slack.wait_for("response_url")[-1].args["text"]


def test_plain_user_cannot_open_the_reply_modal(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Mail")
    opened = len(bot.slack.calls("views.open"))
    assert bot.click(ALICE, ticket_id, "ticket.reply").status == 200
    assert "not allowed" in bot.slack.wait_for("response_url")[-1].args["text"]
    assert len(bot.slack.calls("views.open")) == opened


def test_priority_and_internal_note(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    assert bot.click(SUPPORTER, ticket_id, "ticket.priority", "high").status == 200
    bot.slack.wait_for(
        lambda _: "*Priority*\\nHigh" in json.dumps(bot.card(ticket_id).args["blocks"])
    )
    assert bot.click(SUPPORTER, ticket_id, "ticket.note").status == 200
    modal = bot.slack.wait_for("views.open", count=2)[-1].args["view"]
    assert modal["callback_id"] == "internal_note"
    bot.submit(
        SUPPORTER, modal, {"text": {"type": "plain_text_input", "value": "Mailbox over quota"}}
    )
    bot.slack.wait_for(
        lambda _: any("Mailbox over quota" in t for t in bot.support_thread(ticket_id))
    )
    assert not any("Mailbox over quota" in t for t in bot.dm_thread(ticket_id))
    assert "Mailbox over quota" not in text_of(bot.command(ALICE, f"show {ticket_id}"))
    assert "Mailbox over quota" in text_of(bot.command(SUPPORTER, f"show {ticket_id}"))


def test_empty_support_reply_is_refused_on_the_field(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    bot.click(SUPPORTER, ticket_id, "ticket.reply")
    modal = bot.slack.wait_for("views.open", count=2)[-1].args["view"]
    response = bot.submit(SUPPORTER, modal, {"text": {"type": "plain_text_input", "value": "   "}})
    assert response.json() == {
        "response_action": "errors",
        "errors": {"text": "The message must not be empty."},
    }


# -- the reporter's DM thread -------------------------------------------------------------


def test_reporter_answer_ends_waiting_and_retries_relay_once(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    bot.click(SUPPORTER, ticket_id, "ticket.status", "waiting")
    bot.slack.wait_for(lambda _: any("Waiting for reply" in t for t in bot.dm_thread(ticket_id)))
    root = bot.dm_root(ticket_id)
    envelope = event_envelope(
        dm_thread_reply(ALICE, root.response["channel"], root.response["ts"], "Here are the logs"),
        event_id="EvRETRY001",
    )
    assert bot.http.event(envelope).status == 200
    for attempt in (1, 2):
        retried = bot.http.event(
            envelope,
            headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert retried.status == 200
    bot.slack.wait_for(
        lambda _: any("Here are the logs" in t for t in bot.support_thread(ticket_id))
    )
    detail = text_of(bot.command(SUPPORTER, f"show {ticket_id}"))
    assert detail.count("Here are the logs") == 1
    assert "In progress" in detail
    bot.running.worker.drain()
    assert sum("Here are the logs" in t for t in bot.support_thread(ticket_id)) == 1


def test_messages_outside_a_ticket_thread_are_ignored(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Mail")
    root = bot.dm_root(ticket_id)
    top_level = dm_thread_reply(ALICE, root.response["channel"], root.response["ts"], "hello")
    del top_level["thread_ts"]
    from_bot = dm_thread_reply(ALICE, root.response["channel"], root.response["ts"], "echo")
    from_bot["bot_id"] = "B000001"
    other = dm_thread_reply(BOB, root.response["channel"], "9999.0001", "unrelated")
    for event in (from_bot, other):
        assert bot.http.event(event_envelope(event)).status == 200
    # A message outside a ticket's thread gets a hint, once, however often Slack retries.
    envelope = event_envelope(top_level, event_id="EvTOPLEVEL1")
    for retry in ("", "1", "2"):
        headers = {"X-Slack-Retry-Num": retry} if retry else {}
        assert bot.http.event(envelope, headers=headers).status == 200
    hints = [
        c
        for c in bot.slack.calls("chat.postMessage")
        if "reply in the thread" in str(c.args.get("text"))
    ]
    assert len(hints) == 1
    assert hints[0].args["channel"] == root.response["channel"]
    assert "hello" not in text_of(bot.command(ALICE, f"show {ticket_id}"))
    assert "echo" not in text_of(bot.command(ALICE, f"show {ticket_id}"))


# -- commands ------------------------------------------------------------------------------


def test_list_show_help_and_unknown_subcommands(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Mail")
    bot.open_ticket(BOB, "Phone")
    mine = text_of(bot.command(ALICE, "list"))
    assert "Your open tickets (1)" in mine
    assert "Phone" not in mine
    assert "Open queue (2)" in text_of(bot.command(ADMIN, "list"))
    assert "/ticket show" in text_of(bot.command(ALICE, "help"))
    unknown = text_of(bot.command(ALICE, "lsit"))
    assert "Did you mean `list`?" in unknown
    assert "/ticket show" in unknown
    assert "Usage: `/ticket show &lt;id&gt;`" in text_of(bot.command(ALICE, "show abc"))
    # Someone else's ticket reads exactly like a missing one.
    hidden = text_of(bot.command(BOB, f"show {ticket_id}"))
    assert hidden == text_of(bot.command(BOB, "show 999")).replace("999", str(ticket_id))
    assert "does not exist" in text_of(bot.command(ALICE, "show 999"))
    assert "not allowed" in text_of(bot.command(ALICE, "stats"))
    assert "Help desk statistics" in text_of(bot.command(ADMIN, "stats 7"))
    assert "Help desk statistics (last day)" in text_of(bot.command(ADMIN, "stats 1"))
    for days in ("0", "99999"):
        refused = text_of(bot.command(ADMIN, f"stats {days}"))
        assert "whole number from 1 to 3650" in refused
        assert "Help desk statistics" not in refused
    assert "Mail" in text_of(bot.command(ALICE, "search mail"))


def test_admin_commands_and_their_refusals(bot: Bot) -> None:
    assert "not allowed" in text_of(
        bot.command(ALICE, f"grant <@{ALICE}> admin", command="/ticket-admin")
    )
    assert "not allowed" in text_of(bot.command(ALICE, "roles", command="/ticket-admin"))
    response = bot.command(ADMIN, f"grant <@{BOB}|bob> admin", command="/ticket-admin")
    assert f"<@{BOB}> is now Administrator" in text_of(response)
    assert f"<@{BOB}>: Administrator" in text_of(bot.command(BOB, "roles", command="/ticket-admin"))
    assert "Unknown role" in text_of(
        bot.command(ADMIN, f"grant <@{BOB}> boss", command="/ticket-admin")
    )
    assert "is not a Slack user" in text_of(
        bot.command(ADMIN, "grant bob support", command="/ticket-admin")
    )
    assert "pick the person" in text_of(
        bot.command(ADMIN, "grant @bob support", command="/ticket-admin")
    )
    # The core names the configured admin; the bot shows them as a mention.
    assert f"<@{ADMIN}> is an administrator by configuration" in text_of(
        bot.command(BOB, f"revoke <@{ADMIN}>", command="/ticket-admin")
    )
    assert "Usage" in text_of(bot.command(ADMIN, "grant", command="/ticket-admin"))
    assert "Did you mean `roles`?" in text_of(bot.command(ADMIN, "rolse", command="/ticket-admin"))
    assert f"<@{BOB}> is now User" in text_of(
        bot.command(ADMIN, f"revoke <@{BOB}>", command="/ticket-admin")
    )
    bot.slack.wait_for(
        lambda _: any(c.args.get("channel") == BOB for c in bot.slack.calls("chat.postMessage"))
    )
    assert "Every message was delivered" in text_of(
        bot.command(ADMIN, "outbox", command="/ticket-admin")
    )


def test_unexpected_failure_is_an_apology_with_an_id_that_is_in_the_log(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("database on fire: password=hunter2")

    monkeypatch.setattr(Queries, "list_tickets", broken)
    with caplog.at_level(logging.ERROR):
        answer = text_of(bot.command(ALICE, "list"))
    error_id = re.search(r"error id `([0-9a-f]+)`", answer)
    assert error_id
    assert "hunter2" not in answer
    assert "Traceback" not in answer
    assert any(error_id.group(1) in record.getMessage() for record in caplog.records)


def test_german_labels_everywhere(database_url: str, slack: FakeSlack) -> None:
    slack.default_locale = "de-DE"  # a German help desk whose people use Slack in German
    bot = Bot(slack, bot_settings(database_url, slack, flashticket_language="de")).start()
    try:
        view = bot.open_modal(ALICE)
        assert view["title"]["text"] == "Neues Ticket"
        ticket_id = bot.open_ticket(ALICE, "Drucker")
        assert "Neu" in str(bot.card(ticket_id).args["blocks"])
        assert "Ihr Ticket" in bot.dm_root(ticket_id).args["text"]
        assert "Ihre offenen Tickets (1)" in text_of(bot.command(ALICE, "list"))
        assert bot.card(ticket_id).args["channel"] == SUPPORT_CHANNEL
    finally:
        bot.stop()


def test_reporter_rates_and_reopens_from_the_resolved_message(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Mail")
    bot.click(SUPPORTER, ticket_id, "ticket.status", "resolved")
    root = bot.dm_root(ticket_id)

    def resolved_message() -> Any:
        for call in bot.slack.calls("chat.postMessage"):
            if call.args.get("thread_ts") == root.response["ts"] and call.args.get("blocks"):
                return call
        return None

    bot.slack.wait_for(lambda _: resolved_message() is not None)
    elements = {
        e["action_id"]: e
        for b in resolved_message().args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert set(elements) == {"reporter.reopen", "reporter.rate"}

    def press(user: str, action_id: str, **kind: str) -> str:
        payload = block_action(
            user,
            action_id,
            channel=root.response["channel"],
            response_url=bot.slack.issue_response_url(),
            **kind,
        )
        before = len(bot.slack.calls("response_url"))
        assert bot.http.interact(payload).status == 200
        answers = bot.slack.calls("response_url")[before:]
        return str(answers[-1].args["text"]) if answers else ""

    five = next(
        o["value"] for o in elements["reporter.rate"]["options"] if o["value"].endswith("|5")
    )
    assert "does not exist" in press(BOB, "reporter.rate", selected=five)
    assert "Thank you for rating #1 with 5/5." in press(ALICE, "reporter.rate", selected=five)
    bot.slack.wait_for(
        lambda _: any("rated the support 5/5" in t for t in bot.support_thread(ticket_id))
    )
    assert "does not exist" in press(
        BOB, "reporter.reopen", value=elements["reporter.reopen"]["value"]
    )
    assert press(ALICE, "reporter.reopen", value=elements["reporter.reopen"]["value"]) == ""
    # The same button once more: told how the ticket stands, not "not allowed".
    assert press(ALICE, "reporter.reopen", value=elements["reporter.reopen"]["value"]) == (
        f"#{ticket_id} is already In progress, and nobody holds it; nothing was changed."
    )
    detail = text_of(bot.command(ALICE, f"show {ticket_id}"))
    assert "In progress" in detail
    assert "Rating: – → 5" in detail  # the history's words


def test_a_mistyped_subcommand_with_its_arguments_asks_instead_of_opening_a_form(
    bot: Bot,
) -> None:
    for text, meant in [("shwo 1", "show"), ("lsit mine", "list"), ("serach printer", "search")]:
        answer = text_of(bot.command(ALICE, text))
        assert f"Did you mean `{meant}`?" in answer, text
        assert "/ticket show" in answer  # and the help below it
    assert bot.slack.calls("views.open") == []
    # A title that only begins like a subcommand still opens the form.
    assert bot.open_modal(ALICE, "Printer on fire")["blocks"][0]["element"]["initial_value"] == (
        "Printer on fire"
    )
    assert bot.open_modal(ALICE, "Lost password")["blocks"][0]["element"]["initial_value"] == (
        "Lost password"
    )


def test_a_title_too_long_for_the_form_keeps_every_word_in_the_description(bot: Bot) -> None:
    text = " ".join(f"word{n}" for n in range(80))  # 469 characters
    view = bot.open_modal(ALICE, text)
    title, description = (view["blocks"][n]["element"]["initial_value"] for n in (0, 1))
    assert len(title) == 150
    assert title.endswith("…")
    assert text.startswith(title[:-1])
    assert description == text
    # A title that fits leaves the description to the person.
    assert "initial_value" not in bot.open_modal(ALICE, "Mail")["blocks"][1]["element"]


def test_list_goes_on_page_by_page(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "LIST_PAGE", 2)
    for n in range(5):
        bot.open_ticket(ALICE, f"Issue {n}")
    first = text_of(bot.command(ADMIN, "list"))
    assert "Open queue (5)" in first
    assert "Page 1 of 3. …and 3 more: `/ticket list page 2`" in first
    second = text_of(bot.command(ADMIN, "list page 2"))
    assert "Page 2 of 3. …and 1 more: `/ticket list page 3`" in second
    shown = [
        title
        for n in (1, 2, 3)
        for title in re.findall(r"Issue \d", text_of(bot.command(ADMIN, f"list page {n}")))
    ]
    assert sorted(shown) == [f"Issue {n}" for n in range(5)]  # each once
    assert "more" not in text_of(bot.command(ADMIN, "list page 3"))
    mine = text_of(bot.command(ALICE, "list mine page 2"))
    assert "Your open tickets (5)" in mine
    assert "`/ticket list mine page 3`" in mine
    assert "There is no page 4: the list has 3." in text_of(bot.command(ADMIN, "list page 4"))
    for wrong in ("list page", "list page 0", "list page two", "list everything"):
        assert "Usage: `/ticket list [mine] [page &lt;n&gt;]`" in text_of(
            bot.command(ADMIN, wrong)
        ), wrong


def test_help_names_every_way_to_open_and_list_tickets(bot: Bot) -> None:
    answer = text_of(bot.command(ALICE, "help"))
    assert "Create ticket" in answer  # the message shortcut
    assert ":ticket:" in answer  # FLASHTICKET_TICKET_EMOJI, by default
    assert "`list mine`" in answer
    assert "`list page 2`" in answer
