"""`/ticket`: parse the words, call the core, answer ephemerally; the words and answers
`/ticket-admin` (`bot.listeners.admin`) shares."""

from __future__ import annotations

import difflib
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from datetime import UTC, datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot import blocks
from bot.blocks.assignment_stats import assignment_section
from bot.blocks.retyping import desk_names, type_name
from bot.incoming import SlashCommand
from bot.list_words import (
    PERSON_VALUE,
    ListRequest,
    Unaccepted,
    accepted_values,
    read_list_words,
)
from bot.listener_turn import Kind, Turn, listener
from bot.listeners.forms import form_for, origin_channel
from bot.manifest import TICKET_COMMAND
from bot.mrkdwn import decode_incoming, escape
from bot.words import translate
from flashticket_core import charts
from flashticket_core.domain.model import TITLE_MAX
from flashticket_core.domain.permissions import Action
from flashticket_core.i18n import Language
from flashticket_core.service_layer.dashboard import Statistics
from flashticket_core.service_layer.queries import MAX_STATS_DAYS
from flashticket_core.service_layer.search_terms import MAX_FIELD_FILTERS

log = logging.getLogger(__name__)

Subcommand = Callable[[Turn, list[str]], None]


def register(app: App) -> None:
    app.command(TICKET_COMMAND)(listener(Kind.COMMAND)(ticket_command))


# Slack's markup (`<@U123|Sam Smith>`) is one word, even when the name in it has spaces.
WORD = re.compile(r"<[^<>]*>|\S+")


def words_of(turn: Turn) -> list[str]:
    return WORD.findall(turn.expect(SlashCommand).text)


def unknown_word(
    turn: Turn, word: str, known: Iterable[str], help_key: str, *, meant: str | None = None
) -> None:
    close = [meant] if meant else difflib.get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    suggestion = turn.t("bot.did_you_mean", suggestion=close[0]) if close else ""
    shown = escape(decode_incoming(word)[:40])
    text = turn.t("bot.unknown_subcommand", word=shown, suggestion=suggestion)
    help_text = _ticket_help_text(turn) if help_key == "bot.help" else turn.t(help_key)
    turn.say(text + "\n\n" + help_text)


def usage(turn: Turn, usage: str) -> None:
    turn.say(turn.t("bot.usage", usage=escape(usage)))


def ticket_id_of(word: str) -> int | None:
    digits = word.removeprefix("#")
    # isdecimal, not isdigit: "²".isdigit() is true and int("²") fails.
    return int(digits) if digits.isdecimal() and len(digits) < 10 else None


# -- /ticket ----------------------------------------------------------------


def ticket_command(turn: Turn) -> None:
    words = words_of(turn)
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
        unknown_word(turn, words[0], TICKET_SUBCOMMANDS, "bot.help", meant=meant)
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
    kinds, meta = form_for(turn.desk.env.structure, origin_channel(turn))
    modal = blocks.new_ticket_modal(
        turn.lang,
        title=title,
        description=description,
        source=meta or None,
        kinds=kinds,
        on_behalf=turn.may(Action.OPEN_ON_BEHALF),
    )
    turn.open_modal(modal)


