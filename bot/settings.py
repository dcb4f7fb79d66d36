"""Settings of the Slack adapter and of the server, and `Settings`: all of them.

Each class reads its own variables from the environment or `.env`
(flashticket_core.config.SETTINGS_CONFIG), under SPEC.md's exact names; `Settings`
is the three together, what `flashticket serve` and the console are built from. The
core takes its own class only (flashticket_core.config.CoreSettings)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings

from flashticket_core.config import SETTINGS_CONFIG, CoreSettings


class SlackSettings(BaseSettings):
    """The Slack app: its credentials, where it posts, what it answers."""

    model_config = SETTINGS_CONFIG

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    flashticket_support_channel: str | None = None
    # Where missed targets are announced (none: the support channel).
    flashticket_escalation_channel: str | None = None
    # Every card, reply, rating and internal note is posted in the support channel, so
    # `serve` refuses a public one unless this says it is meant (then it warns).
    flashticket_allow_public_support_channel: bool = False
    # The reaction that opens a ticket from the message it is put on; empty turns it off.
    flashticket_ticket_emoji: str = Field(default="ticket", pattern=r"^[a-z0-9_+'-]{0,100}$")
    # People of another organisation (Slack Connect) may open tickets; `false` tells
    # them politely that the help desk is internal and opens nothing.
    flashticket_external_reporters: bool = False
    # Posts per second per Slack channel, after a burst of 4 (Slack's own pace is about
    # one); 0 does not pace (an emulator or a test Slack without that limit).
    flashticket_posts_per_second: float = Field(default=1.0, ge=0, le=1000)
    # A person whose Slack status shows one of these emoji (names, comma-separated) is
    # away: a team's assignment rule passes them over, as it does anyone Slack shows away.
    flashticket_away_emoji: str = Field(
        default="palm_tree,face_with_thermometer", pattern=r"^[a-z0-9_+':,\s-]{0,1000}$"
    )

    @property
    def away_emoji(self) -> frozenset[str]:
        """The away emoji by name, without colons (`:palm_tree:` and `palm_tree` alike)."""
        names = (name.strip().strip(":") for name in self.flashticket_away_emoji.split(","))
        return frozenset(name for name in names if name)

    @field_validator(
        "slack_api_url",
        "slack_app_token",
        "flashticket_support_channel",
        "flashticket_escalation_channel",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value


class ServingSettings(BaseSettings):
    """The server: its port, processes, log lines and metrics."""

    model_config = SETTINGS_CONFIG

    port: int = Field(default=3000, ge=0, le=65535)
    # `plain` lines for a terminal, or `json`: one object per line for a log collector.
    flashticket_log_format: Literal["plain", "json"] = "plain"
    # GET /metrics (Prometheus) on the HTTP port; `false` answers it 404.
    flashticket_metrics: bool = True
    # `serve` over HTTP: gunicorn worker processes (0: one per core) and the threads of
    # each; the delivery worker and the scheduler run in a process of their own.
    flashticket_web_workers: int = Field(default=0, ge=0, le=64)
    flashticket_web_threads: int = Field(default=4, ge=1, le=256)


class Settings(CoreSettings, SlackSettings, ServingSettings):
    """Every setting of SPEC.md's runtime contract: the core's, Slack's and the server's."""

    model_config = SETTINGS_CONFIG

    @classmethod
    def of(cls, settings: CoreSettings) -> Settings:
        """The whole settings a core was built with (the bot builds its core from them;
        a core built from its own class alone gets the others' defaults and environment)."""
        if isinstance(settings, Settings):
            return settings
        return cls(_env_file=None, **settings.model_dump())  # type: ignore[call-arg]
