"""Each person's language: what the bot says to a person follows their Slack locale, the
support channel stays in FLASHTICKET_LANGUAGE, and the subcommands have German words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.listeners import commands
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import event_envelope

SUPPORTER = "USUPPORT02"


@pytest.fixture
def bot(sqlite_bot: Bot) -> Bot:
    """Languages are the bot's business, not the database's: SQLite alone."""
    return sqlite_bot


def text_of(response: Any) -> str:
    assert response.status == 200, response.body
    return json.dumps(response.json(), ensure_ascii=False)


def admin(bot: Bot, text: str, user: str = ADMIN) -> str:
    return text_of(bot.command(user, text, command="/ticket-admin"))


def locale_lookups(slack: FakeSlack, user: str) -> list[Any]:
    return [c for c in slack.calls("users.info") if c.args.get("user") == user]


def test_a_german_speaking_reporter_gets_german_while_the_support_channel_stays_english(
    bot: Bot,
) -> None:
    bot.slack.set_locale(ALICE, "de-DE")
    assert "is now Support" in admin(bot, f"grant <@{SUPPORTER}> support")

    view = bot.open_modal(ALICE)
    assert view["title"]["text"] == "Neues Ticket"
    ticket_id = bot.open_ticket(ALICE, "Drucker streikt")
    assert "Ihr Ticket" in bot.dm_root(ticket_id).args["text"]
    card = bot.card(ticket_id)
    assert card.args["channel"] == SUPPORT_CHANNEL
    assert "New" in json.dumps(card.args["blocks"])
    assert "Neu" not in card.args["text"]

    bot.click(SUPPORTER, ticket_id, "ticket.status", "in_progress")
    bot.slack.wait_for(lambda _: len(bot.dm_thread(ticket_id)) == 1)
    assert "hat den Status von" in bot.dm_thread(ticket_id)[0]
    assert "In Bearbeitung" in bot.dm_thread(ticket_id)[0]
    bot.slack.wait_for(lambda _: "In progress" in json.dumps(bot.card(ticket_id).args["blocks"]))
    assert "In Bearbeitung" not in json.dumps(bot.card(ticket_id).args["blocks"])

    # Ephemeral answers: hers in German, the English-speaking supporter's in English.
    assert "Ihre offenen Tickets (1)" in text_of(bot.command(ALICE, "list"))
    assert "Open queue (1)" in text_of(bot.command(SUPPORTER, "list"))
    assert "Nr" in text_of(bot.command(ALICE, "show abc"))

    # Her App Home, published when she opens it.
    event = {"type": "app_home_opened", "user": ALICE, "channel": "D1", "tab": "home"}
    assert bot.http.event(event_envelope(event)).status == 200
    home = bot.slack.wait_for("views.publish")[-1]
    assert "Ihre offenen Tickets" in json.dumps(home.args["view"], ensure_ascii=False)

    # One look-up served all of that (requests and the delivery worker alike), and it
    # asked Slack for the locale.
    lookups = locale_lookups(bot.slack, ALICE)
    assert len(lookups) == 1
    assert lookups[0].args.get("include_locale") in ("1", "true", True)


def test_a_german_help_desk_answers_an_english_speaker_in_english(
    sqlite_database_url: str, slack: FakeSlack
) -> None:
    slack.set_locale(ALICE, "en-GB")
    bot = Bot(slack, bot_settings(sqlite_database_url, slack, flashticket_language="de")).start()
    try:
        assert bot.open_modal(ALICE)["title"]["text"] == "New ticket"
        ticket_id = bot.open_ticket(ALICE, "Printer")
        assert "Your ticket" in bot.dm_root(ticket_id).args["text"]
        assert "Neu" in json.dumps(bot.card(ticket_id).args["blocks"], ensure_ascii=False)
        assert "Your open tickets (1)" in text_of(bot.command(ALICE, "liste"))
        # The admin's Slack says nothing the bot speaks: the help desk's German.
        slack.set_locale(ADMIN, "ja-JP")
        assert "Offene Tickets (1)" in text_of(bot.command(ADMIN, "list"))
    finally:
        bot.stop()


def test_a_german_speaking_supporter_gets_german_modals_for_an_english_card(bot: Bot) -> None:
    bot.slack.set_locale(SUPPORTER, "de-CH")
    assert "is now Support" in admin(bot, f"grant <@{SUPPORTER}> support")
    ticket_id = bot.open_ticket(ALICE, "Printer")
    opened = len(bot.slack.calls("views.open"))
    assert bot.click(SUPPORTER, ticket_id, "ticket.reply").status == 200
    modal = bot.slack.wait_for("views.open", count=opened + 1)[opened].args["view"]
    assert modal["title"]["text"] == "Antwort an Anwender"
    assert "Take it" in json.dumps(bot.card(ticket_id).args["blocks"])


def test_role_changes_reach_a_german_speaker_in_german(bot: Bot) -> None:
    bot.slack.set_locale(BOB, "de-AT")
    assert "is now Support" in admin(bot, f"grant <@{BOB}> support")
    dm = bot.slack.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.args.get("channel") == BOB for c in calls
        )
    )
    told = next(c for c in dm if c.method == "chat.postMessage" and c.args.get("channel") == BOB)
    assert "Support" in told.args["text"]
    assert "gave you" not in told.args["text"]


@pytest.mark.parametrize(
    # A look-up that hangs longer than the test's HTTP client waits for the answer (30 s):
    # the bot's own bound on the look-up is what gets the answer out, not a stopwatch.
    "fault",
    [{"error": "missing_scope"}, {"status": 500}, {"delay": 120.0}],
    ids=str,
)
def test_a_failed_locale_look_up_falls_back_quickly_and_is_not_repeated(
    bot: Bot, fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.set_locale(ALICE, "de-DE")
    bot.slack.fail_next("users.info", **fault)
    answer = text_of(bot.command(ALICE, "help"))
    assert "FlashTicket help" in answer
    assert "FlashTicket help" in text_of(bot.command(ALICE, "help"))
    assert len(locale_lookups(bot.slack, ALICE)) == 1
    if fault.get("error") == "missing_scope":  # an install from before users:read
        assert any("add users:read" in r.getMessage() for r in caplog.records)


def test_people_with_no_german_or_english_locale_get_the_help_desks_language(
    bot: Bot,
) -> None:
    bot.slack.set_locale(ALICE, "fr-FR")
    assert "FlashTicket help" in text_of(bot.command(ALICE, "hilfe"))


def test_ticket_hilfe_is_the_help_and_opens_no_ticket(bot: Bot) -> None:
    bot.slack.set_locale(ALICE, "de-DE")
    answer = text_of(bot.command(ALICE, "hilfe"))
    assert "FlashTicket-Hilfe" in answer
    for word in ("/ticket liste", "/ticket zeige", "/ticket suche", "/ticket statistik"):
        assert word in answer
    assert bot.slack.calls("views.open") == []
    # An English speaker's help names the English words.
    assert "/ticket show" in text_of(bot.command(BOB, "hilfe"))


def test_every_german_ticket_subcommand(bot: Bot) -> None:
    bot.slack.set_locale(ALICE, "de-DE")
    ticket_id = bot.open_ticket(ALICE, "Drucker streikt")
    opened = len(bot.slack.calls("views.open"))

    assert "Ihre offenen Tickets (1)" in text_of(bot.command(ALICE, "liste"))
    assert "Ihre offenen Tickets (1)" in text_of(bot.command(ALICE, "Liste"))
    assert "Drucker streikt" in text_of(bot.command(ALICE, f"zeige {ticket_id}"))
    assert "Verwendung: `/ticket zeige &lt;Nr&gt;`" in text_of(bot.command(ALICE, "zeige"))
    found = text_of(bot.command(ALICE, "suche drucker"))
    assert "1 gefunden" in found
    assert "Drucker streikt" in found
    assert "Offene Tickets (1)" not in text_of(bot.command(ALICE, "liste meine"))
    assert "Open queue (1)" in text_of(bot.command(ADMIN, "liste"))
    assert "Your open tickets (0)" in text_of(bot.command(ADMIN, "liste meine"))
    assert "Help desk statistics (last 7 days)" in text_of(bot.command(ADMIN, "statistik 7"))
    bot.slack.wait_for("files.completeUploadExternal")  # the charts, in the admin's DM
    assert "Verwendung" in text_of(bot.command(ALICE, "statistik x y"))
    assert len(bot.slack.calls("views.open")) == opened


def test_did_you_mean_knows_both_languages(bot: Bot) -> None:
    bot.slack.set_locale(ALICE, "de-DE")
    assert "Meinten Sie `statistik`?" in text_of(bot.command(ALICE, "statistk"))
    assert "Did you mean `list`?" in text_of(bot.command(BOB, "lsit"))
    assert "Did you mean `rollen`?" in admin(bot, "rolln")
    assert bot.slack.calls("views.open") == []


def test_every_german_admin_subcommand(bot: Bot) -> None:
    bot.slack.set_locale(ADMIN, "de-DE")
    ticket_id = bot.open_ticket(ALICE, "Bildschirm flackert")

    assert "FlashTicket-Verwaltung" in admin(bot, "hilfe")
    assert "/ticket-admin vergeben" in admin(bot, "hilfe")
    assert f"<@{BOB}> ist jetzt Support" in admin(bot, f"vergeben <@{BOB}> support")
    assert f"<@{BOB}> ist jetzt Administrator" in admin(bot, f"vergeben <@{BOB}> administrator")
    assert f"<@{BOB}>: Administrator" in admin(bot, "rollen")
    assert f"<@{BOB}> ist jetzt Anwender" in admin(bot, f"entziehen <@{BOB}>")
    assert "Verwendung: `/ticket-admin vergeben" in admin(bot, "vergeben")
    assert "Verwendung: `/ticket-admin entziehen" in admin(bot, "entziehen")
    bot.slack.wait_for(
        lambda _: any(c.args.get("channel") == BOB for c in bot.slack.calls("chat.postMessage"))
    )
    assert "Alle Nachrichten wurden zugestellt" in admin(bot, "postausgang")
    assert "0 fehlgeschlagene Nachrichten" in admin(bot, "postausgang wiederholen")
    assert "CSV-Datei" in admin(bot, "export")
    bot.slack.wait_for("files.completeUploadExternal")
    # Asked first (the confirmation's own test is in test_take_over_and_delete.py).
    assert f"*#{ticket_id}* „Bildschirm flackert“ löschen?" in admin(bot, f"löschen {ticket_id}")


def test_german_typos_pages_and_help(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "LIST_PAGE", 1)
    bot.slack.set_locale(ALICE, "de-DE")
    assert "Meinten Sie `zeige`?" in text_of(bot.command(ALICE, "zeige1 1"))
    assert "Meinten Sie `liste`?" in text_of(bot.command(ALICE, "lsite meine"))
    assert bot.slack.calls("views.open") == []
    bot.open_ticket(ALICE, "Drucker streikt")
    bot.open_ticket(ALICE, "Maus klemmt")
    first = text_of(bot.command(ALICE, "liste"))
    assert "Seite 1 von 2. …und 1 weitere: `/ticket liste seite 2`" in first
    assert "Seite 2 von 2." in text_of(bot.command(ALICE, "liste meine seite 2"))
    assert "Eine Seite 3 gibt es nicht: die Liste hat 2." in text_of(
        bot.command(ALICE, "liste seite 3")
    )
    assert "Verwendung: `/ticket liste [meine] [seite &lt;n&gt;]`" in text_of(
        bot.command(ALICE, "liste seite")
    )
    hilfe = text_of(bot.command(ALICE, "hilfe"))
    assert "Create ticket" in hilfe
    assert "Reagieren Sie mit :ticket:" in hilfe
    assert "`liste meine`" in hilfe
    assert "`liste seite 2`" in hilfe
