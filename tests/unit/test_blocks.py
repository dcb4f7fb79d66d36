"""Block Kit builders on their own: within Slack's limits, in both languages, with every
status's allowed transitions on the card."""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import blocks
from bot.blocks.answers import HISTORY_LABELS, history_label
from bot.blocks.common import SECTION_MAX, fitting_lines
from bot.blocks.ticket_view import status_label
from bot.incoming.objects import View
from bot.payloads import TicketSource, source_of_view
from flashticket_core.domain import model
from flashticket_core.domain.enums import TRANSITIONS, EntryKind, Priority, Role, Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.i18n import Language
from flashticket_core.service_layer.conversation import AttachedFile
from flashticket_core.service_layer.dashboard import Kpis, Statistics
from flashticket_core.service_layer.delivery.outgoing import Thread
from flashticket_core.service_layer.views import (
    Change,
    Entry,
    Home,
    HomeTicket,
    Page,
    TicketDetail,
    TicketSummary,
)

NOW = datetime(2026, 2, 3, 4, 5, tzinfo=UTC)


def state(status: Status = Status.NEW, **overrides: object) -> TicketSummary:
    values: dict[str, object] = {
        "id": 42,
        "title": "Drucker <druckt> nicht & piept",
        "description": "Seit Montag.",
        "status": status,
        "priority": Priority.HIGH,
        "reporter_id": "UREPORTER1",
        "assignee_id": None,
        "version": 3,
        "created_at": NOW,
        "updated_at": NOW,
        "deleted": False,
    }
    values.update(overrides)
    return TicketSummary(**values)  # type: ignore[arg-type]


