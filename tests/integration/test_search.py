"""`/ticket search`: ranking, word prefixes, both languages, and who may find what."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from flashticket_core.domain.enums import Status
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock


def found(desk: HelpDesk, actor: str, words: str) -> list[int]:
    return [ticket.id for ticket in desk.queries.search(actor, words)]


def test_title_matches_first_then_newest_first(desk: HelpDesk, clock: Clock) -> None:
    old_title = desk.tickets.open_ticket(ALICE, title="Printer jams", description="paper").id
    clock.advance(minutes=1)
    in_description = desk.tickets.open_ticket(
        ALICE, title="Office", description="the printer jams every morning"
    ).id
    clock.advance(minutes=1)
    new_title = desk.tickets.open_ticket(ALICE, title="Printer jams again").id
    clock.advance(minutes=1)
    in_reply = desk.tickets.open_ticket(ALICE, title="Paper").id
    desk.conversation.add_support_reply(SUPPORT, in_reply, "Is the printer showing jams?")
    clock.advance(minutes=1)
    desk.tickets.open_ticket(ALICE, title="Printer is slow")  # not every word: not found

    assert found(desk, SUPPORT, "printer jams") == [
        new_title,
        old_title,
        in_reply,
        in_description,
    ]
    # Any case; `word*` for the beginning of a word, whole words otherwise.
    assert found(desk, SUPPORT, "PRINT* Jam*") == found(desk, SUPPORT, "printer jams")
    assert found(desk, SUPPORT, "print jam") == []


def test_german_words_fold_case_and_umlauts(desk: HelpDesk) -> None:
    drucker = desk.tickets.open_ticket(ALICE, title="Drucker im Büro druckt nicht").id
    gruesse = desk.tickets.open_ticket(ALICE, title="Grüße", description="Überweisung hängt").id
    assert found(desk, ALICE, "drucker büro") == [drucker]
    assert found(desk, ALICE, "DRUCKER") == [drucker]
    assert found(desk, ALICE, "überweisung") == [gruesse]
    assert found(desk, ALICE, "hängt") == [gruesse]
    compound = desk.tickets.open_ticket(ALICE, title="Druckerproblem im Lager").id
    assert found(desk, ALICE, "druck*") == [compound, drucker]
    assert found(desk, ALICE, "dr*") == []  # too short for a prefix: a whole word


def test_a_user_finds_only_their_own_tickets_and_never_through_a_note(
    desk: HelpDesk,
) -> None:
    alices = desk.tickets.open_ticket(ALICE, title="VPN drops").id
    bobs = desk.tickets.open_ticket(BOB, title="VPN drops too").id
    desk.conversation.add_internal_note(SUPPORT, alices, "certificate expired on the gateway")
    desk.conversation.add_support_reply(SUPPORT, alices, "We renew the token today")
    desk.conversation.add_reporter_reply(ALICE, alices, "Thanks, the laptop is docked")

    assert found(desk, ALICE, "vpn") == [alices]
    assert found(desk, BOB, "vpn") == [bobs]
    assert found(desk, SUPPORT, "vpn") == [bobs, alices]
    # The internal note: support finds it, the reporter does not.
    assert found(desk, SUPPORT, "certificate gateway") == [alices]
    assert found(desk, ALICE, "certificate") == []
    # Public conversation is searched for the reporter too.
    assert found(desk, ALICE, "token") == [alices]
    assert found(desk, ALICE, "docked") == [alices]
    assert found(desk, BOB, "token") == []


def test_deleted_and_changed_tickets_follow_at_once(desk: HelpDesk) -> None:
    gone = desk.tickets.open_ticket(ALICE, title="Monitor flickers").id
    kept = desk.tickets.open_ticket(ALICE, title="Monitor stand").id
    desk.tickets.delete(ADMIN, gone)
    assert found(desk, SUPPORT, "monitor") == [kept]
    desk.tickets.change_status(SUPPORT, kept, Status.CLOSED)
    assert found(desk, ALICE, "monitor") == [kept]  # closed tickets stay findable


@pytest.mark.parametrize(
    "words",
    [
        'printer" OR *',
        "NEAR(printer jams)",
        "title:printer",
        "printer AND NOT jams",
        "-printer",
        "printer:*A & jams",
        "{title body notes}: printer",
        "' OR 1=1 --",
    ],
)
def test_query_syntax_in_the_words_is_just_words(desk: HelpDesk, words: str) -> None:
    """Operators of either database's query language are not interpreted."""
    ticket = desk.tickets.open_ticket(ALICE, title="Printer jams, title notes body").id
    results = found(desk, SUPPORT, words)
    assert results in ([ticket], [])


def test_no_words_is_a_clear_error(desk: HelpDesk) -> None:
    for words in ["", "   ", "!!! ---", "*"]:
        with pytest.raises(InvalidInput):
            desk.queries.search(ALICE, words)


def test_results_are_capped_and_long_input_is_cut(desk: HelpDesk) -> None:
    for number in range(30):
        desk.tickets.open_ticket(ALICE, title=f"Keyboard {number}")
    results = desk.queries.search(SUPPORT, "keyboard", limit=20)
    assert len(results) == 20
    assert results[0].title == "Keyboard 29"
    huge = " ".join(["keyboard"] + [f"w{n}" * 50 for n in range(200)])
    assert desk.queries.search(SUPPORT, huge) == []  # every term must match; no error


def test_documents_exist_for_live_tickets_only(desk: HelpDesk, engine: Engine) -> None:
    """The database keeps one document per live ticket, whatever wrote the ticket."""
    first = desk.tickets.open_ticket(ALICE, title="one").id
    desk.tickets.open_ticket(ALICE, title="two")
    desk.tickets.delete(ADMIN, first)
    column = "rowid" if engine.dialect.name == "sqlite" else "ticket_id"
    with engine.connect() as connection:
        ids = connection.execute(text(f"SELECT {column} FROM ticket_search")).scalars().all()
    assert sorted(ids) == [first + 1]
