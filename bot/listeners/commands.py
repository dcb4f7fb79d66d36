"""`/ticket` and `/ticket-admin`: parse the words, call the core, answer ephemerally."""

from __future__ import annotations

import difflib
import logging
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks, times
from bot.incoming import SlashCommand
from bot.listener_turn import Kind, Turn, listener
from bot.manifest import ADMIN_COMMAND, TICKET_COMMAND
from bot.mrkdwn import decode_incoming, escape
from bot.slack_ids import user_of_mention
from bot.words import translate
from flashticket_core import charts
from flashticket_core.domain.model import TITLE_MAX
from flashticket_core.domain.permissions import Action
from flashticket_core.errors import InvalidInput
from flashticket_core.i18n import Language
from flashticket_core.service_layer.common import parse_role
from flashticket_core.service_layer.dashboard import Statistics
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.queries import MAX_STATS_DAYS

log = logging.getLogger(__name__)

Subcommand = Callable[[Turn, list[str]], None]


def register(app: App) -> None:
    app.command(TICKET_COMMAND)(listener(Kind.COMMAND)(ticket_command))
    app.command(ADMIN_COMMAND)(listener(Kind.COMMAND)(admin_command))


# Slack's markup (`<@U123|Sam Smith>`) is one word, even when the name in it has spaces.
WORD = re.compile(r"<[^<>]*>|\S+")


def _words(turn: Turn) -> list[str]:
    return WORD.findall(turn.expect(SlashCommand).text)


def _unknown(
    turn: Turn, word: str, known: Iterable[str], help_key: str, *, meant: str | None = None
) -> None:
    close = [meant] if meant else difflib.get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    suggestion = turn.t("bot.did_you_mean", suggestion=close[0]) if close else ""
    shown = escape(decode_incoming(word)[:40])
    text = turn.t("bot.unknown_subcommand", word=shown, suggestion=suggestion)
    help_text = _ticket_help_text(turn) if help_key == "bot.help" else turn.t(help_key)
    turn.say(text + "\n\n" + help_text)


def _usage(turn: Turn, usage: str) -> None:
    turn.say(turn.t("bot.usage", usage=escape(usage)))


def _ticket_id(word: str) -> int | None:
    digits = word.removeprefix("#")
    # isdecimal, not isdigit: "²".isdigit() is true and int("²") fails.
    return int(digits) if digits.isdecimal() and len(digits) < 10 else None


# -- /ticket ----------------------------------------------------------------


def ticket_command(turn: Turn) -> None:
    words = _words(turn)
    if not words:
        open_new_ticket_modal(turn, title="")
        return
    subcommand = TICKET_SUBCOMMANDS.get(words[0].lower())
    meant = _mistyped_subcommand(words)
    if subcommand is not None:
        subcommand(turn, words[1:])
    elif meant is not None or (
        len(words) == 1
        and difflib.get_close_matches(words[0].lower(), TICKET_SUBCOMMANDS, cutoff=0.6)
    ):
        _unknown(turn, words[0], TICKET_SUBCOMMANDS, "bot.help", meant=meant)
    else:
        # Anything else is the title of a new ticket: `/ticket Printer on fire`. One too
        # long for a title fills the description too, so no word is lost.
        title = decode_incoming(" ".join(words))
        whole = decode_incoming(turn.expect(SlashCommand).text.strip())
        description = whole if len(title) > TITLE_MAX else ""
        open_new_ticket_modal(turn, title=title, description=description)


def _mistyped_subcommand(words: list[str]) -> str | None:
    """The subcommand `words` most likely meant, when the first word is a near miss of
    one (`shwo`, `lsit`) and the rest fits that subcommand's arguments (`shwo 1`);
    `/ticket Lost password` stays a title: `password` is no argument of `list`."""
    first, rest = words[0].lower(), words[1:]
    near = sorted(
        (distance, name)
        for name, subcommand in TICKET_SUBCOMMANDS.items()
        if 0 < (distance := _edit_distance(first, name)) <= (1 if len(name) <= 5 else 2)
        # Any words are a search's: only one letter off makes `search` the one meant.
        and TICKET_ARGUMENTS[subcommand](rest)
        and (subcommand is not search or distance == 1)
    )
    return near[0][1] if near else None


