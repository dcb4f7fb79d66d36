"""`flashticket doctor`: is this installation ready to serve? One line per check, `ok`
or what to do, and never a secret (Slack's error codes and the settings' names only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from alembic.util.exc import CommandError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.desk_command import summary
from bot.manifest import BOT_SCOPES
from bot.settings import Settings
from bot.slack_checks import check_channel, granted_scopes, web_client
from bot.slack_ids import is_channel_id
from bot.socket_mode import check_app_token
from bot.startup_checks import StartupError, checked_desk_file, missing_database
from flashticket_core.adapters.db import Database, make_engine
from flashticket_core.adapters.sql_outbox_store import SqlOutboxStore
from flashticket_core.desk_file import DeskFileError, DeskStructure
from flashticket_core.service_layer.common import utcnow
from flashticket_core.service_layer.delivery.ports import FailedMessage
from migrations import runner

# A message waiting longer than this means nobody delivers (12 attempts with back-off
# take about 25 minutes in all, but the first few go out within a minute).
DEFAULT_OUTBOX_MAX_AGE = timedelta(minutes=10)
# The failed messages listed under the outbox's line, newest first.
FAILED_LISTED = 10
SIGNING_SECRET = re.compile(r"^[0-9a-f]{32}$")
REINSTALL = "reinstall the app from `flashticket manifest` (OAuth & Permissions → Reinstall)"


@dataclass(frozen=True)
class Check:
    """One check's result: `problem` says what to do, None when all is well."""

    name: str
    problem: str | None = None
    detail: str = ""
    # What the problem is made of, one item a line under it (the failed messages).
    items: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None

    def line(self) -> str:
        if self.problem is not None:
            return "\n".join(
                (f"FAIL  {self.name}: {self.problem}", *(f"      - {item}" for item in self.items))
            )
        return f"ok    {self.name}" + (f": {self.detail}" if self.detail else "")


def run(settings: Settings, *, outbox_max_age: timedelta = DEFAULT_OUTBOX_MAX_AGE) -> list[Check]:
    return list(checks(settings, outbox_max_age=outbox_max_age))


def checks(settings: Settings, *, outbox_max_age: timedelta) -> Iterator[Check]:
    auth: SlackResponse | None = None
    client: WebClient | None = None
    token = Check("bot token")
    try:
        client = web_client(settings)
        auth = client.auth_test()
        token = Check("bot token", detail=f"works in {auth.get('team')} as @{auth.get('user')}")
    except StartupError as error:
        token = Check("bot token", f"{error}: copy the Bot User OAuth Token (OAuth & Permissions)")
    except SlackApiError as error:
        token = Check(
            "bot token",
            f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}): copy the Bot "
            "User OAuth Token (OAuth & Permissions) into SLACK_BOT_TOKEN",
        )
    except OSError as error:
        token = Check(
            "bot token",
            f"cannot reach Slack's Web API ({type(error).__name__}): check the network and "
            "SLACK_API_URL",
        )
    yield token
    if auth is None:
        client = None  # the Slack checks wait for a token that works
    yield _scopes(auth)
    support = settings.flashticket_support_channel
    support_check = _channel(
        client,
        "support channel",
        "FLASHTICKET_SUPPORT_CHANNEL",
        support,
        allow_public=settings.flashticket_allow_public_support_channel,
    )
    yield support_check
    escalation = settings.flashticket_escalation_channel
    if escalation is None or escalation == support:
        if support_check.ok:
            yield Check("escalation channel", detail="the support channel")
        else:
            yield Check(
                "escalation channel",
                "missed targets go to the support channel (FLASHTICKET_ESCALATION_CHANNEL "
                "is not set): fix the support channel first",
            )
    else:
        yield _channel(
            client,
            "escalation channel",
            "FLASHTICKET_ESCALATION_CHANNEL",
            escalation,
            allow_public=False,
        )
    yield from _desk(settings, client)
    yield _signing_secret(settings)
    yield _app_token(settings, client)
    missing = missing_database(settings)
    if missing is not None:
        # Opening it would create an empty database where none was meant to be.
        yield Check("database", missing)
        yield Check("outbox", "fix the database first")
        return
    engine = make_engine(settings.database_url)
    try:
        database = _database(engine)
        yield database
        if database.ok:
            yield _outbox(engine, outbox_max_age)
        else:
            yield Check("outbox", "fix the database first")
    finally:
        engine.dispose()


