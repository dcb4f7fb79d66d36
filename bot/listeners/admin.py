"""`/ticket-admin`: roles, the outbox, deleting a ticket, the export."""

from __future__ import annotations

import tempfile
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient

from bot import blocks, times
from bot.blocks.teams import teams as team_blocks
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.commands import (
    Subcommand,
    tell_it_failed,
    ticket_id_of,
    unknown_word,
    usage,
    words_of,
)
from bot.listeners.saved_replies import replies_command
from bot.manifest import ADMIN_COMMAND
from bot.mrkdwn import decode_incoming, escape
from bot.slack_ids import user_of_mention
from bot.words import translate
from flashticket_core.domain.enums import Role
from flashticket_core.errors import InvalidInput
from flashticket_core.i18n import Language
from flashticket_core.service_layer.common import parse_role
from flashticket_core.service_layer.desk import HelpDesk


def register(app: App) -> None:
    app.command(ADMIN_COMMAND)(listener(Kind.COMMAND)(admin_command))


def admin_command(turn: Turn) -> None:
    words = words_of(turn) or ["help"]
    subcommand = ADMIN_SUBCOMMANDS.get(words[0].lower())
    if subcommand is None:
        unknown_word(turn, words[0], ADMIN_SUBCOMMANDS, "bot.admin.help")
    else:
        subcommand(turn, words[1:])


def admin_help(turn: Turn, _words: list[str]) -> None:
    turn.say(turn.t("bot.admin.help"))


def roles(turn: Turn, _words: list[str]) -> None:
    listing = turn.desk.roles.list_roles(turn.actor)
    turn.say(turn.t("bot.roles.title"), blocks.roles(turn.lang, listing))


def teams(turn: Turn, _words: list[str]) -> None:
    structure = turn.desk.admin.teams(turn.actor)
    members = turn.desk.roles.team_members(turn.actor)
    title = turn.t("bot.teams.title", count=len(structure.teams))
    turn.say(title, team_blocks(turn.lang, structure, members))


def _user(turn: Turn, words: list[str]) -> str | None:
    """The person a role command names, or None after telling the admin how to name them."""
    word = words[0] if words else ""
    user = user_of_mention(word)
    if user is None and word.startswith("@"):
        # Typed, not picked: Slack sends a person as <@U…> only when chosen from its list.
        turn.say(turn.t("bot.admin.pick_person", name=escape(decode_incoming(word)[:40])))
        return None
    if user is None:
        raise InvalidInput("error.invalid_user_id", value=word[:40])
    return user


def grant(turn: Turn, words: list[str]) -> None:
    """`grant @x <role>`, or `grant @x support <team>`: support in that team alone."""
    if len(words) not in (2, 3):
        usage(turn, turn.t("bot.usage.grant"))
        return
    user, role = _user(turn, words), parse_role(ROLE_WORDS.get(words[1].lower(), words[1]))
    if user is None:
        return
    if len(words) == 3:
        team = decode_incoming(words[2])
        if role is not Role.SUPPORT:
            turn.say(turn.t("bot.roles.team_support_only", team=escape(team[:40])))
            return
        changed = turn.desk.roles.grant_team(turn.actor, user, team)
        key = "bot.roles.team_granted" if changed else "bot.roles.team_already"
        turn.say(turn.t(key, user=user, team=f"`{escape(team.strip().lower())}`"))
        return
    changed_role = turn.desk.roles.grant(turn.actor, user, role)
    key = "bot.roles.granted" if changed_role else "bot.roles.unchanged"
    turn.say(turn.t(key, user=user, role=turn.t(role.label_key)))


def revoke(turn: Turn, words: list[str]) -> None:
    """`revoke @x` (back to user), or `revoke @x <team>`: the grant in that team."""
    if len(words) not in (1, 2):
        usage(turn, turn.t("bot.usage.revoke"))
        return
    user = _user(turn, words)
    if user is None:
        return
    if len(words) == 2:
        team = decode_incoming(words[1])
        changed = turn.desk.roles.revoke_team(turn.actor, user, team)
        key = "bot.roles.team_revoked" if changed else "bot.roles.team_not_granted"
        turn.say(turn.t(key, user=user, team=f"`{escape(team.strip().lower())}`"))
        return
    changed_role = turn.desk.roles.revoke(turn.actor, user)
    key = "bot.roles.granted" if changed_role else "bot.roles.unchanged"
    turn.say(turn.t(key, user=user, role=turn.t("role.user")))


