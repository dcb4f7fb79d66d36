"""Every message exists in English and German, with the same placeholders; the core's
messages are plain text, the Slack bot's words live in the bot."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot import mrkdwn, words
from flashticket_core import i18n
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    PersonRef,
    Translatable,
)
from flashticket_core.i18n import Language, placeholders, translate
from flashticket_core.service_layer.views import TicketSummary
from tests.unit.test_domain import NOW

CATALOGS: dict[str, tuple[dict[str, dict[Language, str]], Callable[..., str]]] = {
    "core": (i18n.CATALOG, i18n.translate),
    "bot": (words.CATALOG, words.translate),
}
EVERY_KEY = [(owner, key) for owner, (catalog, _) in CATALOGS.items() for key in sorted(catalog)]

# Slack's mrkdwn: bold, code, emphasis (an underscore at a word's edge), mentions and
# channel links, special mentions and dates, quotes, entities, emoji codes.
SLACK_MARKUP = re.compile(
    r"[*`~]|(?<!\w)_|_(?!\w)|<[@#!]|^\s*>|&(?:amp|lt|gt);|:[a-z0-9_+-]+:", re.M
)


@pytest.mark.parametrize(("owner", "key"), EVERY_KEY)
def test_every_key_in_both_languages_with_the_same_placeholders(owner: str, key: str) -> None:
    texts = CATALOGS[owner][0][key]
    assert set(texts) == set(Language)
    assert all(text.strip() for text in texts.values())
    assert placeholders(texts[Language.EN]) == placeholders(texts[Language.DE])


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize(("owner", "key"), EVERY_KEY)
def test_every_message_renders_in_both_languages(owner: str, key: str, language: Language) -> None:
    catalog, render = CATALOGS[owner]
    params = {name: f"<{name}>" for name in placeholders(catalog[key][Language.EN])}
    text = render(key, language, **params)
    assert all(value in text for value in params.values())
    assert "{" not in text.replace("{{", "")


def test_no_key_is_in_both_catalogs() -> None:
    assert set(i18n.CATALOG) & set(words.CATALOG) == set()


def test_the_bots_catalog_is_its_areas_words_each_key_in_one_area() -> None:
    areas = [words.card, words.reporter, words.thread, words.targets, words.commands]
    areas += [words.admin, words.home, words.replies, words.approvals, words.following]
    assert sum(len(area.WORDS) for area in areas) == len(words.CATALOG)
    assert words.merged(*(area.WORDS for area in areas)) == words.CATALOG
    twice = {"bot.card.status": words.card.WORDS["bot.card.status"]}
    with pytest.raises(ValueError, match=r"bot\.card\.status"):
        words.merged(words.card.WORDS, twice)


def test_the_bots_words_are_the_bots_keys() -> None:
    assert all(key.startswith("bot.") for key in words.CATALOG)
    assert not any(key.startswith("bot.") for key in i18n.CATALOG)


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("key", sorted(i18n.CATALOG))
def test_the_cores_messages_carry_no_slack_markup(key: str, language: Language) -> None:
    params = dict.fromkeys(placeholders(i18n.CATALOG[key][Language.EN]), "x")
    text = translate(key, language, **params)
    assert not SLACK_MARKUP.search(text), text


@pytest.mark.parametrize(
    "marked",
    ["*#3*", "`/ticket`", "_now_", "<@U1> left", "<#C1>", "<!here>", "> quoted", "&lt;", ":tada:"],
)
def test_the_markup_check_catches_slack_markup(marked: str) -> None:
    assert SLACK_MARKUP.search(marked)
    assert not SLACK_MARKUP.search("FLASHTICKET_ADMINS: “a_b” (it is #3) – 1/5 → 2.")


def test_the_bot_reuses_the_cores_words() -> None:
    assert words.translate(Status.WAITING.label_key, "de") == "Wartet auf Rückmeldung"
    assert words.translate("bot.card.status", "de") == "Status"
    with pytest.raises(KeyError):
        words.translate("no.such.key")


def test_spec_labels_in_german() -> None:
    german = {s: translate(s.label_key, "de") for s in Status}
    assert german == {
        Status.NEW: "Neu",
        Status.IN_PROGRESS: "In Bearbeitung",
        Status.WAITING: "Wartet auf Rückmeldung",
        Status.RESOLVED: "Gelöst",
        Status.CLOSED: "Geschlossen",
        Status.PENDING_APPROVAL: "Wartet auf Freigabe",
    }
    assert translate(Status.PENDING_APPROVAL.label_key, "en") == "Waiting for approval"
    assert translate(Role.USER.label_key, "de") == "Anwender"
    assert translate(Role.ADMIN.label_key, "de") == "Administrator"
    assert translate("entry.support_reply", "de") == "Support-Rückmeldung"
    assert {translate(p.label_key, "en") for p in Priority} == {"High", "Medium", "Low"}


def test_every_action_of_not_allowed_is_in_the_catalog() -> None:
    actions = [key.removeprefix("action.") for key in i18n.CATALOG if key.startswith("action.")]
    for action in actions:
        error = NotAllowed(action)
        assert error.message("en").startswith("You are not allowed to")
        assert error.message("de").startswith("Dafür fehlt Ihnen die Berechtigung: ")


def test_errors_render_their_parameters_in_the_language() -> None:
    error = InvalidTransition(
        ticket_id=3, old=Translatable("status.closed"), new=Translatable("status.waiting")
    )
    assert error.message("en") == "Ticket #3 cannot move from “Closed” to “Waiting for reply”."
    assert "„Geschlossen“" in error.message("de")
    assert str(NotFound(ticket_id=9)) == "Ticket #9 does not exist (or was deleted)."
    summary = TicketSummary(
        id=1,
        title="t",
        status=Status.NEW,
        priority=Priority.LOW,
        reporter_id="U1",
        assignee_id=None,
        created_at=NOW,
        updated_at=NOW,
        version=4,
    )
    conflict = Conflict(
        summary, ticket_id=1, status=Translatable("status.new"), holder=PersonRef("U0SAM")
    )
    assert conflict.message("de") == (
        "#1 ist bereits „Neu“, bearbeitet von U0SAM; es wurde nichts geändert."
    )
    assert conflict.message("en", person=lambda user: f"<@{user}>") == (
        "#1 is already New, held by <@U0SAM>; nothing was changed."
    )
    assert conflict.current.version == 4


def test_a_person_in_an_error_is_shown_the_adapters_way() -> None:
    error = InvalidInput("error.not_assignable", field="assignee", person=PersonRef("U0SAM"))
    plain = "U0SAM is not on the support team, so tickets cannot be assigned to them."
    assert error.message("en") == plain == str(error)
    assert error.message("en", person=mrkdwn.mention) == f"<@U0SAM>{plain.removeprefix('U0SAM')}"
    # A person is named by the core, not typed: quoting leaves them alone.
    told = error.message("de", quote=lambda typed: f"[{typed}]", person=mrkdwn.mention)
    assert told.startswith("<@U0SAM> gehört nicht zum Support")


def test_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        translate("no.such.key")


# Words German shares with English, or that are names: they may stand in a German text.
SHARED_WORDS = frozenset(
    {
        "administrator", "admin", "admins", "am", "an", "bot", "csv", "dm", "export",
        "flashticket", "flashticket_admins", "in", "median", "min", "name", "organisation",
        "per", "person", "problem", "slack", "status", "support", "team", "teams", "text",
        "thread", "ticket", "tickets", "version", "was", "workspace",
    }
)  # fmt: skip
# Names Slack shows as they are declared: the message shortcut "Create ticket" (SPEC).
SLACK_NAMES = frozenset({"create"})
# What a person types, in an error that lists what is accepted ("erlaubt sind high, …").
TYPED_WORDS = frozenset({"high", "medium", "low", "user", "admin", "support"})
# Keys whose German text is a command's syntax as typed, not prose.
COMMAND_SYNTAX = ("bot.usage.",)
ENGLISH_WORDS = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß_-]+")


def prose_words(text: str) -> set[str]:
    """The words of a catalog text a reader reads as language: no commands in
    backticks, placeholders, mentions or links, emoji codes or entities."""
    for markup in (r"`[^`]*`", r"\{[^}]*\}", r"<[^<>]*>", r":[a-z0-9_+-]+:", r"&\w+;"):
        text = re.sub(markup, " ", text)
    return {word.lower() for word in ENGLISH_WORDS.findall(text)}


EVERY_TEXT = {**i18n.CATALOG, **words.CATALOG}
ENGLISH_VOCABULARY = set().union(*(prose_words(t[Language.EN]) for t in EVERY_TEXT.values()))


@pytest.mark.parametrize("key", sorted(EVERY_TEXT))
def test_german_texts_use_no_english_word(key: str) -> None:
    """A German text with a word of the English catalog in it (a key copied and never
    translated, "due", "missed") fails here; shared words and names are allowed."""
    if key.startswith(COMMAND_SYNTAX):
        return
    english = prose_words(EVERY_TEXT[key][Language.DE]) & ENGLISH_VOCABULARY
    allowed = SHARED_WORDS | TYPED_WORDS | SLACK_NAMES
    assert english <= allowed, f"{key}: {sorted(english - allowed)}"


def test_the_english_word_check_catches_an_untranslated_text() -> None:
    untranslated = prose_words("Export of {count} tickets: `/ticket list` <@U1> :tada:")
    assert untranslated & ENGLISH_VOCABULARY - SHARED_WORDS == {"of"}
    assert "missed" in prose_words("Lösung 2 Std. missed") & ENGLISH_VOCABULARY
    assert prose_words("Verfehlt: *{count}* (fällig <!date^1^{time}|x>)") == {
        "verfehlt",
        "fällig",
    }


@pytest.mark.parametrize("key", sorted(k for k in words.CATALOG if k.endswith(".one")))
def test_a_singular_has_its_plural_with_the_same_placeholders(key: str) -> None:
    base = key.removesuffix(".one")
    plural = words.CATALOG.get(base) or words.CATALOG[f"{base}.many"]
    for language in Language:
        assert placeholders(words.CATALOG[key][language]) <= placeholders(plural[language])


@pytest.mark.parametrize(
    ("key", "params", "english", "german"),
    [
        ("bot.export.done", {"count": 1, "period": "p"}, "Export of 1 ticket (p).", "Export von 1 Ticket (p)."),
        ("bot.export.done", {"count": 2, "period": "p"}, "Export of 2 tickets (p).", "Export von 2 Tickets (p)."),
        ("bot.stats.title", {"days": 1}, "Help desk statistics (last day)", "Helpdesk-Statistik (letzter Tag)"),
        ("bot.stats.title", {"days": 2}, "Help desk statistics (last 2 days)", "Helpdesk-Statistik (letzte 2 Tage)"),
        ("bot.home.kpis", {"days": 1}, "Key figures (last day)", "Kennzahlen (letzter Tag)"),
        ("bot.list.more", {"count": 1}, "…and 1 more.", "…und 1 weiteres."),
        ("bot.outbox.retried", {"count": 1}, "1 failed message is queued again.", "1 fehlgeschlagene Nachricht wird erneut gesendet."),
    ],
)  # fmt: skip
def test_plurals_follow_the_number(
    key: str, params: dict[str, int | str], english: str, german: str
) -> None:
    assert words.translate(key, Language.EN, **params) == english
    assert words.translate(key, Language.DE, **params) == german