def list_tickets(turn: Turn, words: list[str]) -> None:
    """`/ticket list [filters] [page <n>]` (the words of `bot.list_words`): LIST_PAGE
    tickets a page, and the command for the next page under the last one."""
    teams = turn.desk.env.teams
    request = read_list_words(words, teams)
    if isinstance(request, Unaccepted):
        _refuse_list_words(turn, request, teams)
        return
    number = request.page
    queue = turn.may(Action.FILTER_OTHERS) and not request.mine
    offset = (number - 1) * LIST_PAGE
    page = turn.desk.queries.list_tickets(
        turn.actor,
        queue=queue,
        team=request.team,
        status=request.status,
        priority=request.priority,
        unassigned=request.unassigned,
        limit=LIST_PAGE,
        offset=offset,
        fields=request.fields,
    )
    pages = max(1, -(-page.total // LIST_PAGE))
    if number > pages:
        turn.say(turn.t("bot.list.no_page", page=number, pages=pages))
        return
    # A field's value is as the person typed it: plain in the header, escaped elsewhere.
    written = " ".join(request.words(turn.lang))
    filters = escape(written)
    if request.filtered:
        title = turn.t("bot.list.filtered.title", filters=filters, total=page.total)
        header = turn.t("bot.list.filtered.title", filters=written, total=page.total)
    else:
        key = "bot.list.queue.title" if queue else "bot.list.mine.title"
        title = header = turn.t(key, total=page.total)
    footer = turn.t("bot.list.page", page=number, pages=pages) if pages > 1 else ""
    left = page.total - offset - len(page.items)
    if left > 0:
        command = turn.t("bot.list.next.filtered", filters=filters, page=number + 1)
        if not request.filtered:
            key = "bot.list.next.mine" if request.mine else "bot.list.next.all"
            command = turn.t(key, page=number + 1)
        footer += " " + turn.t("bot.list.next", count=left, command=command)
    turn.say(title, blocks.ticket_page(turn.lang, header, page.items, footer))


def _refuse_list_words(turn: Turn, refused: Unaccepted, teams: tuple[str, ...]) -> None:
    """Say what is wrong with a word of `/ticket list` and what the list takes."""
    shown = escape(decode_incoming(refused.word)[:40])
    meant = refused.suggestion and escape(decode_incoming(refused.suggestion)[:60])
    suggestion = turn.t("bot.did_you_mean", suggestion=meant) if meant else ""
    if refused.key is not None:
        value = escape(decode_incoming(refused.word.partition(":")[2])[:40])
        accepted = ", ".join(f"`{v}`" for v in accepted_values(refused.key, turn.lang, teams))
        key = f"bot.list.unknown.{refused.key}"
        turn.say(turn.t(key, value=value, suggestion=suggestion, accepted=accepted))
        return
    lines = [turn.t("bot.usage", usage=escape(turn.t("bot.usage.list")))]
    lines.append(turn.t("bot.list.filters", teams=", ".join(f"`{t}`" for t in teams)))
    if refused.problem == "word":
        lines.insert(0, turn.t("bot.unknown_subcommand", word=shown, suggestion=suggestion))
    elif refused.problem == "twice":
        lines.insert(0, turn.t("bot.list.twice", word=shown))
    elif refused.problem == "field":
        lines.insert(0, turn.t("bot.list.field", word=shown, most=MAX_FIELD_FILTERS))
    turn.say("\n".join(lines))


def show_ticket(turn: Turn, words: list[str]) -> None:
    ticket_id = ticket_id_of(words[0]) if len(words) == 1 else None
    if ticket_id is None:
        usage(turn, turn.t("bot.usage.show"))
        return
    detail = turn.desk.queries.show(turn.actor, ticket_id)
    now = datetime.now(UTC)
    structure = turn.desk.env.structure
    shown = blocks.ticket_detail(
        turn.lang,
        detail,
        now=now,
        names=desk_names(structure),
        type_name=type_name(structure, detail.ticket.request_type),
    )
    turn.say(blocks.detail_text(detail), shown)


def search(turn: Turn, words: list[str]) -> None:
    query = decode_incoming(PERSON_VALUE.sub(r"\1\2", " ".join(words)))
    found = turn.desk.queries.search(turn.actor, query)
    # The list's header is plain text; the notification text is mrkdwn.
    header = turn.t("bot.search.title", query=query[:80], count=len(found))
    text = turn.t("bot.search.title", query=escape(query[:80]), count=len(found))
    turn.say(text, blocks.ticket_list(turn.lang, header, found))


def stats(turn: Turn, words: list[str]) -> None:
    """`/ticket stats [team] [days]`: a team's figures (by its id), else every team's."""
    numbers = [word for word in words if word.isascii() and word.isdecimal()]
    teams = [decode_incoming(word).lower() for word in words if word not in numbers]
    # Digits of other scripts or superscripts (`²`, `١٢`) are no number of days here,
    # and no team id either: the usage, not a team that does not exist.
    odd = any(c.isdigit() and not c.isascii() for word in words for c in word)
    if odd or len(numbers) > 1 or len(teams) > 1:
        usage(turn, turn.t("bot.usage.stats"))
        return
    days = int(numbers[0][:5]) if numbers else 30
    if not 1 <= days <= MAX_STATS_DAYS:
        turn.say(turn.t("bot.stats.bad_days", limit=MAX_STATS_DAYS))
        return
    team = teams[0] if teams else None
    result = turn.desk.queries.statistics(turn.actor, days=days, team=team)
    assigned = turn.desk.queries.assignment_figures(turn.actor, days=days, team=team)
    name = _team_name(turn, team)
    title = blocks.statistics_title(turn.lang, result, None if name is None else escape(name))
    shown = blocks.statistics(turn.lang, result, name)
    shown += assignment_section(turn.lang, assigned, result.period_days)
    turn.say(title, shown)
    background: Executor = turn.context["background"]
    background.submit(_upload_charts, turn.client, turn.lang, turn.actor, result)


def _team_name(turn: Turn, team: str | None) -> str | None:
    """The name of the team asked for, as the desk file writes it."""
    found = turn.desk.env.structure.team(team) if team is not None else None
    return found.name if found is not None else None


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
        tell_it_failed(client, lang, actor, "charts")


def tell_it_failed(client: WebClient, lang: Language, actor: str, what: str) -> None:
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
# The arguments each subcommand takes, roughly: what makes `/ticket shwo 1` a typo of
# `show` rather than the title of a new ticket.
TICKET_ARGUMENTS: dict[Subcommand, Callable[[list[str]], bool]] = {
    list_tickets: lambda words: isinstance(read_list_words(words, None), ListRequest),
    show_ticket: lambda words: len(words) == 1 and ticket_id_of(words[0]) is not None,
    search: bool,
    stats: lambda words: not words or (len(words) == 1 and words[0].isdecimal()),
    ticket_help: lambda words: not words,
}
# Tickets on a page of `/ticket list`.
LIST_PAGE = 20
