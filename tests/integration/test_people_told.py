"""Nobody is left out of the loop: a change support did not make is told in the card's
thread and to the assignee by DM (an edit of the card notifies nobody); a reporter who
writes on a finished ticket is told it is finished; a take-over and an unassign tell the
one who held the ticket. Delivered through the Slack transport to the fake Slack."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import Role, Status
from flashticket_core.domain.model import Ticket
from flashticket_core.errors import Conflict, HeldBySomeoneElse, InvalidInput
from flashticket_core.i18n import Language
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, SUPPORT
from tests.fakes.slack_api import FakeSlack
from tests.snapshots import snapshot

SAM = "USAM000001"


def worker_in(core: Core, slack: FakeSlack, lang: Language) -> DeliveryWorker:
    client = WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=1)
    return core.delivery_worker(SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=lang))


@pytest.fixture
def worker(core: Core, slack: FakeSlack) -> DeliveryWorker:
    return worker_in(core, slack, Language.EN)


def sent(slack: FakeSlack) -> list[tuple[str, str | None, str]]:
    """Every post: (where, under which message, what it says)."""
    return [
        (str(c.args["channel"]), c.args.get("thread_ts"), str(c.args["text"]))
        for c in slack.calls("chat.postMessage")
        if c.ok
    ]


def card_thread(slack: FakeSlack) -> list[str]:
    return [text for channel, thread, text in sent(slack) if channel == SUPPORT_CHANNEL and thread]


def dms_to(slack: FakeSlack, user: str) -> list[str]:
    """The DMs to `user` about a ticket (not the one that gave them their role)."""
    return [text for channel, _, text in sent(slack) if channel == user and "*#" in text]


def reporter_thread(slack: FakeSlack) -> list[str]:
    """The replies in the reporter's DM thread (a DM channel, under the root)."""
    return [text for channel, thread, text in sent(slack) if channel.startswith("D") and thread]


def close_by_clock(desk: HelpDesk, ticket_id: int, status: Status, reason: str) -> None:
    """As the sweep does it (tests/integration/test_timers.py fires the real timers)."""
    with desk.env.units() as uow:
        ticket = uow.tickets.get(ticket_id)
        assert isinstance(ticket, Ticket)
        ticket.change_status(status, actor_id=SYSTEM_ACTOR, now=ticket.updated_at, reason=reason)
        uow.commit()


@pytest.mark.parametrize(
    ("lang", "reopened", "about"),
    [
        (Language.EN, "(reporter) reopened *#1*: Resolved → *In progress*", "which you hold"),
        (Language.DE, "(Anwender) hat *#1* wieder geöffnet: Gelöst → *In Bearbeitung*", "das Sie"),
    ],
)
def test_a_reporters_reopen_is_told_in_the_cards_thread_and_to_the_assignee(
    core: Core, desk: HelpDesk, slack: FakeSlack, lang: Language, reopened: str, about: str
) -> None:
    worker = worker_in(core, slack, lang)
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.take(SUPPORT, ticket_id)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    worker.drain()
    assert card_thread(slack) == []  # support's own changes: the card shows them
    desk.tickets.reopen(ALICE, ticket_id)
    worker.drain()
    assert card_thread(slack) == [f"<@{ALICE}> {reopened}"]
    (dm,) = dms_to(slack, SUPPORT)
    assert about in dm
    assert reopened in dm


def test_the_clocks_resolve_and_close_are_told_in_the_thread_and_to_the_assignee(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.take(SUPPORT, ticket_id)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.WAITING)
    close_by_clock(desk, ticket_id, Status.RESOLVED, "waiting_resolve")
    close_by_clock(desk, ticket_id, Status.CLOSED, "auto_close")
    worker.drain()
    resolved = "*#1* was resolved by itself: the reporter did not answer while it waited."
    closed = "*#1* was closed by itself, a while after it was resolved."
    assert card_thread(slack) == [resolved, closed]
    assert [dm.split(": ", 1)[1].split(" <https")[0] for dm in dms_to(slack, SUPPORT)] == [
        resolved,
        closed,
    ]


@pytest.mark.parametrize("lang", list(Language))
def test_an_answer_on_a_closed_ticket_tells_the_reporter_and_support(
    core: Core, desk: HelpDesk, slack: FakeSlack, lang: Language
) -> None:
    worker = worker_in(core, slack, lang)
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.take(SUPPORT, ticket_id)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.CLOSED)
    worker.drain()
    slack.clear()
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "It broke again")
    worker.drain()
    (hint,) = reporter_thread(slack)
    # Closed by a person: the reporter may not reopen it, so they are shown the way on.
    if lang is Language.EN:
        assert hint.startswith("*#1* is closed; support has your message")
        assert "open a new ticket with `/ticket`" in hint
        late = f"<@{ALICE}> (reporter) wrote on *#1* (status: *Closed*)."
    else:
        assert hint.startswith("*#1* ist geschlossen; der Support hat Ihre Nachricht")
        assert "eröffnen Sie mit `/ticket` ein neues Ticket" in hint
        late = f"<@{ALICE}> (Anwender) hat zu *#1* geschrieben (Status: *Geschlossen*)."
    quoted, line = card_thread(slack)
    assert "It broke again" in quoted
    assert line.startswith(late)
    (dm,) = dms_to(slack, SUPPORT)
    assert late in dm
    assert desk.queries.show(SUPPORT, ticket_id).ticket.status is Status.CLOSED


