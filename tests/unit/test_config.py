"""Settings come from the environment or `.env`, under SPEC.md's exact names."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from flashticket_core.config import DEFAULT_DATABASE_URL, Settings
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
