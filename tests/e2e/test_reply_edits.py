"""A reporter edits or deletes a reply in their DM thread: Slack's `message_changed` and
`message_deleted`, signed, through the real server, against the strict fake Slack."""

from __future__ import annotations

import pytest

from bot.mrkdwn import escape
from flashticket_core.domain.enums import Status
from tests.bot_harness import SUPPORT_CHANNEL, Bot
from tests.conftest import ADMIN, ALICE
from tests.e2e.test_text_as_written import assert_whole, long_text, parts_in, rendered
from tests.fakes.slack_api import Call
from tests.slack_requests import (
    dm_reply_deleted,
    dm_reply_edited,
    dm_thread_reply,
    event_envelope,
)

REPLY_TS = "1700000100.000001"
BOB = "U0BOB00001"


def relayed_copies(bot: Bot, ticket_id: int) -> list[Call]:
    """The reporter's replies as posted under the ticket's card."""
    ts = bot.card_ts(ticket_id)
    return [
        c
        for c in bot.slack.calls("chat.postMessage")
        if c.args.get("thread_ts") == ts
        and c.args.get("channel") == SUPPORT_CHANNEL
        and "(reporter) wrote" in str(c.args.get("text"))
    ]


def ticket_with_reply(bot: Bot, text: str = "The printer jams") -> tuple[int, Call]:
    ticket_id = bot.open_ticket(ALICE, "Printer")
    assert bot.reply_in_dm(ALICE, ticket_id, escape(text), ts=REPLY_TS).status == 200
    bot.slack.wait_for(lambda _: len(relayed_copies(bot, ticket_id)) == 1)
    [copy] = relayed_copies(bot, ticket_id)
    return ticket_id, copy


def updates_of(bot: Bot, copy: Call) -> list[Call]:
    return [
        c
        for c in bot.slack.calls("chat.update")
        if c.args.get("ts") == copy.response["ts"] and c.args.get("channel") == SUPPORT_CHANNEL
    ]


def settled(bot: Bot) -> None:
    bot.running.worker.drain()


def test_an_edit_reaches_the_stored_reply_the_copy_once_and_the_history(bot: Bot) -> None:
    ticket_id, copy = ticket_with_reply(bot)
    edit = event_envelope(
        dm_reply_edited(
            ALICE,
            bot.dm_root(ticket_id).response["channel"],
            bot.dm_root(ticket_id).response["ts"],
            REPLY_TS,
            "The printer jams",
            "The printer jams &amp; smokes &lt;!channel&gt;",
        )
    )
    assert bot.http.event(edit).status == 200
    assert bot.http.event(edit).status == 200  # Slack redelivers it
    bot.slack.wait_for(lambda _: len(updates_of(bot, copy)) == 1)
    settled(bot)

    [update] = updates_of(bot, copy)
    assert update.response["ok"] is True
    assert "The printer jams &amp; smokes &lt;!channel&gt;" in update.args["text"]
    assert "<!channel>" not in update.args["text"]
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert [e.text for e in detail.conversation] == ["The printer jams & smokes <!channel>"]
    [change] = [c for c in detail.history if c.field == "entry_edited"]
    assert (change.actor_id, change.old, change.new) == (
        ALICE,
        "The printer jams",
        "The printer jams & smokes <!channel>",
    )
    assert len(relayed_copies(bot, ticket_id)) == 1  # edited in place, nothing posted


def test_a_deletion_withdraws_the_copy_and_the_history_keeps_the_words(bot: Bot) -> None:
    ticket_id, copy = ticket_with_reply(bot)
    root = bot.dm_root(ticket_id).response
    event_id = "EvDELETED01"
    for _ in range(2):  # redelivered
        response = bot.delete_dm_reply(ALICE, ticket_id, REPLY_TS, "x", event_id=event_id)
        assert response.status == 200
    bot.slack.wait_for(lambda _: len(updates_of(bot, copy)) == 1)
    settled(bot)

    [update] = updates_of(bot, copy)
    assert "withdrew this reply" in update.args["text"]
    assert "printer" not in update.args["text"]
    assert bot.slack.calls("chat.delete") == []  # one part: the note stands in its place
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    [entry] = detail.conversation
    assert entry.withdrawn
    assert entry.text == "The printer jams"
    [change] = [c for c in detail.history if c.field == "entry_withdrawn"]
    assert (change.actor_id, change.old) == (ALICE, "The printer jams")

    # Editing it afterwards (a stale client) changes nothing.
    late = dm_reply_edited(ALICE, root["channel"], root["ts"], REPLY_TS, "x", "back again")
    assert bot.http.event(event_envelope(late)).status == 200
    settled(bot)
    assert len(updates_of(bot, copy)) == 1
    assert bot.running.core.desk.queries.show(ADMIN, ticket_id).conversation[0].withdrawn


