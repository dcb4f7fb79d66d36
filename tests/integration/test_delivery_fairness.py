"""One conversation, several tickets: a reporter's long replies in the support channel
do not keep another person's new card waiting behind all of them."""

from __future__ import annotations

from flashticket_core.bootstrap import Core
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.pacing import Pace
from flashticket_core.service_layer.delivery.ports import Delivered, Transport
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from tests.conftest import ALICE, BOB

LONG_REPLY_POSTS = 11  # a 40,000-character reply goes out in about this many parts


class SupportChannel(Transport):
    """Every ticket's card and thread in one channel; a reporter's reply is long."""

    def __init__(self) -> None:
        self.posted: list[Outgoing] = []
        self.counter = 0

    def channel_of(self, message: Outgoing) -> str | None:
        return "C-SUPPORT" if message.kind.value.startswith("support") else "D-REPORTER"

    def deliver(self, message: Outgoing) -> Delivered:
        self.counter += 1
        self.posted.append(message)
        long = message.kind is MessageKind.SUPPORT_THREAD
        return Delivered("C-SUPPORT", f"{self.counter}.0", LONG_REPLY_POSTS if long else 1)


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_card_waits_for_one_long_reply_not_for_all_of_them(
    core: Core, desk: HelpDesk
) -> None:
    transport = SupportChannel()
    seconds = Seconds()
    worker = core.delivery_worker(transport, pace=Pace(burst=4, per_second=1.0), pace_clock=seconds)
    first = desk.tickets.open_ticket(ALICE, title="Laptop")
    worker.drain()
    for n in range(5):
        desk.conversation.add_reporter_reply(ALICE, first.id, f"Long reply {n}")
    second = desk.tickets.open_ticket(BOB, title="Printer")
    for _ in range(200):
        worker.drain()
        if any(
            m.ticket_id == second.id and m.kind is MessageKind.SUPPORT_POST
            for m in transport.posted
        ):
            break
        seconds.now += 1.0
    in_channel = [m for m in transport.posted if m.kind.value.startswith("support")]
    card = next(
        i
        for i, m in enumerate(in_channel)
        if m.ticket_id == second.id and m.kind is MessageKind.SUPPORT_POST
    )
    replies_before = [m for m in in_channel[:card] if m.kind is MessageKind.SUPPORT_THREAD]
    assert len(replies_before) <= 2, [(m.ticket_id, m.kind.value) for m in in_channel]
    assert seconds.now - 1000.0 < 30  # on the pace clock the test moves
