"""Text is kept as written (SPEC): what people type reaches every surface the bot posts
to exactly as they wrote it, and nothing they type becomes a live mention or link;
nothing they write is dropped without a word.

Everything goes through the real bot over signed HTTP against the fake Slack, which
records every call; the checks read every text, mrkdwn field and fallback in them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient

from bot import times
from bot.mrkdwn import decode_incoming, escape
from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import ENTRY_MAX
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL, Bot
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import (
    block_action,
    dm_thread_reply,
    event_envelope,
)

SUPPORTER = "USUPPORT02"
EVIL = "U0EVIL0001"  # someone a reporter names; the bot itself never mentions them
PEOPLE = {ADMIN, ALICE, SUPPORTER}

# Modal input arrives as typed (Slack does not encode plain_text_input values).
TITLE = "<!channel> VPN down <https://evil.example|Re-authenticate>"
DESCRIPTION = (
    "<!here> a & b <E42> <@U0EVIL0001> <!subteam^S0EVIL01|@oncall> "
    "<https://evil.example|Log in> <!everyone> <#C0OTHER01|general> "
    "<!date^1392734382^{date_short_pretty} {time}|soon>"  # the very form of the bot's times
)
SUPPORT_REPLY = "Fixed? <!channel> & <E42> <https://evil.example|Re-authenticate> <@U0EVIL0001>"
NOTE = "<!here> internal & <secret> <!subteam^S0EVIL01>"
# What the reporter typed into their DM thread, and what Slack delivers for it.
REPORTER_TYPED = (
    "Still broken @channel a & b <E42> see Re-authenticate (https://evil.example) @evil"
)
REPORTER_AS_SLACK_SENDS = (
    "Still broken <!channel> a &amp; b &lt;E42&gt; see "
    "<https://evil.example|Re-authenticate> <@U0EVIL0001|evil>"
)
HOSTILE_NAME = "<!channel> <https://evil.example|admin>"

MARKUP = re.compile(r"<[^<>]*>")


# -- reading what the bot sent ------------------------------------------------------


def texts_of(value: Any) -> Iterator[tuple[str, str]]:
    """("mrkdwn" | "plain", text) for every text object and message text in a call."""
    if isinstance(value, dict):
        kind = value.get("type")
        if kind in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
            yield ("plain" if kind == "plain_text" else "mrkdwn"), value["text"]
        for key, item in value.items():
            if key in ("text", "initial_comment") and isinstance(item, str):
                if kind not in ("plain_text", "mrkdwn"):
                    yield "mrkdwn", item  # a message's text: its notification, mrkdwn
            else:
                yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def assert_nothing_live_or_escaped_twice(bodies: list[Any]) -> int:
    """Every `<…>` in mrkdwn is a mention the bot made of a person it knows; nothing is
    escaped twice; plain text is not escaped at all. Returns how many texts it read."""
    checked = 0
    for body in bodies:
        for kind, text in texts_of(body):
            checked += 1
            if kind == "plain":
                assert not re.search(r"&(amp|lt|gt);", text), text
                continue
            for markup in MARKUP.findall(text):
                # A person the bot knows, or a time the bot wrote (its number, its format).
                if times.BOT_DATE.fullmatch(markup):
                    continue
                assert markup in {f"<@{person}>" for person in PEOPLE}, (markup, text)
            assert not re.search(r"&amp;(amp|lt|gt);", text), text
    return checked


def rendered(quoted: str) -> str:
    """What Slack shows for a quoted entry text: quote marks off, entities decoded."""
    lines = quoted.split("\n")[1:]
    return decode_incoming("\n".join(line.removeprefix("> ").removeprefix(">") for line in lines))


def grant_support(bot: Bot) -> None:
    answer = bot.command(ADMIN, f"grant <@{SUPPORTER}> support", command="/ticket-admin")
    assert answer.status == 200
    assert bot.running.core.desk.roles.role_of(SUPPORTER) is Role.SUPPORT


def submit_entry(bot: Bot, ticket_id: int, action_id: str, text: str) -> None:
    before = len(bot.slack.calls("views.open"))
    assert bot.click(SUPPORTER, ticket_id, action_id).status == 200
    modal = bot.slack.wait_for("views.open", count=before + 1)[before].args["view"]
    response = bot.submit(SUPPORTER, modal, {"text": {"type": "plain_text_input", "value": text}})
    assert response.status == 200
    assert response.body in (b"", b"{}"), response.body


def open_home(bot: Bot, user: str) -> None:
    before = len(bot.slack.calls("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
    assert bot.http.event(event_envelope(event)).status == 200
    bot.slack.wait_for("views.publish", count=before + 1)


def command(bot: Bot, user: str, text: str, *, command: str = "/ticket") -> Any:
    """A slash command as Slack sends it with should_escape (`&`, `<`, `>` typed arrive
    as entities), from a person with a hostile display name; its answer, if any."""
    response = bot.http.command(
        command,
        text,
        user,
        trigger_id=bot.slack.issue_trigger_id(),
        response_url=bot.slack.issue_response_url(),
        user_name=HOSTILE_NAME,
    )
    assert response.status == 200, response.body
    return response.json() if response.body else None


# -- the proof ------------------------------------------------------------------------


def test_hostile_text_reaches_every_surface_as_written_and_never_live(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, TITLE, DESCRIPTION)
    # People whose names are hostile click and submit.
    take = block_action(
        SUPPORTER,
        "ticket.take",
        value=next(
            element["value"]
            for block in bot.card(ticket_id).args["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element["action_id"] == "ticket.take"
        ),
        response_url=bot.slack.issue_response_url(),
    )
    take["user"]["username"] = HOSTILE_NAME
    assert bot.http.interact(take).status == 200
    bot.slack.wait_for(lambda _: "In progress" in json.dumps(bot.card(ticket_id).args))
    bot.click(SUPPORTER, ticket_id, "ticket.priority", "high")
    submit_entry(bot, ticket_id, "ticket.reply", SUPPORT_REPLY)
    submit_entry(bot, ticket_id, "ticket.note", NOTE)
    assert bot.reply_in_dm(ALICE, ticket_id, REPORTER_AS_SLACK_SENDS).status == 200
    open_home(bot, ALICE)
    open_home(bot, SUPPORTER)
    answers = [
        command(bot, ALICE, f"show {ticket_id}"),
        command(bot, SUPPORTER, f"show {ticket_id}"),
        command(bot, ALICE, "list"),
        command(bot, SUPPORTER, "list"),
        command(bot, SUPPORTER, "search <!channel> &lt;vpn&gt;"),
        command(bot, ALICE, "search vpn"),
        command(bot, SUPPORTER, "stats"),
    ]
    bot.slack.wait_for(lambda _: len(bot.support_thread(ticket_id)) == 3)
    bot.slack.wait_for(lambda _: len(bot.dm_thread(ticket_id)) == 2)
    bot.slack.wait_for("files.completeUploadExternal")  # the charts of /ticket stats
    bot.running.worker.drain()
    calls = bot.slack.calls()
    checked = assert_nothing_live_or_escaped_twice([c.args for c in calls] + answers)
    assert checked > 100

    # Each surface shows the words as written, once rendered.
    card = bot.card(ticket_id)
    assert card.method == "chat.update"
    assert card.args["text"] == f"Ticket #{ticket_id}: {escape(TITLE)} (In progress)"
    assert card.args["blocks"][0]["text"]["text"] == f"#{ticket_id} {TITLE}"  # plain text
    assert DESCRIPTION in decode_incoming(
        json.loads(json.dumps(card.args["blocks"]))[2]["text"]["text"]
    )
    reporter_reply, support_reply, note = sorted(
        bot.support_thread(ticket_id), key=lambda t: ("wrote" not in t, "lock" in t)
    )
    assert rendered(reporter_reply) == decode_incoming(REPORTER_AS_SLACK_SENDS) == REPORTER_TYPED
    assert rendered(support_reply) == SUPPORT_REPLY
    assert rendered(note) == NOTE
    dm_reply = next(t for t in bot.dm_thread(ticket_id) if "Support reply" in t)
    assert rendered(dm_reply) == SUPPORT_REPLY
    root = bot.dm_root(ticket_id).args["text"]
    assert f"“{TITLE}”" in decode_incoming(root)
    show = answers[1]
    assert show["text"] == f"#{ticket_id} {escape(TITLE)}"
    assert show["blocks"][0]["text"]["text"] == f"#{ticket_id} {TITLE}"
    assert "a & b <E42>" in decode_incoming(json.dumps(show["blocks"]))
    search = answers[4]
    assert search["text"] == "Search “@channel &lt;vpn&gt;”: 1 found"
    assert search["blocks"][0]["text"]["text"] == "Search “@channel <vpn>”: 1 found"
    home = bot.slack.calls("views.publish")[-1].args["view"]
    assert escape(TITLE[:80]) in json.dumps(home, ensure_ascii=False)


def test_the_check_itself_catches_live_markup_and_double_escaping() -> None:
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice([{"text": "hi <!channel>"}])
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice([{"text": f"<@{EVIL}>"}])
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice(
            [{"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<http://x|y>"}}]}]
        )
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice([{"text": "&amp;lt;E42&amp;gt;"}])
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice(
            [{"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "a &amp; b"}}]}]
        )
    with pytest.raises(AssertionError):
        assert_nothing_live_or_escaped_twice([{"text": "<!date^1^{date_long}|x> <!here>"}])
    assert assert_nothing_live_or_escaped_twice([{"text": f"<@{ALICE}> &lt;E42&gt;"}]) == 1
    due = times.slack_time(datetime(2026, 12, 8, 9, 3, tzinfo=UTC), Language.EN)
    assert assert_nothing_live_or_escaped_twice([{"text": f"due {due}"}]) == 1


# -- words are not lost -----------------------------------------------------------------


def file_share(bot: Bot, ticket_id: int, text: str, names: list[str]) -> Any:
    root = bot.dm_root(ticket_id).response
    event = dm_thread_reply(ALICE, root["channel"], root["ts"], text)
    event["subtype"] = "file_share"
    event["files"] = [
        {
            "id": f"F0FILE{n:04d}",
            "name": name,
            "title": name,
            "mimetype": "image/png",
            "url_private": f"https://files.slack.com/files-pri/T1-F0FILE{n:04d}/download",
        }
        for n, name in enumerate(names)
    ]
    return bot.http.event(event_envelope(event))


def test_a_reply_with_files_reaches_support_with_the_files_named(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Printer")
    assert (
        file_share(bot, ticket_id, "Here is the error &lt;E42&gt;", ["screenshot.png"]).status
        == 200
    )
    assert file_share(bot, ticket_id, "", ["a.log", "b <1>.txt"]).status == 200
    # The files are not on the fake's file host: each one is a note naming it.
    bot.slack.wait_for(lambda _: len(bot.support_thread(ticket_id)) == 5)
    first, note, second, *notes = bot.support_thread(ticket_id)
    first, second = rendered(first), rendered(second)
    assert first == "Here is the error <E42>\n\n(1 file attached: screenshot.png)"
    assert second == "(2 files attached: a.log, b <1>.txt)"
    assert note == "The file _screenshot.png_ could not be read from Slack: it was not passed on."
    assert [n.split("_")[1] for n in notes] == ["a.log", "b &lt;1&gt;.txt"]


def long_text(length: int) -> str:
    """A pasted log that grows when escaped, with line breaks and spaces to cut at."""
    lines = []
    n = 0
    while sum(len(line) + 1 for line in lines) < length:
        lines.append(f"{n:05d} ERROR <E42> a & b => c <{'x' * (n % 17)}>")
        n += 1
    text = "\n".join(lines)[: length - 2]
    return text + ("x!" if text[-1].isspace() else "!!")


def parts_in(texts: list[str]) -> list[str]:
    """The numbered parts of one long message, checked to be complete and in order."""
    marked = [re.search(r" \((\d+)/(\d+)\):\n", t) for t in texts]
    numbers = [(int(m.group(1)), int(m.group(2))) for m in marked if m]
    assert numbers, texts[:1]
    total = numbers[0][1]
    assert numbers == [(n, total) for n in range(1, total + 1)]
    return [t for t, m in zip(texts, marked, strict=True) if m]


def assert_whole(text: str, parts: list[str]) -> None:
    """The parts, read one after the other, are the text: nothing lost, nothing twice;
    only the one line break or space at each cut is not repeated."""
    assert all(len(part) <= 3000 for part in parts)
    position = 0
    for part in parts:
        body = rendered(part)
        assert text.startswith(body, position), (position, body[:40])
        position += len(body)
        if position < len(text):
            assert text[position] in "\n "
            position += 1
    assert position == len(text)


@pytest.mark.parametrize("length", [3500, ENTRY_MAX])
def test_a_long_reply_is_kept_whole_and_relayed_in_parts(bot: Bot, length: int) -> None:
    ticket_id = bot.open_ticket(ALICE, "Crash log")
    text = long_text(length)
    assert len(text) == length
    # Slack encodes &, < and >: the event's text is longer than what the reporter wrote.
    assert bot.reply_in_dm(ALICE, ticket_id, escape(text)).status == 200
    stored = bot.running.core.desk.queries.show(ADMIN, ticket_id).conversation
    assert [entry.text for entry in stored] == [text]

    def relayed(_: list[Call]) -> bool:
        thread = bot.support_thread(ticket_id)
        return bool(thread) and bool(re.search(r" \((\d+)/\1\):", thread[-1]))

    bot.slack.wait_for(relayed)
    parts = parts_in(bot.support_thread(ticket_id))
    assert len(parts) > 1
    assert_whole(text, parts)
    assert all(part.startswith(f"<@{ALICE}> (reporter) wrote (") for part in parts)


def test_a_support_reply_full_of_angles_reaches_the_reporter_whole(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = bot.open_ticket(ALICE, "Quotes")
    text = " ".join(["<<&>>"] * 500)  # 2,999 characters, nearly 10,000 escaped
    submit_entry(bot, ticket_id, "ticket.reply", text)

    def relayed(_: list[Call]) -> bool:
        thread = bot.dm_thread(ticket_id)
        return bool(thread) and bool(re.search(r" \((\d+)/\1\):", thread[-1]))

    bot.slack.wait_for(relayed)
    assert_whole(text, parts_in(bot.dm_thread(ticket_id)))
    bot.slack.wait_for(lambda _: len(bot.support_thread(ticket_id)) >= 4)
    assert_whole(text, parts_in(bot.support_thread(ticket_id)))


def thread_answers(bot: Bot, channel: str, thread_ts: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in bot.slack.calls("chat.postMessage")
        if c.args.get("channel") == channel and c.args.get("thread_ts") == thread_ts
    ]


def test_what_cannot_be_taken_is_answered_in_the_thread(bot: Bot) -> None:
    ticket_id = bot.open_ticket(ALICE, "Too much")
    root = bot.dm_root(ticket_id).response
    envelope = event_envelope(
        dm_thread_reply(ALICE, root["channel"], root["ts"], "y" * (ENTRY_MAX + 1)),
        event_id="EvTOOLONG01",
    )
    for retry in ("", "1", "2"):  # Slack redelivers: the answer comes once
        headers = {"X-Slack-Retry-Num": retry} if retry else {}
        assert bot.http.event(envelope, headers=headers).status == 200
    answers = thread_answers(bot, root["channel"], root["ts"])
    assert answers == [
        f"I could not add this to *#{ticket_id}*: "
        f"The message may have at most {ENTRY_MAX} characters (it has {ENTRY_MAX + 1})."
    ]
    assert bot.running.core.desk.queries.show(ADMIN, ticket_id).conversation == []

    # A thread that is not a ticket's.
    other = dm_thread_reply(ALICE, root["channel"], "1700000000.999999", "hello?")
    assert bot.http.event(event_envelope(other)).status == 200
    [answer] = thread_answers(bot, root["channel"], "1700000000.999999")
    assert "does not belong to a ticket" in answer

    # The thread of a deleted ticket.
    assert bot.delete_ticket(ADMIN, ticket_id).status == 200
    bot.slack.wait_for(lambda _: any("was deleted" in t for t in bot.dm_thread(ticket_id)))
    assert bot.reply_in_dm(ALICE, ticket_id, "still there?").status == 200
    answers = thread_answers(bot, root["channel"], root["ts"])
    assert answers[-1] == (
        f"I could not add this to *#{ticket_id}*: "
        f"Ticket #{ticket_id} does not exist (or was deleted)."
    )


def test_refusals_in_the_thread_speak_the_reporters_language(
    database_url: str, slack: FakeSlack
) -> None:
    from tests.bot_harness import bot_settings

    slack.set_locale(ALICE, "de-DE")
    bot = Bot(slack, bot_settings(database_url, slack)).start()
    try:
        ticket_id = bot.open_ticket(ALICE, "Zu lang")
        assert bot.reply_in_dm(ALICE, ticket_id, "z" * (ENTRY_MAX + 5)).status == 200
        root = bot.dm_root(ticket_id).response
        [answer] = thread_answers(bot, root["channel"], root["ts"])
        assert answer.startswith(f"Das konnte ich *#{ticket_id}* nicht hinzufügen: ")
        assert f"höchstens {ENTRY_MAX} Zeichen" in answer
    finally:
        bot.stop()


# -- a long text's parts are never repeated -------------------------------------------------


class FaultyClient(WebClient):
    """Slack answers the `fail_at`-th chat.postMessage with a rate limit, or the process
    dies right before it."""

    def __init__(self, slack: FakeSlack, *, fail_at: int, crash: bool) -> None:
        super().__init__(token=BOT_TOKEN, base_url=slack.base_url, timeout=5)
        self.slack, self.fail_at, self.crash, self.posts = slack, fail_at, crash, 0

    def chat_postMessage(self, **kwargs: Any) -> Any:
        self.posts += 1
        if self.posts == self.fail_at:
            if self.crash:
                raise SystemExit("the process dies mid-message")
            self.slack.fail_next("chat.postMessage", 1, status=429, retry_after=5)
        return super().chat_postMessage(**kwargs)


@pytest.mark.parametrize("crash", [False, True], ids=["rate-limited", "crashed"])
def test_a_retry_goes_on_with_the_next_part(
    core: Core, slack: FakeSlack, clock: Clock, crash: bool
) -> None:
    desk = core.desk
    desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    ticket = desk.tickets.open_ticket(ALICE, title="Logs")

    def worker(client: WebClient) -> DeliveryWorker:
        transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
        return core.delivery_worker(transport)

    worker(WebClient(token=BOT_TOKEN, base_url=slack.base_url)).drain()
    slack.clear()
    text = long_text(12_000)
    desk.conversation.add_reporter_reply(ALICE, ticket.id, text)
    faulty = worker(FaultyClient(slack, fail_at=3, crash=crash))
    if crash:
        with pytest.raises(SystemExit):
            faulty.drain()
    else:
        faulty.drain()
    clock.advance(seconds=60)  # past the Retry-After, and past a dead worker's lease
    worker(WebClient(token=BOT_TOKEN, base_url=slack.base_url)).drain()
    posted = [
        str(c.args["text"])
        for c in slack.calls("chat.postMessage")
        if c.ok and c.args.get("thread_ts")
    ]
    assert len(posted) == len(set(posted))  # no part twice
    assert_whole(text, parts_in(posted))


def test_a_typed_name_is_quoted_back_escaped_once(bot: Bot) -> None:
    # Slack escapes the command's text: "@a&b" typed arrives as "@a&amp;b".
    answer = bot.command(ADMIN, "grant @a&amp;b support", command="/ticket-admin").json()
    assert "“@a&amp;b”" in answer["text"]
    assert "&amp;amp;" not in answer["text"]
