"""Each person's language: the locale Slack reports, kept for a while, a fallback when
Slack cannot tell."""

from __future__ import annotations

import pytest

from bot.locales import LOCALE_TTL, RETRY_AFTER_FAILURE, Locales, LookupFailed, language_of_locale
from flashticket_core.i18n import Language


@pytest.mark.parametrize(
    ("locale", "default", "expected"),
    [
        ("de-DE", Language.EN, Language.DE),
        ("de-AT", Language.EN, Language.DE),
        ("de_CH", Language.EN, Language.DE),
        ("DE", Language.EN, Language.DE),
        ("en-US", Language.DE, Language.EN),
        ("en-GB", Language.DE, Language.EN),
        ("fr-FR", Language.DE, Language.DE),
        ("ja-JP", Language.EN, Language.EN),
        ("", Language.DE, Language.DE),
        (None, Language.DE, Language.DE),
        ("dev", Language.EN, Language.EN),
    ],
)
def test_locale_picks_the_language(
    locale: str | None, default: Language, expected: Language
) -> None:
    assert language_of_locale(locale, default) is expected


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeSlackLocales:
    """What users.info would say of each person, and who was asked about."""

    def __init__(self, locales: dict[str, str | None]) -> None:
        self.locales = locales
        self.asked: list[str] = []
        self.failing = False

    def __call__(self, user: str) -> str | None:
        self.asked.append(user)
        if self.failing:
            raise LookupFailed("users.info: ratelimited")
        return self.locales.get(user)


def test_a_locale_is_looked_up_once_within_its_time_to_live_then_again() -> None:
    clock, slack = FakeClock(), FakeSlackLocales({"UDE": "de-DE", "UEN": "en-US"})
    locales = Locales(slack, default=Language.EN, clock=clock)

    assert locales.language_of("UDE") is Language.DE
    assert locales.language_of("UEN") is Language.EN
    clock.now += LOCALE_TTL - 1
    assert locales.language_of("UDE") is Language.DE
    assert slack.asked == ["UDE", "UEN"]

    slack.locales["UDE"] = "en-GB"  # they switched Slack to English
    clock.now += 1
    assert locales.language_of("UDE") is Language.EN
    assert locales.language_of("UDE") is Language.EN
    assert slack.asked == ["UDE", "UEN", "UDE"]


def test_a_failed_look_up_falls_back_and_is_not_retried_at_once() -> None:
    clock, slack = FakeClock(), FakeSlackLocales({"UDE": "de-DE"})
    slack.failing = True
    locales = Locales(slack, default=Language.EN, clock=clock)

    assert locales.language_of("UDE") is Language.EN
    assert locales.language_of("UDE") is Language.EN
    assert slack.asked == ["UDE"]

    slack.failing = False
    clock.now += RETRY_AFTER_FAILURE
    assert locales.language_of("UDE") is Language.DE
    assert slack.asked == ["UDE", "UDE"]


def test_a_failed_refresh_keeps_what_was_known() -> None:
    clock, slack = FakeClock(), FakeSlackLocales({"UDE": "de-DE"})
    locales = Locales(slack, default=Language.EN, clock=clock)
    assert locales.language_of("UDE") is Language.DE

    slack.failing = True
    clock.now += LOCALE_TTL
    assert locales.language_of("UDE") is Language.DE
    clock.now += RETRY_AFTER_FAILURE - 1
    assert locales.language_of("UDE") is Language.DE
    assert slack.asked == ["UDE", "UDE"]


def test_no_locale_or_another_language_is_the_help_desks() -> None:
    slack = FakeSlackLocales({"UFR": "fr-FR", "UNONE": None})
    locales = Locales(slack, default=Language.DE, clock=FakeClock())
    assert locales.language_of("UFR") is Language.DE
    assert locales.language_of("UNONE") is Language.DE
    assert locales.language_of("UFR") is Language.DE
    assert slack.asked == ["UFR", "UNONE"]


def test_what_is_no_slack_user_id_is_not_looked_up() -> None:
    slack = FakeSlackLocales({})
    locales = Locales(slack, default=Language.DE, clock=FakeClock())
    for odd in ("", "alice", "U", "u123", "U123\udc00", "C0SUPPORT1", "U" + "A" * 40):
        assert locales.language_of(odd) is Language.DE
    assert slack.asked == []


def test_the_cache_keeps_at_most_a_workspace_of_people(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.locales.PEOPLE_KEPT", 2)
    slack = FakeSlackLocales({"UA1": "de-DE", "UB1": "de-DE", "UC1": "de-DE"})
    locales = Locales(slack, default=Language.EN, clock=FakeClock())
    for user in ("UA1", "UB1", "UC1", "UB1", "UA1"):
        assert locales.language_of(user) is Language.DE
    assert slack.asked == ["UA1", "UB1", "UC1", "UA1"]
