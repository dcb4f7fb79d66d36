"""Files between the two threads: only Slack's file hosts see the token, redirects
included; a download has a deadline; a file Slack will not give or take becomes a note,
and a file waiting for its retry never holds back the ticket's other messages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import ClassVar

import pytest
from slack_sdk import WebClient

from bot import file_relay
from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import Core
from flashticket_core.i18n import Language
from flashticket_core.service_layer.conversation import AttachedFile
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from tests.bot_harness import BOT_TOKEN, SUPPORT_CHANNEL
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT
from tests.fakes.slack_api import Call, FakeSlack

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


class Redirector(BaseHTTPRequestHandler):
    """Answers every GET with a redirect to `location`; records the headers it got."""

    location = ""
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        Redirector.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(302)
        self.send_header("Location", Redirector.location or self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[str]:
    """A server on 127.0.0.1 (the host of the fake Web API) that redirects."""
    Redirector.seen = []
    Redirector.location = ""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=slack.base_url, timeout=2)


def test_a_redirect_to_slacks_file_host_is_followed(
    slack: FakeSlack, client: WebClient, redirector: str
) -> None:
    url = slack.host_file(ALICE, "error.png", PNG, "image/png")["url_private_download"]
    Redirector.location = url
    assert file_relay.download(client, f"{redirector}/files-pri/T1-F1/error.png") == PNG
    downloads = slack.calls("download")
    assert len(downloads) == 1
    assert downloads[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"


def test_a_redirect_to_another_host_is_refused_before_the_token_goes_there(
    client: WebClient, redirector: str
) -> None:
    Redirector.location = "http://localhost:1/files-pri/T1-F1/secret.png"
    with pytest.raises(file_relay.NotRelayed) as refused:
        file_relay.download(client, f"{redirector}/files-pri/T1-F1/x.png")
    assert refused.value.reason == "foreign_host"
    assert len(Redirector.seen) == 1  # the first host was Slack's; nothing went further


def test_redirects_are_followed_a_few_times_only(client: WebClient, redirector: str) -> None:
    # Redirects to itself, for ever.
    with pytest.raises(file_relay.NotRelayed) as refused:
        file_relay.download(client, f"{redirector}/files-pri/T1-F1/loop.png")
    assert refused.value.reason == "unreadable"
    assert len(Redirector.seen) == file_relay.MAX_REDIRECTS + 1


def test_govslack_fetches_from_its_own_file_host() -> None:
    gov = WebClient(token=BOT_TOKEN, base_url="https://slack-gov.com/api/")
    assert file_relay.file_hosts(gov) == {"files.slack-gov.com"}
    commercial = file_relay.file_hosts(WebClient(token=BOT_TOKEN))
    assert "files.slack.com" in commercial
    assert "files.slack-gov.com" not in commercial


def test_a_download_past_its_deadline_is_given_up(slack: FakeSlack, client: WebClient) -> None:
    url = slack.host_file(ALICE, "big.bin", PNG * 1000)["url_private_download"]
    ticks = count(step=40)  # each look at the clock is 40 s later: a crawling download
    with pytest.raises(TimeoutError):
        file_relay.download(client, url, deadline_seconds=60, clock=lambda: float(next(ticks)))


@pytest.fixture
def worker(core: Core, slack: FakeSlack, client: WebClient) -> DeliveryWorker:
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    return core.delivery_worker(transport)


@pytest.fixture
def ticket_id(desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack) -> int:
    ticket = desk.tickets.open_ticket(ALICE, title="Screen flickers")
    worker.drain()
    slack.clear()
    return ticket.id


def attach(desk: HelpDesk, slack: FakeSlack, ticket_id: int, text: str) -> None:
    hosted = slack.host_file(ALICE, "screen.png", PNG, "image/png")
    file = AttachedFile(hosted["id"], "screen.png", "image/png", len(PNG))
    desk.conversation.add_reporter_reply(ALICE, ticket_id, text, files=[file])


def thread_texts(slack: FakeSlack) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in slack.calls("chat.postMessage")
        if c.ok and c.args.get("channel") == SUPPORT_CHANNEL
    ]


@pytest.mark.parametrize(
    ("method", "error", "note"),
    [
        ("files.info", "access_denied", "could not be read from Slack"),
        ("files.info", "not_visible", "could not be read from Slack"),
        ("files.completeUploadExternal", "file_type_not_allowed", "could not be shared here"),
        ("files.completeUploadExternal", "file_uploads_disabled", "could not be shared here"),
    ],
)
def test_a_file_slack_will_not_give_or_take_becomes_a_note_at_once(
    desk: HelpDesk,
    worker: DeliveryWorker,
    slack: FakeSlack,
    ticket_id: int,
    method: str,
    error: str,
    note: str,
) -> None:
    slack.fail_next(method, 1, error=error)
    attach(desk, slack, ticket_id, "Here is a photo")
    worker.drain()
    notes = [t for t in thread_texts(slack) if "screen.png" in t]
    assert len(notes) == 1
    assert note in notes[0]
    assert len(slack.calls(method)) == 1
    assert desk.admin.undelivered_messages(ADMIN) == []


def test_a_file_waiting_for_its_retry_does_not_hold_back_the_tickets_messages(
    desk: HelpDesk, worker: DeliveryWorker, slack: FakeSlack, ticket_id: int
) -> None:
    slack.fail_next("files.info", 1, error="internal_error")
    attach(desk, slack, ticket_id, "Here is a photo")
    desk.conversation.add_support_reply(SUPPORT, ticket_id, "Thanks, looking at it")
    worker.drain()
    # The reply reached the reporter while the file waits for its retry.
    dm = [
        c for c in slack.calls("chat.postMessage") if c.ok and c.args["channel"] != SUPPORT_CHANNEL
    ]
    assert any("Thanks, looking at it" in str(c.args.get("text")) for c in dm)
    waiting = desk.admin.undelivered_messages(ADMIN)
    assert [(m.kind, m.status) for m in waiting] == [("relay_file", "pending")]


class HeldFiles(SlackTransport):
    """Slack, but a file's download hangs until the test lets it go."""

    def __init__(self, client: WebClient) -> None:
        super().__init__(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
        self.go_on = threading.Event()
        self.downloading = threading.Event()

    def _send(self, message: Outgoing) -> Delivered:
        if message.kind is MessageKind.RELAY_FILE:
            self.downloading.set()
            assert self.go_on.wait(30)
        return super()._send(message)


def test_a_slow_file_holds_back_no_other_ticket(
    core: Core, desk: HelpDesk, slack: FakeSlack, client: WebClient
) -> None:
    transport = HeldFiles(client)
    worker = core.delivery_worker(transport)
    first = desk.tickets.open_ticket(ALICE, title="Screen flickers")
    worker.drain()
    attach(desk, slack, first.id, "Here is a photo")
    desk.conversation.add_support_reply(SUPPORT, first.id, "Thanks, looking at it")
    second = desk.tickets.open_ticket(BOB, title="Printer jams")

    def the_other_card_is_out(calls: list[Call]) -> bool:
        texts = [str(c.args.get("text")) for c in calls if c.ok and c.method == "chat.postMessage"]
        return any(f"#{second.id}" in t and "Printer jams" in t for t in texts)

    # The worker runs as in production, in the background, woken by each commit.
    worker.start()
    try:
        assert transport.downloading.wait(10)
        slack.wait_for(the_other_card_is_out, timeout=10)
        assert slack.calls("files.completeUploadExternal") == []  # the file still hangs
        # Its own ticket's reply waits for the file's first attempt: it stays next to
        # the message it came with.
        texts = [str(c.args.get("text")) for c in slack.calls("chat.postMessage")]
        assert not any("Thanks, looking at it" in text for text in texts)
    finally:
        transport.go_on.set()
    slack.wait_for(
        lambda calls: any(c.ok for c in calls if c.method == "files.completeUploadExternal")
    )
    slack.wait_for(
        lambda calls: any("Thanks, looking at it" in str(c.args.get("text")) for c in calls)
    )
    worker.stop()