def test_edits_of_other_messages_or_by_others_change_nothing(bot: Bot) -> None:
    ticket_id, copy = ticket_with_reply(bot)
    root = bot.dm_root(ticket_id).response
    channel, thread = root["channel"], root["ts"]
    others = [
        # Someone else claims to have written it.
        dm_reply_edited(BOB, channel, thread, REPLY_TS, "The printer jams", "Bob was here"),
        # A message that never was a ticket's reply.
        dm_reply_edited(ALICE, channel, thread, "1700000999.000009", "hi", "hello"),
        # The bot's own DM root gaining a reply count.
        dm_reply_edited(ALICE, channel, thread, thread, "x", "y")
        | {"message": {"type": "message", "bot_id": "B0BOT0001", "ts": thread, "text": "y"}},
        dm_reply_deleted(BOB, channel, thread, REPLY_TS, "The printer jams"),
        dm_reply_deleted(ALICE, channel, thread, "1700000999.000009", "hi"),
    ]
    for event in others:
        assert bot.http.event(event_envelope(event)).status == 200
    settled(bot)
    assert updates_of(bot, copy) == []
    assert bot.slack.calls("chat.delete") == []
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert [(e.text, e.withdrawn) for e in detail.conversation] == [("The printer jams", False)]
    assert not [c for c in detail.history if c.field.startswith("entry_")]


def test_an_edit_after_the_ticket_closed_follows_it_and_nothing_reopens(bot: Bot) -> None:
    ticket_id, copy = ticket_with_reply(bot)
    bot.running.core.desk.tickets.change_status(ADMIN, ticket_id, Status.CLOSED)
    root = bot.dm_root(ticket_id).response
    edited = dm_reply_edited(
        ALICE, root["channel"], root["ts"], REPLY_TS, "The printer jams", "It was the toner"
    )
    assert bot.http.event(event_envelope(edited)).status == 200
    bot.slack.wait_for(lambda _: len(updates_of(bot, copy)) == 1)
    settled(bot)
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert detail.ticket.status is Status.CLOSED
    assert [e.text for e in detail.conversation] == ["It was the toner"]
    assert [c.new for c in detail.history if c.field == "entry_edited"] == ["It was the toner"]


def parts_of(bot: Bot, ticket_id: int) -> list[str]:
    """The text of each message now under the card that is a part of the reporter's reply."""
    current = {m.ts: m.text for m in bot.slack.messages_in(SUPPORT_CHANNEL)}
    return [
        current[c.response["ts"]]
        for c in bot.slack.calls("chat.postMessage")
        if c.args.get("thread_ts") == bot.card_ts(ticket_id)
        and c.response.get("ts") in current
        and "(reporter) wrote" in current[c.response["ts"]]
    ]


def whole(text: str, bot: Bot, ticket_id: int) -> bool:
    try:
        assert_whole(text, parts_in(parts_of(bot, ticket_id)))
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(("before", "after"), [(10, 9000), (9000, 40), (9000, 7000)])
def test_a_long_edit_is_split_over_the_copy_parts_updated_added_or_deleted(
    bot: Bot, before: int, after: int
) -> None:
    old, new = "first " + long_text(before), "second " + long_text(after)
    ticket_id = bot.open_ticket(ALICE, "Crash log")
    assert bot.reply_in_dm(ALICE, ticket_id, escape(old), ts=REPLY_TS).status == 200
    if before > 3000:
        bot.slack.wait_for(lambda _: whole(old, bot, ticket_id))
    else:
        bot.slack.wait_for(lambda _: len(parts_of(bot, ticket_id)) == 1)
    old_parts = parts_of(bot, ticket_id)
    root = bot.dm_root(ticket_id).response
    edited = dm_reply_edited(ALICE, root["channel"], root["ts"], REPLY_TS, escape(old), escape(new))
    assert bot.http.event(event_envelope(edited)).status == 200

    if after > 3000:
        bot.slack.wait_for(lambda _: whole(new, bot, ticket_id))
    else:
        bot.slack.wait_for(lambda _: "second" in " ".join(parts_of(bot, ticket_id)))
        bot.slack.wait_for("chat.delete", count=len(old_parts) - 1)
        [part] = parts_of(bot, ticket_id)
        assert rendered(part) == new
    settled(bot)
    new_parts = parts_of(bot, ticket_id)
    # The copy's messages are reused in place; only the difference is posted or deleted.
    assert len(bot.slack.calls("chat.delete")) == max(0, len(old_parts) - len(new_parts))
    posted = relayed_copies(bot, ticket_id)
    assert len(posted) == max(len(old_parts), len(new_parts))
    assert bot.running.core.desk.queries.show(ADMIN, ticket_id).conversation[0].text == new


