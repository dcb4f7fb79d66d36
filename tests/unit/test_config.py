"""Settings come from the environment or `.env`, under SPEC.md's exact names."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from flashticket_core.config import (
    DEFAULT_DATABASE_URL,
    ClockIntervals,
    Settings,
    parse_intake_limit,
)
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.permissions import IntakeLimit
from flashticket_core.domain.service_levels import Targets
from flashticket_core.i18n import Language

NAMES = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "FLASHTICKET_SUPPORT_CHANNEL",
    "FLASHTICKET_ADMINS",
    "FLASHTICKET_LANGUAGE",
    "FLASHTICKET_TIMEZONE",
    "PORT",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///data/tickets.db"
    assert settings.port == 3000
    assert settings.flashticket_language is Language.EN
    assert settings.flashticket_admins == frozenset()
    assert settings.slack_bot_token is None
    assert settings.flashticket_timezone == ZoneInfo("UTC")


def test_the_time_zone_is_an_iana_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHTICKET_TIMEZONE", " Europe/Berlin ")
    assert Settings().flashticket_timezone == ZoneInfo("Europe/Berlin")
    monkeypatch.setenv("FLASHTICKET_TIMEZONE", "")
    assert Settings().flashticket_timezone == ZoneInfo("UTC")


def test_environment_names_are_the_spec_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("FLASHTICKET_SUPPORT_CHANNEL", "C0SUPPORT")
    monkeypatch.setenv("FLASHTICKET_ADMINS", " U1, U2 ,,U3 ")
    monkeypatch.setenv("FLASHTICKET_LANGUAGE", "de")
    monkeypatch.setenv("PORT", "8080")
    settings = Settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-1-secret"
    assert "xoxb-1-secret" not in repr(settings)
    assert settings.flashticket_admins == {"U1", "U2", "U3"}
    assert settings.flashticket_language is Language.DE
    assert (settings.port, settings.database_url) == (8080, "postgresql://db/x")
    assert settings.flashticket_support_channel == "C0SUPPORT"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "FLASHTICKET_ADMINS=UA\nFLASHTICKET_LANGUAGE=de\nSLACK_APP_TOKEN=\n"
    )
    settings = Settings()
    assert settings.flashticket_admins == {"UA"}
    assert settings.slack_app_token is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "http"),
        ("FLASHTICKET_LANGUAGE", "fr"),
        ("FLASHTICKET_TIMEZONE", "Mars/Olympus"),
        ("FLASHTICKET_TIMEZONE", "../../etc/passwd"),
        ("FLASHTICKET_TIMEZONE", "CEST+2"),
    ],
)
def test_malformed_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_every_setting_is_in_the_example_file_and_the_readme() -> None:
    root = Path(__file__).resolve().parents[2]
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
        assert f"| `{name.upper()}` |" in readme, name


CLOCK_NAMES = [
    "FLASHTICKET_SLA",
    "FLASHTICKET_BUSINESS_HOURS",
    "FLASHTICKET_HOLIDAYS",
    "FLASHTICKET_AUTO_CLOSE",
    "FLASHTICKET_WAITING_NUDGE",
    "FLASHTICKET_WAITING_RESOLVE",
    "FLASHTICKET_DIGEST_TIME",
    "FLASHTICKET_SLA_WARNING_PERCENT",
]


@pytest.fixture
def clean_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLOCK_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FLASHTICKET_SLA", "urgent=1h/2h"),
        ("FLASHTICKET_SLA", "high=30x/4h"),
        ("FLASHTICKET_BUSINESS_HOURS", "mon-fri 08:00-25:00"),
        ("FLASHTICKET_BUSINESS_HOURS", "weekdays"),
        ("FLASHTICKET_HOLIDAYS", "2026-13-01"),
        ("FLASHTICKET_HOLIDAYS", "DE-XX"),
        ("FLASHTICKET_AUTO_CLOSE", "soon"),
        ("FLASHTICKET_AUTO_CLOSE", "0d"),
        ("FLASHTICKET_WAITING_NUDGE", "3 days"),
        ("FLASHTICKET_WAITING_RESOLVE", "-4d"),
        ("FLASHTICKET_DIGEST_TIME", "24:00"),
        ("FLASHTICKET_DIGEST_TIME", "9am"),
    ],
)
@pytest.mark.usefixtures("clean_clock")
def test_bad_clock_settings_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    (problem,) = raised.value.errors()
    assert problem["loc"] == (name.lower(),)
    assert repr(value.strip()) in problem["msg"] or value in problem["msg"]


@pytest.mark.usefixtures("clean_clock")
def test_the_clock_settings_parse_into_calendar_targets_and_intervals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASHTICKET_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("FLASHTICKET_BUSINESS_HOURS", "mon-thu 08:00-17:00, fri 08:00-12:00")
    monkeypatch.setenv("FLASHTICKET_HOLIDAYS", "DE-BY, 2026-12-24")
    monkeypatch.setenv("FLASHTICKET_SLA", "high=30m/2d")
    monkeypatch.setenv("FLASHTICKET_SLA_WARNING_PERCENT", "80")
    monkeypatch.setenv("FLASHTICKET_AUTO_CLOSE", "off")
    monkeypatch.setenv("FLASHTICKET_WAITING_NUDGE", "90s")
    monkeypatch.setenv("FLASHTICKET_DIGEST_TIME", "08:30")
    settings = Settings()
    calendar = settings.calendar()
    assert calendar.zone == ZoneInfo("Europe/Berlin")
    assert calendar.business_day == timedelta(hours=8)
    assert not calendar.is_business_day(date(2026, 12, 24))
    assert not calendar.is_business_day(date(2026, 1, 6))
    levels = settings.service_levels()
    assert levels.targets(Priority.HIGH) == Targets(timedelta(minutes=30), timedelta(hours=16))
    assert levels.warning_share == 0.8
    assert settings.clock_intervals() == ClockIntervals(
        auto_close=None,
        waiting_nudge=timedelta(seconds=90),
        waiting_resolve=timedelta(days=4),
        digest_time=time(8, 30),
    )


@pytest.mark.usefixtures("clean_clock")
def test_the_clock_defaults() -> None:
    settings = Settings()
    assert settings.calendar().business_day == timedelta(hours=9)
    assert settings.service_levels().targets(Priority.LOW).resolution == timedelta(hours=45)
    intervals = settings.clock_intervals()
    assert intervals.auto_close == timedelta(days=7)
    assert intervals.digest_time == time(9, 0)
    assert Settings(flashticket_digest_time="off").clock_intervals().digest_time is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/10m", IntakeLimit(5, timedelta(minutes=10))),
        (" 20 / 1h ", IntakeLimit(20, timedelta(hours=1))),
        ("off", None),
    ],
)
def test_the_intake_limit_reads_a_count_per_duration(
    text: str, expected: IntakeLimit | None
) -> None:
    assert parse_intake_limit(text) == expected


@pytest.mark.parametrize("text", ["5", "0/10m", "x/10m", "5/0m", "5/off", "-1/10m", ""])
def test_an_unreadable_intake_limit_stops_the_settings(text: str) -> None:
    with pytest.raises(ValidationError, match="flashticket_intake_limit"):
        Settings(_env_file=None, flashticket_intake_limit=text)  # type: ignore[call-arg]