def _edit_distance(a: str, b: str) -> int:
    """Letters to insert, delete, change or swap with a neighbour to make `a` into `b`."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def ticket_help(turn: Turn, _words: list[str]) -> None:
    turn.say(_ticket_help_text(turn))


def _ticket_help_text(turn: Turn) -> str:
    """The commands, then the other ways to open a ticket: the message shortcut, and the
    reaction unless FLASHTICKET_TICKET_EMOJI turns it off."""
    lines = [turn.t("bot.help"), turn.t("bot.help.shortcut")]
    emoji = turn.context.get("ticket_emoji")
    if emoji:
        lines.append(turn.t("bot.help.reaction", emoji=emoji))
    return "\n".join(lines)


def open_new_ticket_modal(turn: Turn, *, title: str, description: str = "") -> None:
    if turn.refused_as_external():
        return
    # The trigger expires 3 s after the click: acknowledge and open straight away.
    turn.ack()
    try:
        turn.client.views_open(
            trigger_id=turn.payload.trigger_id,
            view=blocks.new_ticket_modal(turn.lang, title=title, description=description),
        )
    except SlackApiError as error:
        log.warning(
            "views.open failed: %s",
            error.response.get("error"),
            extra={"slack_error": error.response.get("error")},
        )
        turn.say(turn.t("bot.oops", error_id=str(error.response.get("error"))))


def list_tickets(turn: Turn, words: list[str]) -> None:
    """`/ticket list [mine] [page <n>]`: LIST_PAGE tickets a page, and the command for
    the next page under the last one."""
    arguments = _list_arguments(words)
    if arguments is None:
        _usage(turn, turn.t("bot.usage.list"))
        return
    mine, number = arguments
    queue = turn.may(Action.FILTER_OTHERS) and not mine
    offset = (number - 1) * LIST_PAGE
    page = turn.desk.queries.list_tickets(turn.actor, queue=queue, limit=LIST_PAGE, offset=offset)
    pages = max(1, -(-page.total // LIST_PAGE))
    if number > pages:
        turn.say(turn.t("bot.list.no_page", page=number, pages=pages))
        return
    key = "bot.list.queue.title" if queue else "bot.list.mine.title"
    title = turn.t(key, total=page.total)
    footer = turn.t("bot.list.page", page=number, pages=pages) if pages > 1 else ""
    left = page.total - offset - len(page.items)
    if left > 0:
        command = turn.t("bot.list.next.mine" if mine else "bot.list.next.all", page=number + 1)
        footer += " " + turn.t("bot.list.next", count=left, command=command)
    turn.say(title, blocks.ticket_page(turn.lang, title, page.items, footer))


def _list_arguments(words: list[str]) -> tuple[bool, int] | None:
    """`mine` and `page <n>`, each at most once and in any order, as (mine, page
    number); None if the words are anything else."""
    rest = [word.lower() for word in words]
    mine, number = False, 0
    while rest:
        if rest[0] in MINE and not mine:
            mine, rest = True, rest[1:]
        elif rest[0] in PAGE and not number and len(rest) > 1 and _page_number(rest[1]):
            number, rest = _page_number(rest[1]), rest[2:]
        else:
            return None
    return mine, number or 1


def _page_number(word: str) -> int:
    """A page's number, or 0 for a word that is none."""
    return int(word) if word.isdecimal() and len(word) <= 6 else 0


def show_ticket(turn: Turn, words: list[str]) -> None:
    ticket_id = _ticket_id(words[0]) if len(words) == 1 else None
    if ticket_id is None:
        _usage(turn, turn.t("bot.usage.show"))
        return
    detail = turn.desk.queries.show(turn.actor, ticket_id)
    now = datetime.now(UTC)
    turn.say(blocks.detail_text(detail), blocks.ticket_detail(turn.lang, detail, now=now))


def search(turn: Turn, words: list[str]) -> None:
    query = decode_incoming(" ".join(words))
    found = turn.desk.queries.search(turn.actor, query)
    # The list's header is plain text; the notification text is mrkdwn.
    header = turn.t("bot.search.title", query=query[:80], count=len(found))
    text = turn.t("bot.search.title", query=escape(query[:80]), count=len(found))
    turn.say(text, blocks.ticket_list(turn.lang, header, found))


def stats(turn: Turn, words: list[str]) -> None:
    days = 30
    if words:
        if not words[0].isdecimal() or len(words) > 1:
            _usage(turn, turn.t("bot.usage.stats"))
            return
        days = int(words[0][:5])
        if not 1 <= days <= MAX_STATS_DAYS:
            turn.say(turn.t("bot.stats.bad_days", limit=MAX_STATS_DAYS))
            return
    result = turn.desk.queries.statistics(turn.actor, days=days)
    turn.say(
        turn.t("bot.stats.title", days=result.period_days), blocks.statistics(turn.lang, result)
    )
    background: Executor = turn.context["background"]
    background.submit(_upload_charts, turn.client, turn.lang, turn.actor, result)