ODD_EDITS = [
    {"message": "The printer jams"},
    {"message": None},
    {"message": {"user": ALICE, "text": "no ts"}},
    {"message": {"user": 42, "ts": REPLY_TS, "text": "x"}},
    {"message": {"user": ALICE, "ts": REPLY_TS, "text": ["x"]}},
    {"message": {"user": ALICE, "ts": REPLY_TS, "text": "x", "edited": "yes"}},
    {"message": {"user": ALICE, "ts": "not a ts", "text": "x"}},
    {"message": {"user": ALICE, "ts": REPLY_TS, "text": "", "subtype": "tombstone"}},
    {"message": {"user": ALICE, "ts": REPLY_TS, "text": "   "}},
    {"message": {"user": ALICE, "ts": REPLY_TS, "text": "x" * 40_001}},
    {"previous_message": [1, 2]},
    {"channel": None},
    {"channel_type": "channel"},
    {"hidden": "true"},
]
ODD_DELETIONS = [
    {"deleted_ts": 1700000100.000001},
    {"deleted_ts": None},
    {"previous_message": None},
    {"previous_message": {"user": ALICE}},
    {"previous_message": {"user": ALICE, "ts": REPLY_TS, "bot_id": "B0BOT0001"}},
    {"previous_message": "gone"},
    {"channel": {"id": 7}},
]


@pytest.mark.parametrize(
    ("kind", "odd"),
    [("edit", odd) for odd in ODD_EDITS] + [("delete", odd) for odd in ODD_DELETIONS],
)
def test_odd_shapes_of_edits_and_deletions_are_a_no_op_or_a_4xx(
    sqlite_bot: Bot, kind: str, odd: dict[str, object]
) -> None:
    bot = sqlite_bot
    ticket_id, copy = ticket_with_reply(bot)
    root = bot.dm_root(ticket_id).response
    if kind == "edit":
        event = dm_reply_edited(ALICE, root["channel"], root["ts"], REPLY_TS, "x", "y") | odd
    else:
        event = dm_reply_deleted(ALICE, root["channel"], root["ts"], REPLY_TS, "x") | odd
    response = bot.http.event(event_envelope(event))
    assert response.status in (200, 400), response
    settled(bot)
    assert updates_of(bot, copy) == []
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert [(e.text, e.withdrawn) for e in detail.conversation] == [("The printer jams", False)]
    assert bot.http.request("GET", "/healthz").status == 200


def test_an_unchanged_edit_such_as_a_link_preview_is_not_relayed(bot: Bot) -> None:
    """Slack sends `message_changed` when a link preview appears: same text, same files.
    The copy under the card stays as it is, also for a reporter who uses Slack in
    another language than the help desk's (the note naming the files is the desk's)."""
    bot.slack.set_locale(ALICE, "de-DE")
    ticket_id = bot.open_ticket(ALICE, "Printer")
    root = bot.dm_root(ticket_id).response
    file = bot.slack.host_file(ALICE, "jam.png", b"\x89PNG\r\n\x1a\nxx", "image/png")
    text = "see https://status.example.com"
    reply = dm_thread_reply(ALICE, root["channel"], root["ts"], text)
    reply.update(subtype="file_share", files=[file], ts=REPLY_TS)
    assert bot.http.event(event_envelope(reply)).status == 200
    bot.slack.wait_for(lambda _: len(relayed_copies(bot, ticket_id)) == 1)
    [copy] = relayed_copies(bot, ticket_id)

    unfurled = dm_reply_edited(ALICE, root["channel"], root["ts"], REPLY_TS, text, text)
    for message in (unfurled["message"], unfurled["previous_message"]):
        message.update(subtype="file_share", files=[file])
    unfurled["message"]["attachments"] = [
        {"from_url": "https://status.example.com", "title": "Status", "id": 1}
    ]
    del unfurled["message"]["edited"]  # a preview is no edit by the person
    assert bot.http.event(event_envelope(unfurled)).status == 200
    settled(bot)
    assert updates_of(bot, copy) == []
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    assert not [c for c in detail.history if c.field == "entry_edited"]

    # A real edit keeps naming the files in the help desk's language, as the reply did.
    edited = dm_reply_edited(ALICE, root["channel"], root["ts"], REPLY_TS, text, "it is down")
    for message in (edited["message"], edited["previous_message"]):
        message.update(subtype="file_share", files=[file])
    assert bot.http.event(event_envelope(edited)).status == 200
    detail = bot.running.core.desk.queries.show(ADMIN, ticket_id)
    [change] = [c for c in detail.history if c.field == "entry_edited"]
    assert change.new == "it is down\n\n(1 file attached: jam.png)"