def summary(ticket_id: int = 1, title: str = "t") -> TicketSummary:
    return TicketSummary(
        id=ticket_id,
        title=title,
        status=Status.NEW,
        priority=Priority.LOW,
        reporter_id="U1",
        assignee_id="U2",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


def all_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("status", list(Status))
def test_card_offers_exactly_the_allowed_transitions(lang: Language, status: Status) -> None:
    card = blocks.ticket_card(lang, state(status))
    actions = next(b for b in card if b["type"] == "actions")["elements"]
    by_id = {element["action_id"]: element for element in actions}
    offered = {option["value"].split("|")[1] for option in by_id[blocks.STATUS]["options"]}
    assert offered == {s.value for s in TRANSITIONS[status]}
    assert json.loads(by_id[blocks.REPLY]["value"]) == {"t": 42, "v": 3}
    assert {o["value"].split("|")[1] for o in by_id[blocks.PRIORITY]["options"]} == {
        "medium",
        "low",
    }
    assert len(by_id) == len(actions)  # action ids unique in the block


def test_card_escapes_user_text_and_names_people() -> None:
    card = blocks.ticket_card(
        Language.DE, state(assignee_id="USUPPORT1", status=Status.IN_PROGRESS)
    )
    text = all_text(card)
    assert "#42 Drucker <druckt> nicht & piept" in text  # the header is plain text
    assert "<@USUPPORT1>" in text
    assert "In Bearbeitung" in text
    assert "Hoch" in text
    assert "Übernehmen" not in text  # already taken: no "Take it" ...
    assert "Selbst übernehmen" in text
    assert "Zuweisung aufheben" in text


def test_deleted_card_has_no_buttons() -> None:
    card = blocks.ticket_card(Language.EN, state(deleted=True))
    assert all(b["type"] != "actions" for b in card)
    assert "deleted" in all_text(card)


def test_description_is_quoted_escaped_and_clipped() -> None:
    card = blocks.ticket_card(Language.EN, state(description="<b>&" * 1000))
    section = next(b for b in card if b.get("block_id") == "description")
    assert len(section["text"]["text"]) <= 3000
    assert "&lt;b&gt;&amp;" in section["text"]["text"]


@pytest.mark.parametrize("lang", list(Language))
def test_modals_fit_slacks_limits(lang: Language) -> None:
    modal = blocks.new_ticket_modal(lang, title="x" * 400)
    assert all(len(modal[key]["text"]) <= 24 for key in ("title", "submit", "close"))
    title = modal["blocks"][0]["element"]
    assert len(title["initial_value"]) == 150
    assert title["max_length"] == 150
    for kind in (EntryKind.SUPPORT_REPLY, EntryKind.INTERNAL_NOTE):
        entry = blocks.entry_modal(lang, ticket_id=7, kind=kind)
        assert len(entry["title"]["text"]) <= 24
        assert json.loads(entry["private_metadata"]) == {"t": 7}


@pytest.mark.parametrize("lang", list(Language))
def test_thread_texts_for_every_event(lang: Language) -> None:
    payloads = [
        {"event": "status", "actor": "U2", "old": "new", "new": "waiting"},
        {"event": "support_reply", "actor": "U2", "text": "<script>"},
        {"event": "reporter_reply", "actor": "U1", "text": "ok"},
        {"event": "internal_note", "actor": "U2", "text": "hm"},
        {"event": "rated", "actor": "U1", "rating": 5},
        {"event": "deleted", "actor": "U3"},
    ]
    for payload in payloads:
        [text] = blocks.thread_texts(lang, 9, payload, for_reporter=True)
        assert f"<@{payload['actor']}>" in text
        assert "<script>" not in text
    [german] = blocks.thread_texts(Language.DE, 9, payloads[0], for_reporter=True)
    if lang is Language.DE:
        assert "Neu" in german
        assert "Wartet auf Rückmeldung" in german
    with pytest.raises(ValueError, match="no text"):
        blocks.thread_texts(lang, 9, {"event": "bogus"}, for_reporter=True)


def test_long_list_stays_in_one_section_and_says_how_many_more() -> None:
    items = [summary(i, "x" * 150) for i in range(1, 201)]
    rendered = blocks.ticket_list(Language.EN, "Queue", Page(items=items, total=5000))
    section = rendered[1]["text"]["text"]
    assert len(section) <= 3000
    shown = section.count("\n") + 1
    assert rendered[-1]["elements"][0]["text"] == f"…and {5000 - shown} more."


def test_detail_shows_newest_lines_when_history_is_long() -> None:
    detail = TicketDetail(
        ticket=replace(summary(), description="d"),
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[
            Entry(i, EntryKind.SUPPORT_REPLY, "U2", f"reply {i} " + "y" * 200, NOW)
            for i in range(60)
        ],
        history=[Change("U2", "status", "new", "in_progress", NOW)],
    )
    rendered = blocks.ticket_detail(Language.EN, detail)
    conversation = next(b for b in rendered if "Conversation" in b.get("text", {}).get("text", ""))
    text = conversation["text"]["text"]
    assert len(text) <= 3000
    assert "reply 59" in text
    assert "earlier lines not shown" in text
    assert "New → In progress" in all_text(rendered)


def test_statistics_and_roles_render_in_german() -> None:
    stats = Statistics(
        Kpis(
            open_by_status={Status.NEW: 2, Status.IN_PROGRESS: 1, Status.WAITING: 0},
            open_by_priority={Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 0},
            opened_today=5,
            median_seconds_to_first_reply=None,
            median_seconds_to_resolve=90061,
            first_replies_in_period=0,
            resolved_in_period=4,
            period_days=30,
        )
    )
    text = all_text(blocks.statistics(Language.DE, stats))
    assert "Offen:* 3" in text
    assert "Heute eröffnet:* 5" in text
    assert "Median bis zur ersten Antwort:* k. A." in text
    assert "Gelöst:* 4" in text
    assert "1 Tag 1 Std." in text
    roles = all_text(
        blocks.roles(Language.DE, [("UA", Role.ADMIN, True), ("UB", Role.SUPPORT, False)])
    )
    assert "Administrator (FLASHTICKET_ADMINS" in roles
    assert "<@UB>: Support" in roles


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            Language.EN,
            ["*Status*\nNew", "*Priority*\nLow", "*Reporter*\n<@U1>", "*Assignee*\n<@U2>"],
        ),
        (
            Language.DE,
            ["*Status*\nNeu", "*Priorität*\nNiedrig", "*Anwender*\n<@U1>", "*Bearbeiter*\n<@U2>"],
        ),
    ],
)
def test_show_labels_its_fields_as_the_card_does(lang: Language, labels: list[str]) -> None:
    detail = TicketDetail(
        ticket=summary(title="Printer on fire"),
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[],
        history=[Change("U2", "status", "in_progress", "new", NOW)],
    )
    rendered = blocks.ticket_detail(lang, detail)
    fields = next(b for b in rendered if b.get("block_id") == "summary")["fields"]
    assert [field["text"] for field in fields] == labels
    card = blocks.ticket_card(lang, state(status=Status.NEW, priority="low", reporter_id="U1"))
    card_labels = [f["text"].split("\n")[0] for f in card[1]["fields"]]
    assert card_labels == [label.split("\n")[0] for label in labels]
    # The current status comes first, under its label; the history comes after.
    text = all_text(rendered)
    assert text.index(labels[0].replace("\n", "\\n")) < text.index("→")


