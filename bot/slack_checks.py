"""The start-up checks that ask Slack: the bot token and its scopes, the support and
escalation channels (private, the bot in them). `flashticket serve`, `flashticket
doctor` and the console run them; each raises StartupError with one clear line."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import default_retry_handlers
from slack_sdk.web import SlackResponse

from bot.manifest import BOT_SCOPES
from bot.settings import Settings
from bot.slack_sender import RateLimitCounter
from bot.startup_checks import StartupError, check_bot_token, check_settings
from flashticket_core.bootstrap import clock_policy

log = logging.getLogger("flashticket")

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def web_client(settings: Settings) -> WebClient:
    token = check_bot_token(settings)
    base_url = settings.slack_api_url or DEFAULT_SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[*default_retry_handlers(), RateLimitCounter()],
    )


def preflight(settings: Settings) -> tuple[WebClient, str | None]:
    """The Web API client and the signing secret (None: Socket Mode), once the token,
    its scopes, the support channel and the clock's settings have been checked; raises
    StartupError with one clear line."""
    client = web_client(settings)
    signing_secret = check_settings(settings)
    for warning in missing_scopes(check_token(client)):
        log.warning("%s", warning)
    for warning in check_support_channel(
        client,
        settings.flashticket_support_channel or "",
        allow_public=settings.flashticket_allow_public_support_channel,
    ):
        log.warning("%s", warning)
    escalation = settings.flashticket_escalation_channel
    if escalation and escalation != settings.flashticket_support_channel:
        # Missed targets name tickets and their titles there: private, as the support
        # channel is, and with the bot in it (no setting allows a public one).
        check_channel(
            client,
            escalation,
            setting="FLASHTICKET_ESCALATION_CHANNEL",
            role="escalation channel",
            allow_public=False,
        )
    try:
        clock_policy(settings)
    except ValueError as error:
        raise StartupError(str(error)) from None
    return client, signing_secret


def check_token(client: WebClient) -> SlackResponse:
    try:
        return client.auth_test()
    except SlackApiError as error:
        raise StartupError(f"Slack refused the bot token: {error.response.get('error')}") from None
    except OSError as error:
        raise StartupError(
            f"cannot reach Slack's Web API at {client.base_url}: {' '.join(str(error).split())[:200]}"
        ) from None


def granted_scopes(response: SlackResponse) -> set[str] | None:
    """The scopes of the token that made a call: Slack names them in every Web API
    answer's X-OAuth-Scopes header. None if the answer does not say."""
    headers = {str(name).lower(): value for name, value in (response.headers or {}).items()}
    granted = headers.get("x-oauth-scopes")
    if granted is None:
        return None
    if isinstance(granted, list):
        granted = ",".join(granted)
    return {scope.strip() for scope in str(granted).split(",") if scope.strip()}


def missing_scopes(auth: SlackResponse) -> list[str]:
    """What an install made from an older manifest cannot do: one line per scope the
    token lacks."""
    have = granted_scopes(auth)
    if have is None:
        return []
    return [
        f"the bot token lacks the scope {scope}, so it cannot {reason[0].lower()}{reason[1:]}: "
        "reinstall the app from `flashticket manifest`"
        for scope, reason in BOT_SCOPES.items()
        if scope not in have
    ]


def check_support_channel(client: WebClient, channel: str, *, allow_public: bool) -> list[str]:
    """The support channel is the help desk's access boundary: every card, support reply,
    reporter reply, rating and internal note is posted there. It must be private and the
    bot must be in it. Returns warnings; raises StartupError with what to do otherwise."""
    return check_channel(
        client,
        channel,
        setting="FLASHTICKET_SUPPORT_CHANNEL",
        role="support channel",
        allow_public=allow_public,
    )


def check_channel(
    client: WebClient, channel: str, *, setting: str, role: str, allow_public: bool
) -> list[str]:
    """A channel the help desk posts tickets to (`role`, named by `setting`) exists, is
    private (unless `allow_public`), is not archived and has the bot in it. Returns
    warnings; raises StartupError with what to do otherwise."""
    invite = f"invite the bot there (/invite @FlashTicket in the channel {channel})"
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error")
        needed = error.response.get("needed") or ""
        if code == "channel_not_found":
            raise StartupError(
                f"{setting} {channel} was not found: check the ID, and if "
                f"it is a private channel, {invite}"
            ) from None
        if code == "missing_scope" and "channels:read" in needed:
            # groups:read describes private channels only: Slack asking for channels:read
            # means this one is public.
            if allow_public:
                return [_public_warning(channel)]
            raise StartupError(_public_refusal(channel, role)) from None
        if code == "missing_scope":
            raise StartupError(
                f"the bot token lacks the scope {needed or 'groups:read'}: reinstall the app "
                "from `flashticket manifest`"
            ) from None
        raise StartupError(f"Slack could not describe the {role} {channel}: {code}") from None
    except OSError as error:
        raise StartupError(
            f"cannot reach Slack to check the {role}: {' '.join(str(error).split())[:200]}"
        ) from None
    warnings = []
    if not info.get("is_private"):
        if not allow_public:
            raise StartupError(_public_refusal(channel, role))
        warnings.append(_public_warning(channel))
    if not info.get("is_member"):
        raise StartupError(f"the bot is not a member of the {role}: {invite}")
    if info.get("is_archived"):
        raise StartupError(f"the {role} {channel} is archived: unarchive it or pick another")
    return warnings


def _public_refusal(channel: str, role: str = "support channel") -> str:
    refusal = (
        f"the {role} {channel} is public, so every employee would read every ticket "
        "and internal note: make it private (channel settings → Change to a private channel)"
    )
    if role == "support channel":
        refusal += " or set FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL=true if that is meant"
    return refusal


def _public_warning(channel: str) -> str:
    return (
        f"the support channel {channel} is public (FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL): "
        "everyone in the workspace can read internal notes"
    )