def _scopes(auth: SlackResponse | None) -> Check:
    if auth is None:
        return Check("scopes", "fix the bot token first")
    granted = granted_scopes(auth)
    if granted is None:
        return Check(
            "scopes", "Slack's answer named no scopes (X-OAuth-Scopes): is SLACK_API_URL Slack?"
        )
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if missing:
        return Check("scopes", f"the bot token lacks {', '.join(missing)}: {REINSTALL}")
    return Check("scopes", detail=f"all {len(BOT_SCOPES)} of the manifest's bot scopes granted")


def _channel(
    client: WebClient | None, role: str, setting: str, channel: str | None, *, allow_public: bool
) -> Check:
    if not channel:
        return Check(role, f"{setting} is not set: put the channel's ID there (e.g. C0123456789)")
    if not is_channel_id(channel):
        return Check(role, f"{setting} must be a channel ID such as C0123456789")
    if client is None:
        return Check(role, "fix the bot token first")
    try:
        warnings = check_channel(
            client, channel, setting=setting, role=role, allow_public=allow_public
        )
    except StartupError as error:
        return Check(role, str(error))
    if warnings:
        return Check(
            role, detail=f"{channel}, public as FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL allows"
        )
    return Check(role, detail=f"{channel}, private, the bot is in it")


def _desk(settings: Settings, client: WebClient | None) -> Iterator[Check]:
    """With a desk file: the file, then each team's channels and user group."""
    path = settings.flashticket_desk_file
    if path is None:
        return
    try:
        structure = checked_desk_file(path)
    except DeskFileError as error:
        yield Check("desk file", f"FLASHTICKET_DESK_FILE {error}")
        return
    yield Check("desk file", detail=summary(path, structure)[0])
    allow_public = settings.flashticket_allow_public_support_channel
    groups = _usergroups(client, structure)
    for team in structure.teams:
        where = f"the channel of the team {team.id}"
        yield _channel(
            client, f"team {team.id} channel", where, team.channel, allow_public=allow_public
        )
        if team.escalation_channel is not None:
            yield _channel(
                client,
                f"team {team.id} escalation channel",
                f"the team {team.id}'s escalation channel",
                team.escalation_channel,
                allow_public=False,
            )
        if team.usergroup is not None:
            yield _usergroup(
                f"team {team.id} user group", f"the team {team.id}", team.usergroup, groups
            )
    for kind in structure.request_types:
        if kind.approver_group is not None:
            yield _usergroup(
                f"request type {kind.id} approver group",
                f"the request type {kind.id}",
                kind.approver_group,
                groups,
            )


def _usergroups(client: WebClient | None, structure: DeskStructure) -> dict[str, Any] | str:
    """The workspace's user groups by ID, if a team names one; else what went wrong."""
    named = [team.usergroup for team in structure.teams]
    named += [kind.approver_group for kind in structure.request_types]
    if not any(named):
        return {}
    if client is None:
        return "fix the bot token first"
    try:
        listed = client.usergroups_list(include_disabled=True, include_count=True)
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "missing_scope":
            return f"the bot token lacks usergroups:read: {REINSTALL}"
        if code == "plan_upgrade_required":
            return "this workspace's Slack plan has no user groups: take them out of the desk file"
        return f"Slack could not list the user groups: {code}"
    except OSError as error:
        return f"cannot reach Slack to list the user groups ({type(error).__name__})"
    return {str(group.get("id")): group for group in listed.get("usergroups") or []}