def test_a_long_entry_is_split_into_numbered_parts_within_slacks_limit() -> None:
    payload = {"event": "reporter_reply", "actor": "UREPORTER1", "text": "<a & b> " * 2000}
    parts = blocks.thread_texts(Language.EN, 9, payload, for_reporter=False)
    assert len(parts) > 1
    assert all(len(part) <= 3000 for part in parts)
    assert [part.split(":\n")[0] for part in parts] == [
        f"<@UREPORTER1> (reporter) wrote ({n}/{len(parts)})" for n in range(1, len(parts) + 1)
    ]
    [short] = blocks.thread_texts(Language.EN, 9, {**payload, "text": "ok"}, for_reporter=False)
    assert short == "<@UREPORTER1> (reporter) wrote:\n> ok"


def test_card_fallback_and_description_are_escaped_but_the_header_is_not() -> None:
    title = "<!channel> VPN <https://e.example|login>"
    card = blocks.ticket_card(Language.EN, state(title=title, description="x & <y>\n" * 600))
    assert card[0]["text"]["type"] == "plain_text"
    assert card[0]["text"]["text"] == f"#42 {title}"
    assert blocks.card_text(Language.EN, state(title=title)) == (
        "Ticket #42: &lt;!channel&gt; VPN &lt;https://e.example|login&gt; (New)"
    )
    description = next(b for b in card if b.get("block_id") == "description")["text"]["text"]
    assert len(description) <= 3000
    assert description.endswith("> x &amp; &lt;y&gt; …")


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("status", list(Status))
def test_every_surface_labels_a_status_as_the_view_model_does(
    lang: Language, status: Status
) -> None:
    label = status_label(lang, status)
    listed = replace(summary(), status=status)
    card = blocks.ticket_card(lang, state(status))
    assert card[1]["fields"][0]["text"].endswith(f"\n{label}")
    assert f"({label})" in blocks.card_text(lang, state(status))
    assert label in all_text(blocks.ticket_list(lang, "Queue", [listed]))
    detail = TicketDetail(
        ticket=listed,
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[],
        history=[],
    )
    assert blocks.ticket_detail(lang, detail)[1]["fields"][0]["text"].endswith(f"\n{label}")
    payload = {"event": "status", "actor": "U2", "old": "new", "new": status.value}
    [text] = blocks.thread_texts(lang, 42, payload, for_reporter=True)
    assert label in text


def test_fitting_lines_keep_whole_lines_first_or_newest_within_a_section() -> None:
    lines = [f"{n:04} " + "x" * 95 for n in range(100)]  # 100 characters each
    first = fitting_lines(lines)
    assert first == lines[: len(first)]
    newest = fitting_lines(lines, heading="h" * 500, newest=True)
    assert newest == lines[-len(newest) :]
    assert len(newest) < len(first) < len(lines)
    assert len("\n".join(first)) + 100 <= SECTION_MAX
    assert len("h" * 500 + "\n" + "\n".join(newest)) + 100 <= SECTION_MAX
    assert fitting_lines(["y" * SECTION_MAX, "short"]) == []  # never skips a line