def outbox(turn: Turn, words: list[str]) -> None:
    if words and words[0].lower() in RETRY:
        count = turn.desk.admin.retry_failed_messages(turn.actor)
        turn.say(turn.t("bot.outbox.retried", count=count))
        return
    messages = turn.desk.admin.undelivered_messages(turn.actor)
    if not messages:
        turn.say(turn.t("bot.outbox.empty"))
        return
    lines = [
        turn.t(
            "bot.outbox.line",
            id=m.id,
            kind=m.kind,
            ticket=f"#{m.ticket_id}" if m.ticket_id else "–",
            status=m.status,
            attempts=m.attempts,
            error=_escaped_within(m.last_error or "", OUTBOX_ERROR_SHOWN),
        )
        for m in messages
    ]
    title = turn.t("bot.outbox.title", count=len(messages))
    turn.say(title, blocks.text_blocks(_whole_lines(f"*{title}*", lines, blocks.SECTION_MAX)))


# An outbox line's error, in characters once escaped: short, so all 20 lines fit.
OUTBOX_ERROR_SHOWN = 60


def _escaped_within(text: str, limit: int) -> str:
    """`text` escaped, cut so that it is at most `limit` long and no entity is cut."""
    if len(escape(text)) <= limit:
        return escape(text)
    shown, used = [], 1  # the "…"
    for char in text:
        part = escape(char)
        if used + len(part) > limit:
            break
        shown.append(part)
        used += len(part)
    return "".join(shown) + "…"


def _whole_lines(head: str, lines: list[str], limit: int) -> str:
    """`head` and as many whole `lines` as fit in `limit`, "…" if some were left out."""
    text = head
    for n, line in enumerate(lines):
        room = limit - (0 if n == len(lines) - 1 else 2)  # keep room for "\n…"
        if len(text) + 1 + len(line) > room:
            return text + "\n…"
        text += "\n" + line
    return text


def delete(turn: Turn, words: list[str]) -> None:
    ticket_id = ticket_id_of(words[0]) if len(words) == 1 else None
    if ticket_id is None:
        usage(turn, turn.t("bot.usage.delete"))
        return
    # Asked first; only the answer's button deletes (and the core checks again then).
    ticket = turn.desk.tickets.check_can_delete(turn.actor, ticket_id)
    question = turn.t("bot.delete.ask", ticket_id=ticket.id, title=escape(ticket.title))
    turn.say(question, blocks.delete_question(turn.lang, ticket))


def export(turn: Turn, words: list[str]) -> None:
    """Check, answer at once, then build and upload the CSV after Slack has its answer."""
    try:
        # Days of the help desk's calendar, like every time in the export.
        zone = times.desk_zone()
        dates = [datetime.strptime(word, "%Y-%m-%d").replace(tzinfo=zone) for word in words[:2]]
    except ValueError:
        turn.say(turn.t("bot.export.bad_date"))
        return
    if len(words) > 2:
        turn.say(turn.t("bot.export.bad_date"))
        return
    since, until = [*dates, None, None][:2]
    actor, desk, lang, client = turn.actor, turn.desk, turn.lang, turn.client
    desk.admin.check_can_export(actor)
    turn.say(turn.t("bot.export.started"))
    background: Executor = turn.context["background"]
    background.submit(_export_and_upload, desk, client, lang, actor, since, until)


def _export_and_upload(
    desk: HelpDesk,
    client: WebClient,
    lang: Language,
    actor: str,
    since: datetime | None,
    until: datetime | None,
) -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="flashticket-export-") as directory:
            path = Path(directory) / f"tickets-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                count = desk.admin.export_csv(actor, out, since=since, until=until)
            period = _export_period(lang, since, until)
            channel = client.conversations_open(users=actor)["channel"]["id"]
            client.files_upload_v2(
                channel=channel,
                file=str(path),
                filename=path.name,
                title=path.name,
                initial_comment=translate("bot.export.done", lang, count=count, period=period),
            )
    except Exception:
        tell_it_failed(client, lang, actor, "export")


def _export_period(lang: Language, since: datetime | None, until: datetime | None) -> str:
    """The period an export covers, and the zone its times are written in."""
    zone = times.desk_zone().key
    if since is None and until is None:
        return translate("bot.export.period.all", lang, zone=zone)
    first = "…" if since is None else times.plain_date(since, lang)
    last = "…" if until is None else times.plain_date(until, lang)
    return translate("bot.export.period", lang, first=first, last=last, zone=zone)


# English and German words alike, as for /ticket.
ADMIN_SUBCOMMANDS: dict[str, Subcommand] = {
    "grant": grant,
    "vergeben": grant,
    "revoke": revoke,
    "entziehen": revoke,
    "roles": roles,
    "rollen": roles,
    "outbox": outbox,
    "postausgang": outbox,
    "delete": delete,
    "löschen": delete,
    "export": export,
    "teams": teams,
    "replies": replies_command,
    "textbausteine": replies_command,
    "help": admin_help,
    "hilfe": admin_help,
}
# The words after a subcommand: `outbox retry`, the German role labels.
RETRY = frozenset({"retry", "wiederholen"})
ROLE_WORDS = {"anwender": "user", "administrator": "admin"}
