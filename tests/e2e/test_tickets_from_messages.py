"""Tickets from where people already talk: the message shortcut, the ticket reaction and
the offer under a DM, with Slack's own payload shapes, signed, through the real server
against the strict fake workspace."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.console.workspace import Message
from bot.slack_checks import missing_scopes
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import TEST_TEAM, Call, FakeSlack
from tests.slack_requests import block_action, event_envelope

BOB = "UBOB000001"
GENERAL = "C0GENERAL1"
PRIVATE = "G0PRIVATE1"


@pytest.fixture
def workspace(slack: FakeSlack) -> FakeSlack:
    slack.set_channel(GENERAL, is_private=False, name="general")
    slack.set_channel(PRIVATE, is_private=True, name="it-help")
    return slack


def _card(slack: FakeSlack, ticket_id: int) -> Call | None:
    return next(
        (
            c
            for c in slack.calls("chat.postMessage")
            if c.args.get("channel") == SUPPORT_CHANNEL
            and not c.args.get("thread_ts")
            and f"#{ticket_id}:" in str(c.args.get("text"))
        ),
        None,
    )


def _thread_answers(slack: FakeSlack, message: Message) -> list[str]:
    thread = message.thread_ts or message.ts
    return [
        str(c.args.get("text"))
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == message.channel and c.args.get("thread_ts") == thread
    ]


def _shortcut(bot: Bot, user: str, message: Message) -> dict[str, Any]:
    before = len(bot.slack.calls("views.open"))
    response = bot.http.interact(bot.slack.message_shortcut(user, message, "ticket.from_message"))
    assert response.status == 200, response.body
    view: dict[str, Any] = bot.slack.wait_for("views.open", count=before + 1)[before].args["view"]
    return view


def _submit(bot: Bot, user: str, view: dict[str, Any]) -> None:
    title = view["blocks"][0]["element"].get("initial_value")
    description = view["blocks"][1]["element"].get("initial_value")
    response = bot.submit(
        user,
        view,
        {
            "title": {"type": "plain_text_input", "value": title},
            "description": {"type": "plain_text_input", "value": description},
            "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
        },
    )
    assert response.status == 200, response.body
    assert response.body in (b"", b"{}"), response.body


def _react(bot: Bot, user: str, message: Message, *, event_id: str | None = None) -> None:
    event = bot.slack.reaction_added(user, message, "ticket")
    response = bot.http.event(event_envelope(event, event_id=event_id))
    assert response.status == 200, response.body


@pytest.mark.parametrize("channel", [GENERAL, PRIVATE])
def test_the_shortcut_opens_the_modal_filled_and_the_author_is_the_reporter(
    bot: Bot, workspace: FakeSlack, channel: str
) -> None:
    text = "VPN drops every hour &amp; reconnects\nSince Monday, on <https://vpn.example.com|vpn>"
    message = workspace.person_posts(ALICE, channel, text)
    view = _shortcut(bot, BOB, message)
    assert view["blocks"][0]["element"]["initial_value"] == "VPN drops every hour & reconnects"
    assert view["blocks"][1]["element"]["initial_value"].startswith(
        "VPN drops every hour & reconnects\nSince Monday"
    )
    assert len(view["private_metadata"]) <= 3000
    _submit(bot, BOB, view)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    workspace.wait_for(lambda _: bool(_thread_answers(workspace, message)))
    assert "*#1*" in _thread_answers(workspace, message)[0]
    # The reporter's DM thread is the author's, and the history names who opened it.
    assert bot.dm_root(1).args["channel"] == ALICE
    detail = bot.running.core.desk.queries.show(ADMIN, 1)
    assert detail.ticket.reporter_id == ALICE
    assert {(h.actor_id, h.field) for h in detail.history} >= {(BOB, "created"), (BOB, "reporter")}


def test_the_shortcut_works_on_a_reply_in_a_thread_and_answers_in_that_thread(
    bot: Bot, workspace: FakeSlack
) -> None:
    parent = workspace.person_posts(BOB, GENERAL, "Anyone else?")
    reply = workspace.person_posts(ALICE, GENERAL, "My laptop will not boot", thread_ts=parent.ts)
    _submit(bot, ALICE, _shortcut(bot, ALICE, reply))
    workspace.wait_for(lambda _: bool(_thread_answers(workspace, reply)))
    assert bot.running.core.desk.queries.show(ADMIN, 1).ticket.reporter_id == ALICE


def test_the_shortcut_on_a_dm_with_the_bot(bot: Bot, workspace: FakeSlack) -> None:
    message = workspace.person_posts(ALICE, "D" + ALICE[1:], "Printer on floor 3 is offline")
    _submit(bot, ALICE, _shortcut(bot, ALICE, message))
    workspace.wait_for(lambda _: bool(_thread_answers(workspace, message)))
    assert "*#1*" in _thread_answers(workspace, message)[0]


def _ephemerals(slack: FakeSlack, user: str) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in slack.calls("chat.postEphemeral")
        if c.args.get("user") == user
    ]


def test_two_reactions_and_a_redelivery_make_one_ticket(bot: Bot, workspace: FakeSlack) -> None:
    message = workspace.person_posts(ALICE, GENERAL, "Wifi is down in room 4")
    _react(bot, BOB, message, event_id="EvFIRST0001")
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    _react(bot, BOB, message, event_id="EvFIRST0001")  # Slack redelivers
    _react(bot, BOB, message, event_id="EvFIRST0002")  # the opener toggles it
    # Someone else toggles the emoji again and again: one answer, to them alone.
    for n in range(5):
        _react(bot, SUPPORT, message, event_id=f"EvSECOND00{n}")
    workspace.wait_for(lambda _: len(_thread_answers(workspace, message)) >= 1)
    bot.running.worker.drain()
    answers = _thread_answers(workspace, message)
    assert len(answers) == 1, answers
    assert "*#1*" in answers[0]
    assert _ephemerals(workspace, SUPPORT) == ["This message is already ticket *#1*."]
    assert [c.args["channel"] for c in workspace.calls("chat.postEphemeral")] == [GENERAL]
    assert _ephemerals(workspace, BOB) == []
    # Nothing more was read: a ticketed message is known without Slack's history.
    assert len(workspace.calls("conversations.history")) == 1
    assert _card(workspace, 2) is None
    detail = bot.running.core.desk.queries.show(ADMIN, 1)
    assert (detail.ticket.reporter_id, detail.ticket.priority.value) == (ALICE, "medium")
    assert detail.ticket.title == "Wifi is down in room 4"


def test_a_reaction_on_a_reply_reads_it_from_its_thread(bot: Bot, workspace: FakeSlack) -> None:
    parent = workspace.person_posts(BOB, PRIVATE, "Status of the mail server?")
    reply = workspace.person_posts(ALICE, PRIVATE, "Outlook cannot send", thread_ts=parent.ts)
    _react(bot, BOB, reply)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    assert bot.running.core.desk.queries.show(ADMIN, 1).ticket.title == "Outlook cannot send"
    assert {c.method for c in workspace.calls()} >= {
        "conversations.history",
        "conversations.replies",
    }


def test_reactions_that_never_make_tickets(bot: Bot, workspace: FakeSlack) -> None:
    ticket_id = bot.open_ticket(ALICE, "Keyboard")
    root = bot.dm_root(ticket_id)
    dm_root = workspace.message_at(root.response["channel"], root.response["ts"])
    card = workspace.message_at(SUPPORT_CHANNEL, bot.card_ts(ticket_id))
    bot_post = workspace.person_posts(TEST_TEAM.bot_user, GENERAL, "a bot's own words")
    human = workspace.person_posts(ALICE, GENERAL, "Wifi is slow")
    assert dm_root is not None
    assert card is not None
    for message in (dm_root, card, bot_post):
        _react(bot, ALICE, message)
    _react(bot, TEST_TEAM.bot_user, human)  # the bot's own reaction
    event = workspace.reaction_added(ALICE, human, "thumbsup")
    assert bot.http.event(event_envelope(event)).status == 200
    bot.running.worker.drain()
    assert _card(workspace, ticket_id + 1) is None


def test_a_reaction_in_a_channel_the_bot_is_not_in_makes_nothing(
    bot: Bot, workspace: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    workspace.set_channel(GENERAL, is_private=False, is_member=False)
    message = workspace.person_posts(ALICE, GENERAL, "Wifi is slow")
    with caplog.at_level(logging.INFO):
        _react(bot, BOB, message)
    refused = [c for c in workspace.calls("conversations.history") if not c.ok]
    assert refused
    assert refused[0].response["error"] == "not_in_channel"
    assert _card(workspace, 1) is None


@pytest.fixture
def bot_without_emoji(database_url: str, slack: FakeSlack) -> Iterator[Bot]:
    running = Bot(slack, bot_settings(database_url, slack, flashticket_ticket_emoji="")).start()
    yield running
    running.stop()


def test_an_empty_ticket_emoji_turns_reactions_off(
    bot_without_emoji: Bot, workspace: FakeSlack
) -> None:
    message = workspace.person_posts(ALICE, GENERAL, "Wifi is slow")
    _react(bot_without_emoji, BOB, message)
    assert workspace.calls("conversations.history") == []
    assert _card(workspace, 1) is None


def test_a_dm_outside_a_ticket_offers_a_button_that_opens_the_modal_filled(
    bot: Bot, workspace: FakeSlack
) -> None:
    dm = "D" + ALICE[1:]
    message = workspace.person_posts(ALICE, dm, "My monitor flickers\nIt started today")
    event = {
        "type": "message",
        "channel": dm,
        "channel_type": "im",
        "user": ALICE,
        "text": message.text,
        "ts": message.ts,
        "event_ts": message.ts,
        "client_msg_id": "8a4e5a3e-0000-4000-8000-000000000001",
    }
    assert bot.http.event(event_envelope(event)).status == 200
    offer = workspace.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.args.get("channel") == dm for c in calls
        )
    )
    offer_call = next(c for c in offer if c.method == "chat.postMessage")
    button = offer_call.args["blocks"][1]["elements"][0]
    assert button["action_id"] == "dm.new_ticket"
    click = block_action(
        ALICE,
        "dm.new_ticket",
        value=button["value"],
        channel=dm,
        message_ts=offer_call.response["ts"],
        response_url=workspace.issue_response_url(ALICE, dm),
        trigger_id=workspace.issue_trigger_id(ALICE),
    )
    assert bot.http.interact(click).status == 200
    view = workspace.wait_for("views.open")[0].args["view"]
    assert view["blocks"][0]["element"]["initial_value"] == "My monitor flickers"
    _submit(bot, ALICE, view)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    assert bot.running.core.desk.queries.show(ADMIN, 1).ticket.reporter_id == ALICE


def test_a_correct_install_lacks_no_scope(slack: FakeSlack) -> None:
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-test-token", base_url=slack.base_url)
    assert missing_scopes(client.auth_test()) == []


def test_an_older_install_starts_and_says_what_does_not_work(
    database_url: str, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.scopes = tuple(s for s in slack.scopes if s not in ("reactions:read", "groups:history"))
    with caplog.at_level(logging.WARNING):
        running = Bot(slack, bot_settings(database_url, slack)).start()
    try:
        warnings = [r.getMessage() for r in caplog.records if "lacks the scope" in r.getMessage()]
        assert len(warnings) == 2, warnings
        assert "reactions:read" in warnings[0]
        assert "reaction" in warnings[0]
        assert "groups:history" in warnings[1]
        assert "private channel" in warnings[1]
        # ... and it serves.
        assert running.http.command("/ticket", "help", ALICE).status == 200
    finally:
        running.stop()


def _shortcut_payload(message: Any, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "message_action",
        "callback_id": "ticket.from_message",
        "team": {"id": TEST_TEAM.id},
        "user": {"id": ALICE},
        "channel": {"id": GENERAL},
        "trigger_id": "1.2.abc",
        "message_ts": "1700000000.000001",
        "message": message,
    }
    payload.update(changes)
    return payload


ODD_SHORTCUTS = [
    _shortcut_payload("not a message"),
    _shortcut_payload({"type": "message", "ts": 17, "text": "x"}),
    _shortcut_payload({"type": "message", "ts": "1.0", "text": ["x"]}),
    _shortcut_payload({"type": "message", "ts": "1.0", "user": "not an id"}),
    _shortcut_payload({"type": "message", "ts": "1.0", "thread_ts": {"x": 1}}),
    _shortcut_payload({"type": "message", "ts": "1.0", "files": "x"}),
    _shortcut_payload({"type": "message", "text": "no ts"}),
    _shortcut_payload({"type": "message", "ts": "1.0"}, channel="C0GENERAL1"),
    _shortcut_payload({"type": "message", "ts": "1.0"}, channel=None),
    _shortcut_payload({"type": "message", "ts": "1.0", "text": "\ud800 lone"}),
]
ODD_REACTIONS = [
    {"type": "reaction_added", "user": ALICE, "reaction": "ticket"},
    {"type": "reaction_added", "user": ALICE, "reaction": "ticket", "item": "x"},
    {"type": "reaction_added", "user": ALICE, "reaction": 7, "item": {"type": "message"}},
    {"type": "reaction_added", "user": ALICE, "reaction": "ticket", "item": {"type": "file"}},
    {
        "type": "reaction_added",
        "user": ALICE,
        "reaction": "ticket",
        "item": {"type": "message", "channel": GENERAL, "ts": "9.9"},
    },
    {
        "type": "reaction_added",
        "user": ALICE,
        "reaction": "ticket",
        "item": {"type": "message", "channel": ["C1"], "ts": "1.0"},
    },
    {"type": "reaction_added", "reaction": "ticket", "item": {"type": "message", "ts": "1.0"}},
]


@pytest.mark.parametrize("payload", ODD_SHORTCUTS)
def test_odd_message_shortcuts_are_a_no_op_or_a_4xx(
    sqlite_bot: Bot, workspace: FakeSlack, payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = sqlite_bot.http.interact(payload)
    assert response.status in (200, 400), response.body
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


@pytest.mark.parametrize("event", ODD_REACTIONS)
def test_odd_reactions_are_a_no_op_or_a_4xx(
    sqlite_bot: Bot, workspace: FakeSlack, event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = sqlite_bot.http.event(event_envelope(event))
    assert response.status in (200, 400), response.body
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert _card(workspace, 1) is None


@pytest.mark.parametrize(
    "value", [None, "", "not a ts", "1.0", json.dumps({"x": 1}), "1700000000.999999"]
)
@pytest.mark.parametrize("channel", ["D" + ALICE[1:], GENERAL])
def test_odd_clicks_on_the_dm_offer_are_a_no_op_or_a_4xx(
    sqlite_bot: Bot, workspace: FakeSlack, value: Any, channel: str
) -> None:
    click = block_action(ALICE, "dm.new_ticket", value=value, channel=channel)
    response = sqlite_bot.http.interact(click)
    assert response.status in (200, 400), response.body
    assert workspace.calls("views.open") == []


def test_a_forged_source_in_a_new_ticket_form_is_refused(bot: Bot, workspace: FakeSlack) -> None:
    view = bot.open_modal(ALICE)
    for metadata in ('{"c": "C1"}', '{"c":"C0GENERAL1","ts":"1.0","th":"1.0","r":"x"}', "[1]"):
        forged = dict(view, private_metadata=metadata)
        response = bot.submit(
            ALICE,
            forged,
            {
                "title": {"type": "plain_text_input", "value": "Printer"},
                "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
            },
        )
        assert response.status == 200
    assert bot.running.core.desk.queries.list_tickets(ADMIN, queue=True).total == 0


def test_a_long_message_makes_a_ticket_cut_to_fit(bot: Bot, workspace: FakeSlack) -> None:
    message = workspace.person_posts(ALICE, GENERAL, "T" * 400 + "\n" + "log line\n" * 2000)
    _react(bot, BOB, message)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    ticket = bot.running.core.desk.queries.show(ADMIN, 1).ticket
    assert len(ticket.title) == 150
    assert ticket.title.endswith("…")


def test_a_shortcut_form_on_a_message_that_became_a_ticket_meanwhile_says_so(
    bot: Bot, workspace: FakeSlack
) -> None:
    message = workspace.person_posts(ALICE, GENERAL, "Wifi is down")
    view = _shortcut(bot, BOB, message)
    _react(bot, SUPPORT, message)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    response = bot.submit(
        BOB,
        view,
        {
            "title": {"type": "plain_text_input", "value": "Wifi is down"},
            "description": {"type": "plain_text_input", "value": None},
            "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
        },
    )
    assert response.status == 200
    assert response.json() == {
        "response_action": "errors",
        "errors": {"title": "This message is already ticket #1."},
    }


# -- in another person's name ----------------------------------------------------------

CAROL = "UCAROL0001"


def _withdraw_click(bot: Bot, user: str, root: Call) -> None:
    button = next(
        e
        for block in root.args["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["action_id"] == "reporter.withdraw"
    )
    click = block_action(
        user,
        "reporter.withdraw",
        value=button["value"],
        channel=root.response["channel"],
        message_ts=root.response["ts"],
        response_url=bot.slack.issue_response_url(user, root.response["channel"]),
        trigger_id=bot.slack.issue_trigger_id(user),
    )
    assert bot.http.interact(click).status == 200


def test_the_author_is_told_who_opened_a_ticket_in_their_name_and_may_withdraw_it(
    bot: Bot, workspace: FakeSlack
) -> None:
    parent = workspace.person_posts(CAROL, GENERAL, "Anyone else without mail?")
    message = workspace.person_posts(ALICE, GENERAL, "Mail is slow", thread_ts=parent.ts)
    view = _shortcut(bot, BOB, message)
    # The person who used the shortcut rewrites the words the author gets to see.
    response = bot.submit(
        BOB,
        view,
        {
            "title": {"type": "plain_text_input", "value": "Pay <!channel> here"},
            "description": {
                "type": "plain_text_input",
                "value": "Send it to <https://evil.example|your bank> & <@UADMIN0001>",
            },
            "priority": {"type": "static_select", "selected_option": {"value": "high"}},
        },
    )
    assert response.status == 200, response.body
    workspace.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.args.get("channel") == ALICE for c in calls
        )
    )
    root = bot.dm_root(1)
    link = f"https://slack.com/archives/{GENERAL}/p{message.ts.replace('.', '')}"
    link += f"?thread_ts={parent.ts}&cid={GENERAL}"
    assert root.args["text"].startswith(
        f"<@{BOB}> opened ticket *#1* for you from <{link}|your message> in <#{GENERAL}>."
    )
    assert "Thanks" not in root.args["text"]
    submitted = root.args["blocks"][1]["text"]["text"]
    assert submitted == (
        "*Pay &lt;!channel&gt; here*\n"
        "> Send it to &lt;https://evil.example|your bank&gt; &amp; &lt;@UADMIN0001&gt;"
    )
    assert "<!channel>" not in json.dumps(root.args)
    # Nobody but the reporter may withdraw it.
    _withdraw_click(bot, BOB, root)
    workspace.wait_for(lambda _: any("does not exist" in t for t in bot.ephemeral_texts()))
    assert bot.running.core.desk.queries.show(ADMIN, 1).ticket.status.value == "new"
    _withdraw_click(bot, ALICE, root)
    workspace.wait_for(lambda _: any("withdrew" in t for t in bot.support_thread(1)))
    workspace.wait_for(lambda _: any("You withdrew *#1*" in t for t in bot.dm_thread(1)))
    detail = bot.running.core.desk.queries.show(ADMIN, 1)
    assert detail.ticket.status.value == "closed"
    assert (ALICE, "withdrawn") in {(h.actor_id, h.field) for h in detail.history}
    assert (BOB, "reporter") in {(h.actor_id, h.field) for h in detail.history}
    # A second click says what is true now.
    _withdraw_click(bot, ALICE, root)
    workspace.wait_for(lambda _: any("closed already" in t for t in bot.ephemeral_texts()))


def test_a_ticket_a_person_opens_from_their_own_message_cannot_be_withdrawn_as_theirs(
    sqlite_bot: Bot, workspace: FakeSlack
) -> None:
    message = workspace.person_posts(ALICE, GENERAL, "Printer jammed")
    _react(sqlite_bot, ALICE, message)
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    root = sqlite_bot.dm_root(1)
    assert root.args["text"].startswith("Thanks! Your ticket *#1*")
    assert not root.args.get("blocks")


@pytest.fixture
def limited_bot(sqlite_database_url: str, slack: FakeSlack, clock: Clock) -> Iterator[Bot]:
    settings = bot_settings(sqlite_database_url, slack, flashticket_intake_limit="2/10m")
    running = Bot(slack, settings, clock=clock).start()
    yield running
    running.stop()


def test_opening_tickets_from_other_peoples_messages_is_held_to_a_rate_told_once(
    limited_bot: Bot, workspace: FakeSlack, clock: Clock
) -> None:
    bot = limited_bot
    messages = [workspace.person_posts(ALICE, GENERAL, f"Problem {n}") for n in range(3)]
    carols = workspace.person_posts(CAROL, GENERAL, "Problem of Carol's")
    own = workspace.person_posts(BOB, GENERAL, "My own problem")
    _react(bot, BOB, messages[0])
    _react(bot, BOB, messages[1])
    workspace.wait_for(lambda _: _card(workspace, 2) is not None)
    reads = len(workspace.calls("conversations.history"))
    _react(bot, BOB, messages[2])
    _react(bot, BOB, carols)
    _react(bot, BOB, messages[2])
    told = _ephemerals(workspace, BOB)
    assert len(told) == 1, told
    assert told[0].startswith("You have opened 2 tickets from other people's messages")
    assert len(workspace.calls("conversations.history")) == reads  # nothing read for them
    # The shortcut, an explicit ask, is answered each time, and opens no form.
    shortcut = workspace.message_shortcut(BOB, carols, "ticket.from_message")
    assert bot.http.interact(shortcut).status == 200
    workspace.wait_for(lambda _: len(bot.ephemeral_texts()) == 2)
    assert workspace.calls("views.open") == []
    # One's own messages are not held to it.
    _react(bot, BOB, own)
    workspace.wait_for(lambda _: _card(workspace, 3) is not None)
    # Ten minutes later the window is new.
    clock.advance(minutes=10)
    _react(bot, BOB, messages[2])
    workspace.wait_for(lambda _: _card(workspace, 4) is not None)
    bot.running.worker.drain()
    desk = bot.running.core.desk
    assert [desk.queries.show(ADMIN, n).ticket.reporter_id for n in (1, 2, 3, 4)] == [
        ALICE,
        ALICE,
        BOB,
        ALICE,
    ]


@pytest.fixture
def clocked_bot(sqlite_database_url: str, slack: FakeSlack, clock: Clock) -> Iterator[Bot]:
    running = Bot(slack, bot_settings(sqlite_database_url, slack), clock=clock).start()
    yield running
    running.stop()


@pytest.mark.parametrize(("status", "retry_after", "wait"), [(429, 20, 21), (503, None, 31)])
def test_a_reaction_whose_message_slack_will_not_give_yet_is_read_again_later(
    clocked_bot: Bot,
    workspace: FakeSlack,
    clock: Clock,
    status: int,
    retry_after: float | None,
    wait: float,
) -> None:
    bot = clocked_bot
    message = workspace.person_posts(ALICE, GENERAL, "Wifi is down on floor 2")
    workspace.fail_next("conversations.history", 2, status=status, retry_after=retry_after)
    _react(bot, BOB, message)
    _react(bot, BOB, message)  # toggled again meanwhile: no second read later, no answer
    told = _ephemerals(workspace, BOB)
    assert len(told) == 1
    assert told[0].startswith("Slack asked me to slow down")
    bot.running.worker.drain()
    assert _card(workspace, 1) is None  # not before Slack said it may be asked again
    clock.advance(seconds=wait)
    bot.running.worker.drain()
    workspace.wait_for(lambda _: _card(workspace, 1) is not None)
    workspace.wait_for(lambda _: bool(_thread_answers(workspace, message)))
    ticket = bot.running.core.desk.queries.show(ADMIN, 1).ticket
    assert (ticket.reporter_id, ticket.title) == (ALICE, "Wifi is down on floor 2")
    assert len(workspace.calls("conversations.history")) == 3
    assert len(_ephemerals(workspace, BOB)) == 1