@pytest.mark.parametrize("name", ["🖨️🔥" * 60, "打印机卡纸的照片" * 20, '"\\\x01' * 40])
def test_a_modal_from_a_message_with_ten_oddly_named_files_fits_private_metadata(
    name: str,
) -> None:
    """Slack keeps 3,000 characters of private_metadata; ten files named in emoji or
    CJK went past it (JSON writes each as \\u escapes) and the person got an apology."""
    files = tuple(
        AttachedFile(chat_file_id=f"F0FILE{n:04d}", name=name, size=1000 + n) for n in range(10)
    )
    source = TicketSource(
        MessageSource("C0GENERAL1", "1700000000.000100", "1700000000.000100"), "UALICE0001", files
    )
    modal = blocks.new_ticket_modal(Language.EN, title="t", source=source.metadata())
    assert len(modal["private_metadata"]) <= 3000
    back = source_of_view(View.model_validate(modal))
    assert back is not None
    assert [(f.chat_file_id, f.size) for f in back.files] == [
        (f.chat_file_id, f.size) for f in files
    ]
    assert all(name.startswith(f.name) or f.name == f.chat_file_id for f in back.files)


def _actions_block_id(rendered: list[dict[str, object]]) -> object:
    return next(b for b in rendered if b["type"] == "actions")["block_id"]


def test_each_version_of_the_card_and_each_changed_home_gets_new_block_ids() -> None:
    """Slack asks for a new block_id when a message is updated; with the same one a
    client keeps showing the last choice made in the card's selects."""
    before = blocks.ticket_card(Language.EN, state(Status.NEW, version=3))
    after = blocks.ticket_card(Language.EN, state(Status.IN_PROGRESS, version=4))
    assert _actions_block_id(before) != _actions_block_id(after)

    def home(*titles: str) -> list[dict[str, object]]:
        tickets = [HomeTicket(summary(n + 1, title), None) for n, title in enumerate(titles)]
        page = Page(items=[t.ticket for t in tickets], total=len(tickets))
        data = Home(
            is_support=False,
            my_open=page,
            my_recently_finished=[],
            my_open_with_replies=tickets,
        )
        view: list[dict[str, object]] = blocks.home(Language.EN, data)["blocks"]
        return view

    assert _actions_block_id(home("Printer")) == _actions_block_id(home("Printer"))
    assert _actions_block_id(home("Printer")) != _actions_block_id(home("Printer", "VPN"))


OPENED_FOR = {
    "actor": "UOPENER001",
    "source": {
        "channel": "C0GENERAL1",
        "ts": "1700000000.000200",
        "thread_ts": "1700000000.000200",
    },
}


@pytest.mark.parametrize("lang", list(Language))
def test_the_root_of_a_ticket_opened_for_someone_names_who_and_links_the_message(
    lang: Language,
) -> None:
    ticket = state(description="Pay <!here> & <https://x.example|here>")
    text = blocks.opened_for_root_text(lang, ticket, OPENED_FOR)
    assert text.startswith("<@UOPENER001> ")
    assert "<https://slack.com/archives/C0GENERAL1/p1700000000000200|" in text
    assert "<#C0GENERAL1>" in text
    rendered = blocks.opened_for_root_blocks(lang, ticket, OPENED_FOR, text)
    assert rendered[1]["text"]["text"] == (
        "*Drucker &lt;druckt&gt; nicht &amp; piept*\n"
        "> Pay &lt;!here&gt; &amp; &lt;https://x.example|here&gt;"
    )
    button = rendered[2]["elements"][0]
    assert (button["action_id"], json.loads(button["value"])) == (
        "reporter.withdraw",
        {"t": 42, "v": 3},
    )
    assert blocks.opened_for_you(ticket, OPENED_FOR)
    assert not blocks.opened_for_you(ticket, {"actor": "UREPORTER1"})


@pytest.mark.parametrize(
    "source",
    [
        {"channel": "C0GENERAL1>|<!here", "ts": "1700000000.000200"},
        {"channel": "C0GENERAL1", "ts": "1700000000.000200|x"},
        {"channel": "C0GENERAL1\n", "ts": "1700000000.000200"},
        {},
    ],
)
def test_a_root_links_no_message_whose_place_is_not_as_slack_writes_it(
    source: dict[str, str],
) -> None:
    text = blocks.opened_for_root_text(
        Language.EN, state(), {"actor": "UOPENER001", "source": source}
    )
    assert "<http" not in text
    assert "<!here" not in text
    assert "from your message." in text


