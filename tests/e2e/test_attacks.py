"""Attacks on what the bot says, as Slack really sends things: the bot's own texts are
escaped too, a listing that is cut never cuts an entity, a modal's error is plain text,
and hostile words in commands, titles and replies stay text in both languages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blocks import SUPPORT_REPLY
from bot.listeners.admin import OUTBOX_ERROR_SHOWN
from tests.bot_harness import Bot, bot_settings, errors_in
from tests.conftest import ADMIN, ALICE
from tests.databases import SqliteTemplate
from tests.e2e.test_text_as_written import (
    SUPPORTER,
    assert_nothing_live_or_escaped_twice,
    command,
    grant_support,
    open_home,
    submit_entry,
)
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import view_submission

# A cut entity: an `&` that does not begin one of the three Slack knows.
CUT_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def everything_sent(bot: Bot, *answers: Any) -> list[Any]:
    bot.running.worker.drain()
    return [c.args for c in bot.slack.calls()] + list(answers)


@pytest.fixture
def german_bot(tmp_path: Path, sqlite_template: SqliteTemplate, slack: FakeSlack) -> Iterator[Bot]:
    settings = bot_settings(
        sqlite_template.fresh_database(tmp_path), slack, flashticket_language="de"
    )
    slack.default_locale = "de-DE"  # its people use Slack in German too
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def test_the_bots_own_words_in_angle_brackets_are_escaped(sqlite_bot: Bot) -> None:
    """`/ticket show <id>` in a usage or help text would be Slack markup, not text."""
    bot = sqlite_bot
    answers = [
        command(bot, ALICE, "show abc"),
        command(bot, ALICE, "help"),
        command(bot, ADMIN, "help", command="/ticket-admin"),
        command(bot, ADMIN, "delete x", command="/ticket-admin"),
    ]
    assert answers[0]["text"] == "Usage: `/ticket show &lt;id&gt;`"
    assert_nothing_live_or_escaped_twice(answers)


def test_hostile_words_in_commands_are_quoted_back_as_text(
    sqlite_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = sqlite_bot
    answers = [
        command(bot, ALICE, "show &lt;!channel&gt;"),
        command(bot, ALICE, "show <!channel>"),
        command(bot, ALICE, "sho &lt;x&gt;"),
        command(bot, ADMIN, "grant &lt;!channel&gt; support", command="/ticket-admin"),
        command(bot, ADMIN, "grant <!channel> support", command="/ticket-admin"),
        command(bot, ADMIN, "grant <@U0EVIL0001|x> <!here>", command="/ticket-admin"),
        command(bot, ADMIN, "grant @<!here> support", command="/ticket-admin"),
        command(bot, ADMIN, "grant U0EVIL0001 &lt;!here&gt;", command="/ticket-admin"),
        command(bot, ADMIN, "export &lt;!here&gt;", command="/ticket-admin"),
        command(bot, ADMIN, "xyz <https://evil.example|x>", command="/ticket-admin"),
        command(bot, ALICE, "stats &lt;!here&gt;"),
        command(bot, ALICE, "search &lt;!here&gt; &amp; <!subteam^S0EVIL01|@oncall>"),
    ]
    assert answers[3]["text"] == "“&lt;!channel&gt;” is not a Slack user."
    assert_nothing_live_or_escaped_twice(everything_sent(bot, *answers))
    assert errors_in(caplog) == []


def test_long_titles_and_texts_of_entities_fit_every_surface(
    sqlite_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = sqlite_bot
    grant_support(bot)
    a = bot.open_ticket(ALICE, "&" * 150, "<" * 3000)
    b = bot.open_ticket(ALICE, "<!here>" * 20, "> quoted\n*bold* _it_ ~s~ `c`\n```x```")
    c = bot.open_ticket(ALICE, "\u202e\u200b emoji 🎉" * 5, "&" * 3000)
    submit_entry(bot, a, "ticket.reply", "&" * 3000)
    submit_entry(bot, c, "ticket.note", "<" * 3000)
    assert bot.reply_in_dm(ALICE, b, "&lt;" * 9000).status == 200
    open_home(bot, ALICE)
    open_home(bot, SUPPORTER)
    answers = [
        command(bot, SUPPORTER, f"show {a}"),
        command(bot, SUPPORTER, f"show {c}"),
        command(bot, SUPPORTER, "list"),
        command(bot, SUPPORTER, "search emoji"),
        command(bot, ADMIN, f"delete {b}", command="/ticket-admin"),
    ]
    bot.slack.wait_for(lambda _: len(bot.support_thread(b)) >= 4)
    sent = everything_sent(bot, *answers)
    refused = [(c.method, c.response) for c in bot.slack.calls() if c.response.get("ok") is False]
    assert refused == []
    assert_nothing_live_or_escaped_twice(sent)
    assert errors_in(caplog) == []


def test_german_surfaces_keep_hostile_text_as_text(
    german_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = german_bot
    grant_support(bot)
    t = bot.open_ticket(ALICE, "<!channel> & <x>", "<@U0EVIL0001> <https://e.x|y>")
    submit_entry(bot, t, "ticket.reply", "<!here> <x>")
    assert bot.reply_in_dm(ALICE, t, "<!channel> &lt;x&gt;").status == 200
    open_home(bot, ALICE)
    answers = [
        command(bot, ALICE, f"show {t}"),
        command(bot, ALICE, "show 999"),
        command(bot, ALICE, "show x"),
        command(bot, ALICE, "list"),
        command(bot, ADMIN, "grant @sam support", command="/ticket-admin"),
        command(bot, ADMIN, "roles", command="/ticket-admin"),
        command(bot, ALICE, "hilfe"),
        command(bot, ADMIN, "hilfe", command="/ticket-admin"),
    ]
    assert "`/ticket zeige &lt;Nr&gt;`" in answers[2]["text"]
    bot.slack.wait_for(lambda _: len(bot.support_thread(t)) >= 2)
    assert_nothing_live_or_escaped_twice(everything_sent(bot, *answers))
    assert errors_in(caplog) == []


@pytest.mark.parametrize("error", ["<!here>&" * 62, "&" * 500, "x&" * 250, "xx&" * 166])
def test_the_outbox_listing_shows_every_message_and_never_cuts_an_entity(
    sqlite_bot: Bot, error: str
) -> None:
    bot = sqlite_bot
    bot.slack.fail_next("chat.postMessage", 100, error=error)
    for n in range(10):
        view = bot.open_modal(ALICE)
        form: dict[str, dict[str, Any]] = {
            "title": {"type": "plain_text_input", "value": f"t{n}"},
            "description": {"type": "plain_text_input", "value": None},
            "priority": {"type": "static_select", "selected_option": {"value": "low"}},
        }
        assert bot.submit(ALICE, view, form).status == 200
    bot.running.worker.drain()
    answer = command(bot, ADMIN, "outbox", command="/ticket-admin")
    section = answer["blocks"][0]["text"]["text"]
    assert len(section) <= 3000
    assert not CUT_ENTITY.search(section), section
    assert_nothing_live_or_escaped_twice([answer])
    lines = section.split("\n")[1:]
    assert len(lines) == int(re.findall(r"\d+", answer["text"])[0]) >= 5
    assert all(line.endswith("…") for line in lines)  # none left out, each error cut
    assert all(len(line.split(": ", 1)[1]) <= OUTBOX_ERROR_SHOWN for line in lines)


def test_a_modal_error_from_a_stale_submission_is_plain_text(sqlite_bot: Bot) -> None:
    """A modal's field error is plain text: no entity of the bot's mrkdwn shows there."""
    bot = sqlite_bot
    view = {
        "id": "V0STALE01",
        "callback_id": SUPPORT_REPLY,
        "private_metadata": "not json",
        "type": "modal",
        "blocks": [],
        "state": {"values": {}},
    }
    response = bot.http.interact(view_submission(SUPPORTER, view, {}))
    assert response.status == 200
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    (text,) = body["errors"].values()
    assert "<id>" in text
    assert "&lt;" not in text