def _usergroup(name: str, owner: str, usergroup: str, groups: dict[str, Any] | str) -> Check:
    """A user group the desk file names (`owner`: whose it is, a team or a request type)."""
    if isinstance(groups, str):
        return Check(name, groups)
    group = groups.get(usergroup)
    if group is None:
        return Check(
            name,
            f"the user group {usergroup} of {owner} was not found: check its "
            "ID (the group's page in Slack, ⋮ → Copy group ID)",
        )
    if group.get("date_delete"):
        return Check(
            name,
            f"the user group {usergroup} (@{group.get('handle')}) is disabled: enable it, "
            f"or take it out of {owner}",
        )
    count = group.get("user_count")
    members = f", {count} members" if isinstance(count, int) else ""
    return Check(name, detail=f"{usergroup} (@{group.get('handle')}){members}")


def _signing_secret(settings: Settings) -> Check:
    secret = settings.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        if settings.slack_app_token is not None:
            return Check("signing secret", detail="not needed in Socket Mode")
        return Check(
            "signing secret",
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret "
            "(Basic Information → App Credentials)",
        )
    if not SIGNING_SECRET.match(secret.get_secret_value()):
        return Check(
            "signing secret",
            "SLACK_SIGNING_SECRET is not 32 hexadecimal characters: copy the Signing Secret "
            "(Basic Information → App Credentials), not the Client Secret or a token",
        )
    return Check("signing secret", detail="32 hexadecimal characters")


def _app_token(settings: Settings, client: WebClient | None) -> Check:
    app_token = settings.slack_app_token
    if app_token is None:
        return Check("app token", detail="not set: HTTP mode, Slack calls /slack/events")
    if not app_token.get_secret_value().startswith("xapp-"):
        return Check(
            "app token",
            "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic "
            "Information → App-Level Tokens, with the connections:write scope)",
        )
    if client is None:
        return Check("app token", "fix the bot token first")
    try:
        check_app_token(client, app_token.get_secret_value())
    except StartupError as error:
        return Check(
            "app token",
            f"{error}: create an app-level token with the connections:write scope "
            "(Basic Information → App-Level Tokens) and put it in SLACK_APP_TOKEN",
        )
    return Check("app token", detail="Slack opens Socket Mode connections with it")


def _failed_line(message: FailedMessage) -> str:
    """One failed message: what it was, its ticket, and Slack's error code (never text)."""
    ticket = f", ticket #{message.ticket_id}" if message.ticket_id is not None else ""
    reason = (message.error or "no reason recorded")[:100]
    return (
        f"message {message.id} ({message.kind}{ticket}) after {message.attempts} attempts: {reason}"
    )


def _database(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = runner.current_revision(engine)
        head = runner.head_revision(engine)
    except (SQLAlchemyError, CommandError) as error:
        return Check(
            "database", f"cannot use the database ({runner.describe(error)}): check DATABASE_URL"
        )
    if current is None:
        return Check("database", "the database has no tables yet: run `flashticket migrate`")
    if current != head:
        return Check(
            "database",
            f"the database is at revision {current}, this version's newest is {head}: "
            "run `flashticket migrate`",
        )
    return Check("database", detail=f"reachable, at revision {head} (the newest)")


def _outbox(engine: Engine, max_age: timedelta) -> Check:
    store = SqlOutboxStore(Database(engine))
    try:
        health = store.health(now=utcnow())
        failed = store.failed_messages(limit=FAILED_LISTED) if health.failed else []
    except SQLAlchemyError as error:
        return Check("outbox", f"cannot read the outbox ({runner.describe(error)})")
    if health.failed:
        more = health.failed - len(failed)
        items = tuple(_failed_line(message) for message in failed)
        return Check(
            "outbox",
            f"{health.failed} messages failed for good: `/ticket-admin outbox` lists them with "
            "Slack's reason; fix it, then `/ticket-admin outbox retry`",
            items=(*items, f"and {more} more") if more > 0 else items,
        )
    if health.oldest_pending_age_seconds > max_age.total_seconds():
        minutes = health.oldest_pending_age_seconds / 60
        return Check(
            "outbox",
            f"the oldest of {health.pending} waiting messages is {minutes:.0f} minutes old: "
            "is `flashticket serve` running? its log says why deliveries fail",
        )
    return Check("outbox", detail=f"{health.pending} messages waiting, none failed")