def history_fields_the_domain_writes() -> set[str]:
    """Every field name the ticket's history is written with (domain/model/), read
    from its source so that a field added later is checked too."""
    package = Path(inspect.getfile(model)).parent
    source = "".join(path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py")))
    return set(re.findall(r'HistoryEntry\(\s*actor_id=\w+,\s*field="(\w+)"', source)) | set(
        re.findall(r'self\._changed\(\s*"(\w+)"', source)
    )


def test_every_history_field_has_words_in_both_languages() -> None:
    fields = history_fields_the_domain_writes()
    assert {"created", "status", "assignee", "entry_edited", "rating"} <= fields
    assert fields <= set(HISTORY_LABELS)
    for lang in Language:
        labels = {history_label(lang, field) for field in fields}
        assert len(labels) == len(fields)
        assert not labels & fields


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            Language.EN,
            [
                "Opened: – → New",
                "Assignee: – → <@U2>",
                "Message edited: It jams → It smokes",
                "Message withdrawn: It smokes → –",
            ],
        ),
        (
            Language.DE,
            [
                "Eröffnet: – → Neu",
                "Bearbeiter: – → <@U2>",
                "Nachricht bearbeitet: It jams → It smokes",
                "Nachricht zurückgezogen: It smokes → –",
            ],
        ),
    ],
)
def test_show_tells_the_history_in_words_never_field_names(
    lang: Language, lines: list[str]
) -> None:
    detail = TicketDetail(
        ticket=summary(title="Printer"),
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[],
        history=[
            Change("U1", "created", None, "new", NOW),
            Change("U2", "assignee", None, "U2", NOW),
            Change("U1", "entry_edited", "It jams", "It smokes", NOW),
            Change("U1", "entry_withdrawn", "It smokes", None, NOW),
            Change("U1", "something_new", "x", "y", NOW),
        ],
    )
    text = all_text(blocks.ticket_detail(lang, detail))
    for line in lines:
        assert line in text
    for internal in ("created", "assignee", "entry_edited", "entry_withdrawn", "something_new"):
        assert internal not in text


@pytest.mark.parametrize("status", [s for s in Status if s.is_open])
def test_the_card_offers_take_it_only_while_nobody_holds_the_ticket(status: Status) -> None:
    def actions(ticket: TicketSummary) -> dict[str, dict[str, object]]:
        card = blocks.ticket_card(Language.EN, ticket)
        found = next(b for b in card if b["type"] == "actions")["elements"]
        return {e["action_id"]: e for e in found}

    free = actions(state(status))
    assert free[blocks.TAKE]["text"]["text"] == "Take it"  # type: ignore[index]
    assert blocks.UNASSIGN not in free
    held = actions(state(status, assignee_id="USAM"))
    assert blocks.TAKE not in held
    assert held[blocks.TAKE_OVER]["text"]["text"] == "Take over"  # type: ignore[index]
    for action_id in (blocks.TAKE_OVER, blocks.UNASSIGN):
        assert json.loads(str(held[action_id]["value"])) == {"t": 42, "v": 3, "h": "USAM"}
    finished = actions(state(Status.CLOSED, assignee_id="USAM"))
    assert blocks.TAKE_OVER not in finished
    assert blocks.UNASSIGN not in finished


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            Language.EN,
            [
                "<@U1> (reporter) reopened *#9*: Resolved → *In progress*",
                "*#9* was closed by itself, a while after it was resolved.",
                "<@U1> (reporter) wrote on *#9* (status: *Closed*). Reopen it if they still "
                "need help.",
                "<@U2> took *#9* over from <@U3>.",
                "<@U2> took <@U3> off *#9*; nobody holds it now.",
                "<@U2> gave *#9* from <@U3> to <@U4>.",
            ],
        ),
        (
            Language.DE,
            [
                "<@U1> (Anwender) hat *#9* wieder geöffnet: Gelöst → *In Bearbeitung*",
                "*#9* wurde von selbst geschlossen, eine Weile nachdem es gelöst wurde.",
                "<@U1> (Anwender) hat zu *#9* geschrieben (Status: *Geschlossen*). Öffnen Sie "
                "es wieder, wenn noch Hilfe nötig ist.",
                "<@U2> hat *#9* von <@U3> übernommen.",
                "<@U2> hat <@U3> von *#9* abgezogen; niemand bearbeitet es jetzt.",
                "<@U2> hat *#9* von <@U3> an <@U4> übergeben.",
            ],
        ),
    ],
)
def test_the_cards_thread_hears_what_support_did_not_do(lang: Language, texts: list[str]) -> None:
    payloads = [
        {"event": "status", "actor": "U1", "old": "resolved", "new": "in_progress"},
        {
            "event": "status",
            "actor": "system",
            "old": "resolved",
            "new": "closed",
            "reason": "auto_close",
        },
        {"event": "late_answer", "actor": "U1", "status": "closed"},
        {"event": "took_over", "actor": "U2", "old": "U3", "new": "U2"},
        {"event": "unassigned", "actor": "U2", "old": "U3", "new": None},
        {"event": "reassigned", "actor": "U2", "old": "U3", "new": "U4"},
    ]
    told = [blocks.thread_texts(lang, 9, p, for_reporter=False) for p in payloads]
    assert told == [[text] for text in texts]


