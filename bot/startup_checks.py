"""What `serve` checks before it does anything: the settings, and the metrics folder.

Nothing here has a side effect, and nothing here imports the metrics (defining them opens
their files in PROMETHEUS_MULTIPROC_DIR), so a start that is refused has touched nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import Settings
from bot.slack_ids import is_channel_id, is_user_id, is_usergroup_id
from flashticket_core.desk_file import (
    DeskFileError,
    DeskStructure,
    RequestType,
    Team,
    entry_name,
    load_desk_file,
)

# The files prometheus_client's multiprocess mode makes: `<type>_<pid>.db`, gauges with
# their mode (`gauge_livesum_123.db`). Nothing else in the folder is the metrics'.
METRICS_FILE = re.compile(
    r"^(counter|histogram|summary|gauge_(live)?(all|min|max|sum|mostrecent))_\d+\.db$"
)


class StartupError(Exception):
    """A setting or a dependency is not usable; the message is the one line to print."""


def check_bot_token(settings: Settings) -> str:
    token = settings.slack_bot_token
    if token is None or not token.get_secret_value().strip():
        raise StartupError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
    if not token.get_secret_value().startswith("xoxb-"):
        raise StartupError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    return token.get_secret_value()


def check_settings(settings: Settings) -> str | None:
    """The signing secret (HTTP mode) or None (Socket Mode); one clear line if unusable."""
    channel = settings.flashticket_support_channel
    if not channel:
        raise StartupError(
            "FLASHTICKET_SUPPORT_CHANNEL is not set (the support channel's ID, e.g. C0123456789)"
        )
    if not is_channel_id(channel):
        raise StartupError(
            f"FLASHTICKET_SUPPORT_CHANNEL must be a channel ID such as C0123456789, not {channel[:30]!r}"
        )
    escalation = settings.flashticket_escalation_channel
    if escalation and not is_channel_id(escalation):
        raise StartupError(
            "FLASHTICKET_ESCALATION_CHANNEL must be a channel ID such as C0123456789, "
            f"not {escalation[:30]!r}"
        )
    app_token = settings.slack_app_token
    if app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            raise StartupError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        return None
    secret = settings.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        raise StartupError("SLACK_SIGNING_SECRET is not set (Basic Information → App Credentials)")
    return secret.get_secret_value()


def check_before_serving(settings: Settings) -> None:
    """Every setting `serve` can check without Slack or the database, before it touches
    anything: the token's kind, the channels, the signing secret or app token, the
    clock's settings (business hours, holidays, targets) and the desk file."""
    check_bot_token(settings)
    check_settings(settings)
    try:
        settings.clock_intervals()
        settings.service_levels()
        settings.calendar()
    except ValueError as error:
        raise StartupError(str(error)) from None
    check_desk_file(settings)


def check_desk_file(settings: Settings) -> DeskStructure | None:
    """FLASHTICKET_DESK_FILE's teams and request types, None if it is not set."""
    if settings.flashticket_desk_file is None:
        return None
    try:
        return checked_desk_file(settings.flashticket_desk_file)
    except DeskFileError as error:
        raise StartupError(f"FLASHTICKET_DESK_FILE {error}") from None


def checked_desk_file(path: str) -> DeskStructure:
    """The desk file at `path` with its Slack IDs checked; raises DeskFileError."""
    structure = load_desk_file(path)
    for index, team in enumerate(structure.teams):
        for entry, value, kind in _slack_ids(entry_name("teams", index, team.id), team):
            valid, example = SLACK_IDS[kind]
            if not valid(value):
                raise DeskFileError(
                    path, f"{value[:40]!r} is not a {kind} ID such as {example}", entry
                )
    for index, kind_of_request in enumerate(structure.request_types):
        where = entry_name("request_types", index, kind_of_request.id)
        for entry, value, kind in _approver_ids(where, kind_of_request):
            valid, example = SLACK_IDS[kind]
            if not valid(value):
                raise DeskFileError(
                    path, f"{value[:40]!r} is not a {kind} ID such as {example}", entry
                )
    return structure


# What each kind of Slack ID in a desk file looks like, and an example of it.
SLACK_IDS = {
    "channel": (is_channel_id, "C0123456789"),
    "user": (is_user_id, "U0123456789"),
    "user group": (is_usergroup_id, "S0123456789"),
}


def _slack_ids(where: str, team: Team) -> Iterator[tuple[str, str, str]]:
    """Each Slack ID a team names: its entry in the file, the ID, and its kind."""
    yield f"{where}.channel", team.channel, "channel"
    for n, channel in enumerate(team.intake_channels):
        yield f"{where}.intake_channels[{n}]", channel, "channel"
    if team.escalation_channel is not None:
        yield f"{where}.escalation_channel", team.escalation_channel, "channel"
    for n, member in enumerate(team.members):
        yield f"{where}.members[{n}]", member, "user"
    if team.usergroup is not None:
        yield f"{where}.usergroup", team.usergroup, "user group"


def _approver_ids(where: str, kind: RequestType) -> Iterator[tuple[str, str, str]]:
    """Each Slack ID a request type names as its approvers."""
    for n, approver in enumerate(kind.approvers):
        yield f"{where}.approvers[{n}]", approver, "user"
    if kind.approver_group is not None:
        yield f"{where}.approver_group", kind.approver_group, "user group"


def missing_database(settings: Settings) -> str | None:
    """What to do when the SQLite file the settings name is not there: a command that only
    reads (doctor, stats) must not create an empty database in its place."""
    database = _sqlite_file(settings.database_url)
    if database is None or database.exists():
        return None
    if "database_url" in settings.model_fields_set:
        where = f"DATABASE_URL names {database}, which does not exist"
    else:
        where = f"DATABASE_URL is not set, and there is no database at its default {database}"
    return (
        f"{where}: set DATABASE_URL to the installation's database, or create it with "
        "`flashticket migrate`"
    )


def stale_metrics_files(folder: str, database_url: str) -> list[Path]:
    """The files in PROMETHEUS_MULTIPROC_DIR left by processes that are gone: everything
    there, once it is clear that everything there is the metrics' own. A folder that holds
    anything else (the database, a backup, a sub-folder) is refused, so nothing is removed
    that the metrics did not make."""
    where = Path(folder)
    if not (where.is_dir() and os.access(where, os.W_OK)):
        raise StartupError(
            f"PROMETHEUS_MULTIPROC_DIR {folder} is not a folder this process can "
            "write: create it (empty), or unset it to use a temporary one"
        )
    database = _sqlite_file(database_url)
    if database is not None and database.parent.resolve() == where.resolve():
        raise StartupError(
            f"PROMETHEUS_MULTIPROC_DIR {folder} holds the database: give the metrics "
            "an empty folder of their own"
        )
    files = sorted(where.iterdir())
    foreign = [path.name for path in files if not METRICS_FILE.match(path.name)]
    if foreign:
        listed = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise StartupError(
            f"PROMETHEUS_MULTIPROC_DIR {folder} holds files that are not metrics "
            f"({listed}): give the metrics an empty folder of their own"
        )
    return files


def _sqlite_file(database_url: str) -> Path | None:
    try:
        url = make_url(database_url)
    except Exception:
        return None  # the database's own check says what is wrong with it
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)