def _upload_charts(client: WebClient, lang: Language, actor: str, result: Statistics) -> None:
    """Draw the two charts and send them to the person who asked, in their DM."""
    try:
        channel = client.conversations_open(users=actor)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            initial_comment=translate("bot.stats.charts", lang, days=result.period_days),
            file_uploads=[
                {
                    "content": charts.status_per_month_png(result, lang),
                    "filename": "tickets-by-status-per-month.png",
                    "title": translate("chart.status_per_month", lang),
                },
                {
                    "content": charts.priority_pie_png(result, lang),
                    "filename": "open-tickets-by-priority.png",
                    "title": translate("chart.priorities", lang),
                },
            ],
        )
    except Exception:
        _tell_it_failed(client, lang, actor, "charts")


# -- /ticket-admin ------------------------------------------------------------


def admin_command(turn: Turn) -> None:
    words = _words(turn) or ["help"]
    subcommand = ADMIN_SUBCOMMANDS.get(words[0].lower())
    if subcommand is None:
        _unknown(turn, words[0], ADMIN_SUBCOMMANDS, "bot.admin.help")
    else:
        subcommand(turn, words[1:])


def admin_help(turn: Turn, _words: list[str]) -> None:
    turn.say(turn.t("bot.admin.help"))


def roles(turn: Turn, _words: list[str]) -> None:
    listing = turn.desk.roles.list_roles(turn.actor)
    turn.say(turn.t("bot.roles.title"), blocks.roles(turn.lang, listing))


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
    if len(words) != 2:
        _usage(turn, turn.t("bot.usage.grant"))
        return
    user, role = _user(turn, words), parse_role(ROLE_WORDS.get(words[1].lower(), words[1]))
    if user is None:
        return
    changed = turn.desk.roles.grant(turn.actor, user, role)
    key = "bot.roles.granted" if changed else "bot.roles.unchanged"
    turn.say(turn.t(key, user=user, role=turn.t(role.label_key)))


def revoke(turn: Turn, words: list[str]) -> None:
    if len(words) != 1:
        _usage(turn, turn.t("bot.usage.revoke"))
        return
    user = _user(turn, words)
    if user is None:
        return
    changed = turn.desk.roles.revoke(turn.actor, user)
    key = "bot.roles.granted" if changed else "bot.roles.unchanged"
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
    ticket_id = _ticket_id(words[0]) if len(words) == 1 else None
    if ticket_id is None:
        _usage(turn, turn.t("bot.usage.delete"))
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
        _tell_it_failed(client, lang, actor, "export")


def _export_period(lang: Language, since: datetime | None, until: datetime | None) -> str:
    """The period an export covers, and the zone its times are written in."""
    zone = times.desk_zone().key
    if since is None and until is None:
        return translate("bot.export.period.all", lang, zone=zone)
    first = "…" if since is None else times.plain_date(since, lang)
    last = "…" if until is None else times.plain_date(until, lang)
    return translate("bot.export.period", lang, first=first, last=last, zone=zone)


def _tell_it_failed(client: WebClient, lang: Language, actor: str, what: str) -> None:
    """Work done after the answer failed: the log says why, and the person who asked,
    who is waiting for a file, is told in their DM (with the same error id)."""
    error_id = uuid.uuid4().hex[:10]
    log.exception("error %s: the %s for %s could not be sent", error_id, what, actor)
    try:
        client.chat_postMessage(channel=actor, text=translate("bot.oops", lang, error_id=error_id))
    except Exception as error:
        log.warning(
            "error %s: %s could not even be told: %s", error_id, actor, type(error).__name__
        )


# The words of each subcommand, English and German alike, whatever the person's language
# (the help text in each language names its own words; "did you mean" knows both).
TICKET_SUBCOMMANDS: dict[str, Subcommand] = {
    "list": list_tickets,
    "liste": list_tickets,
    "show": show_ticket,
    "zeige": show_ticket,
    "search": search,
    "suche": search,
    "stats": stats,
    "statistik": stats,
    "help": ticket_help,
    "hilfe": ticket_help,
}
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
    "help": admin_help,
    "hilfe": admin_help,
}
# The arguments each subcommand takes, roughly: what makes `/ticket shwo 1` a typo of
# `show` rather than the title of a new ticket.
TICKET_ARGUMENTS: dict[Subcommand, Callable[[list[str]], bool]] = {
    list_tickets: lambda words: _list_arguments(words) is not None,
    show_ticket: lambda words: len(words) == 1 and _ticket_id(words[0]) is not None,
    search: bool,
    stats: lambda words: not words or (len(words) == 1 and words[0].isdecimal()),
    ticket_help: lambda words: not words,
}
# Tickets on a page of `/ticket list`.
LIST_PAGE = 20
# The words after a subcommand: `list mine`, `list page 2`, `outbox retry`, the German
# role labels.
MINE = frozenset({"mine", "meine"})
PAGE = frozenset({"page", "seite"})
RETRY = frozenset({"retry", "wiederholen"})
ROLE_WORDS = {"anwender": "user", "administrator": "admin"}