def test_the_assignee_is_told_by_dm_with_the_ticket_and_a_link_to_its_card() -> None:
    ticket = state(Status.IN_PROGRESS, assignee_id="U3")
    thread = Thread(support_channel="C0SUPPORT1", support_ts="1700000000.000100")
    reopen = {"event": "status", "actor": "U1", "old": "resolved", "new": "in_progress"}
    assert blocks.person_text(Language.EN, ticket, thread, reopen) == (
        "*#42* “Drucker &lt;druckt&gt; nicht &amp; piept”, which you hold: <@U1> (reporter) "
        "reopened *#42*: Resolved → *In progress* "
        "<https://slack.com/archives/C0SUPPORT1/p1700000000000100|Open the card>"
    )
    took = {"event": "took_over", "actor": "U2", "old": "U3", "new": "U2"}
    assert blocks.person_text(Language.DE, ticket, Thread(), took) == (
        "<@U2> hat *#42* „Drucker &lt;druckt&gt; nicht &amp; piept“ von Ihnen übernommen."
    )
    given = {"event": "assigned", "actor": "U2", "user": "U3"}
    assert blocks.person_text(Language.EN, ticket, Thread(), given) == (
        "<@U2> assigned *#42* “Drucker &lt;druckt&gt; nicht &amp; piept” to you."
    )


@pytest.mark.parametrize("lang", list(Language))
def test_the_reporter_is_told_a_finished_ticket_is_finished(lang: Language) -> None:
    closed = state(Status.CLOSED)
    late = {"event": "late_answer", "actor": "U1", "status": "closed", "reopen": False}
    [text] = blocks.thread_texts(lang, 42, late, for_reporter=True)
    assert "`/ticket`" in text
    assert blocks.reporter_thread_blocks(lang, closed, late, text) is None
    may_reopen = late | {"reopen": True}
    [text] = blocks.thread_texts(lang, 42, may_reopen, for_reporter=True)
    offered = blocks.reporter_thread_blocks(lang, closed, may_reopen, text)
    assert offered is not None
    assert "reporter.reopen" in all_text(offered)
    # Reopened meanwhile: no stale button.
    assert blocks.reporter_thread_blocks(lang, state(Status.IN_PROGRESS), may_reopen, text) is None


def test_take_over_and_delete_questions_name_the_ticket_and_carry_what_was_asked() -> None:
    held = replace(summary(7, "Drucker <kaputt>"), assignee_id="USAM")
    question = blocks.take_over_question(Language.EN, "<@USAM> holds #7 — take it over?", held)
    (take_over,) = next(b for b in question if b["type"] == "actions")["elements"]
    assert take_over["action_id"] == blocks.CONFIRM_TAKE_OVER
    assert json.loads(take_over["value"]) == {"t": 7, "v": 1, "h": "USAM"}
    asked = blocks.delete_question(Language.DE, held)
    assert "*#7* „Drucker &lt;kaputt&gt;“ löschen?" in all_text(asked)
    delete, cancel = next(b for b in asked if b["type"] == "actions")["elements"]
    assert (delete["action_id"], delete["style"]) == (blocks.DELETE, "danger")
    assert (cancel["action_id"], cancel["text"]["text"]) == (blocks.DELETE_CANCEL, "Abbrechen")