def test_an_answer_on_a_resolved_ticket_offers_the_reporter_to_reopen_it(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    worker.drain()
    slack.clear()
    desk.conversation.add_reporter_reply(ALICE, ticket_id, "Still broken")
    worker.drain()
    (hint,) = [c for c in slack.calls("chat.postMessage") if str(c.args["channel"]).startswith("D")]
    assert hint.args["text"] == (
        "*#1* is resolved; support has your message. If the problem is not solved, reopen it."
    )
    actions = [
        e["action_id"] for b in hint.args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == ["reporter.reopen"]
    assert dms_to(slack, SUPPORT) == []  # nobody holds it: the card's thread is told


def test_taking_keeps_the_status_and_a_held_ticket_is_taken_over_only_when_asked(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, engine: Engine
) -> None:
    desk.roles.grant(ADMIN, SAM, Role.SUPPORT)
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.change_status(SUPPORT, ticket_id, Status.WAITING)
    assert desk.tickets.take(SUPPORT, ticket_id).status is Status.WAITING  # still waiting
    worker.drain()
    before = snapshot(engine)
    with pytest.raises(HeldBySomeoneElse) as asked:
        desk.tickets.take(SAM, ticket_id)
    assert asked.value.holder == SUPPORT
    assert asked.value.message("en") == f"{SUPPORT} holds #1 — take it over?"
    assert asked.value.message("de") == f"{SUPPORT} bearbeitet #1 — übernehmen?"
    # A take-over from someone who no longer holds it is asked again, about the holder.
    with pytest.raises(HeldBySomeoneElse):
        desk.tickets.take(SAM, ticket_id, take_over_from=ADMIN)
    assert snapshot(engine) == before

    taken = desk.tickets.take(SAM, ticket_id, take_over_from=SUPPORT)
    assert (taken.assignee_id, taken.status) == (SAM, Status.WAITING)
    worker.drain()
    assert card_thread(slack) == [f"<@{SAM}> took *#1* over from <@{SUPPORT}>."]
    (dm,) = dms_to(slack, SUPPORT)
    assert dm.startswith(f"<@{SAM}> took over *#1* “VPN” from you.")
    # Taking what one holds changes nothing.
    assert desk.tickets.take(SAM, ticket_id).version == taken.version


def test_unassign_takes_off_whom_the_actor_saw_and_tells_them(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack
) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    with pytest.raises(InvalidInput) as nobody:
        desk.tickets.unassign(ADMIN, ticket_id, holder=SUPPORT)
    assert nobody.value.message("en") == "Nobody holds #1; there is nobody to take off it."
    desk.tickets.take(SUPPORT, ticket_id)
    with pytest.raises(Conflict) as stale:
        desk.tickets.unassign(ADMIN, ticket_id, holder=ADMIN)
    assert stale.value.message("en") == (
        f"#1 is already In progress, held by {SUPPORT}; nothing was changed."
    )
    assert desk.tickets.unassign(ADMIN, ticket_id, holder=SUPPORT).assignee_id is None
    worker.drain()
    assert card_thread(slack) == [f"<@{ADMIN}> took <@{SUPPORT}> off *#1*; nobody holds it now."]
    assert dms_to(slack, SUPPORT)[0].startswith(f"<@{ADMIN}> took you off *#1* “VPN”.")


def test_an_old_reopen_says_the_ticket_is_open_already(desk: HelpDesk) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.take(SUPPORT, ticket_id)
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    desk.tickets.reopen(ALICE, ticket_id)
    with pytest.raises(Conflict) as again:
        desk.tickets.reopen(ALICE, ticket_id)
    assert again.value.message("en") == (
        f"#1 is already In progress, held by {SUPPORT}; nothing was changed."
    )
    assert again.value.message("de") == (
        f"#1 ist bereits „In Bearbeitung“, bearbeitet von {SUPPORT}; es wurde nichts geändert."
    )
    assert "ersion" not in again.value.message("de")


def test_an_old_rating_on_a_reopened_ticket_says_how_it_stands(desk: HelpDesk) -> None:
    ticket_id = desk.tickets.open_ticket(ALICE, title="VPN").id
    desk.tickets.change_status(SUPPORT, ticket_id, Status.RESOLVED)
    desk.tickets.reopen(ALICE, ticket_id)
    with pytest.raises(InvalidInput) as refused:
        desk.tickets.rate(ALICE, ticket_id, 5)
    assert refused.value.message("en") == (
        "Ticket #1 is In progress now; it can be rated once it is resolved or closed."
    )
    assert refused.value.message("de").startswith("Ticket #1 ist jetzt „In Bearbeitung“;")
