"""`/ticket search`: ranking, word prefixes, both languages, and who may find what."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from flashticket_core.domain.enums import Status
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer.services import TicketService
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock


def found(service: TicketService, actor: str, words: str) -> list[int]:
    return [ticket.id for ticket in service.search(actor, words)]


def test_title_matches_first_then_newest_first(service: TicketService, clock: Clock) -> None:
    old_title = service.open_ticket(ALICE, title="Printer jams", description="paper").id
    clock.advance(minutes=1)
    in_description = service.open_ticket(
        ALICE, title="Office", description="the printer jams every morning"
    ).id
    clock.advance(minutes=1)
    new_title = service.open_ticket(ALICE, title="Printer jams again").id
    clock.advance(minutes=1)
    in_reply = service.open_ticket(ALICE, title="Paper").id
    service.add_support_reply(SUPPORT, in_reply, "Is the printer showing jams?")
    clock.advance(minutes=1)
    service.open_ticket(ALICE, title="Printer is slow")  # not every word: not found

    assert found(service, SUPPORT, "printer jams") == [
        new_title,
        old_title,
        in_reply,
        in_description,
    ]
    # Any case; `word*` for the beginning of a word, whole words otherwise.
    assert found(service, SUPPORT, "PRINT* Jam*") == found(service, SUPPORT, "printer jams")
    assert found(service, SUPPORT, "print jam") == []


def test_german_words_fold_case_and_umlauts(service: TicketService) -> None:
    drucker = service.open_ticket(ALICE, title="Drucker im Büro druckt nicht").id
    gruesse = service.open_ticket(ALICE, title="Grüße", description="Überweisung hängt").id
    assert found(service, ALICE, "drucker büro") == [drucker]
    assert found(service, ALICE, "DRUCKER") == [drucker]
    assert found(service, ALICE, "überweisung") == [gruesse]
    assert found(service, ALICE, "hängt") == [gruesse]
    compound = service.open_ticket(ALICE, title="Druckerproblem im Lager").id
    assert found(service, ALICE, "druck*") == [compound, drucker]
    assert found(service, ALICE, "dr*") == []  # too short for a prefix: a whole word


def test_a_user_finds_only_their_own_tickets_and_never_through_a_note(
    service: TicketService,
) -> None:
    alices = service.open_ticket(ALICE, title="VPN drops").id
    bobs = service.open_ticket(BOB, title="VPN drops too").id
    service.add_internal_note(SUPPORT, alices, "certificate expired on the gateway")
    service.add_support_reply(SUPPORT, alices, "We renew the token today")
    service.add_reporter_reply(ALICE, alices, "Thanks, the laptop is docked")

    assert found(service, ALICE, "vpn") == [alices]
    assert found(service, BOB, "vpn") == [bobs]
    assert found(service, SUPPORT, "vpn") == [bobs, alices]
    # The internal note: support finds it, the reporter does not.
    assert found(service, SUPPORT, "certificate gateway") == [alices]
    assert found(service, ALICE, "certificate") == []
    # Public conversation is searched for the reporter too.
    assert found(service, ALICE, "token") == [alices]
    assert found(service, ALICE, "docked") == [alices]
    assert found(service, BOB, "token") == []


def test_deleted_and_changed_tickets_follow_at_once(service: TicketService) -> None:
    gone = service.open_ticket(ALICE, title="Monitor flickers").id
    kept = service.open_ticket(ALICE, title="Monitor stand").id
    service.delete(ADMIN, gone)
    assert found(service, SUPPORT, "monitor") == [kept]
    service.change_status(SUPPORT, kept, Status.CLOSED)
    assert found(service, ALICE, "monitor") == [kept]  # closed tickets stay findable


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
def test_query_syntax_in_the_words_is_just_words(service: TicketService, words: str) -> None:
    """Operators of either database's query language are not interpreted."""
    ticket = service.open_ticket(ALICE, title="Printer jams, title notes body").id
    results = found(service, SUPPORT, words)
    assert results in ([ticket], [])


def test_no_words_is_a_clear_error(service: TicketService) -> None:
    for words in ["", "   ", "!!! ---", "*"]:
        with pytest.raises(InvalidInput):
            service.search(ALICE, words)


def test_results_are_capped_and_long_input_is_cut(service: TicketService) -> None:
    for number in range(30):
        service.open_ticket(ALICE, title=f"Keyboard {number}")
    results = service.search(SUPPORT, "keyboard", limit=20)
    assert len(results) == 20
    assert results[0].title == "Keyboard 29"
    huge = " ".join(["keyboard"] + [f"w{n}" * 50 for n in range(200)])
    assert service.search(SUPPORT, huge) == []  # every term must match; no error


def test_documents_exist_for_live_tickets_only(service: TicketService, engine: Engine) -> None:
    """The database keeps one document per live ticket, whatever wrote the ticket."""
    first = service.open_ticket(ALICE, title="one").id
    service.open_ticket(ALICE, title="two")
    service.delete(ADMIN, first)
    column = "rowid" if engine.dialect.name == "sqlite" else "ticket_id"
    with engine.connect() as connection:
        ids = connection.execute(text(f"SELECT {column} FROM ticket_search")).scalars().all()
    assert sorted(ids) == [first + 1]
