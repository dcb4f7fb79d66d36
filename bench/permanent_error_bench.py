"""A support reply while the card's thread refuses for good: how soon the reporter has
their copy, and how often the refused message was tried.

The delivery worker runs in the background (as in `serve`) against the fake Slack over
HTTP, on a SQLite file. One ticket's card is posted; then the support channel is archived
(Slack answers `is_archived` for good) or its threads locked (`--error
restricted_action_thread_locked`), and five support replies follow one after another.
Each reply is two messages of its ticket: the copy in the card's thread, which Slack
refuses, and the reporter's copy in their DM thread, which must not wait for it.

Run:  .venv/bin/python bench/permanent_error_bench.py [--error is_archived] [--replies 5]
Prints each reply's delay to the reporter's copy, the attempts of each refused message,
the admins' notices and what the outbox keeps as failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk import WebClient

from bot.console.refusals import SlackError
from bot.console.workspace.objects import dm_channel
from bot.settings import Settings
from bot.slack_sender import SlackTransport
from flashticket_core.bootstrap import bootstrap
from flashticket_core.domain.enums import Role
from flashticket_core.i18n import Language
from migrations import runner
from tests.fakes.slack_api import FakeSlack

SUPPORT_CHANNEL = "C0SUPPORT1"
ADMIN, SUPPORT, REPORTER = "UADMIN0001", "USUPPORT01", "UALICE0001"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--error", default="is_archived", help="what the card's thread answers")
    parser.add_argument("--replies", type=int, default=5)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="flashticket-bench-")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{folder}/tickets.db",
        flashticket_admins=ADMIN,
        flashticket_support_channel=SUPPORT_CHANNEL,
    )
    core = bootstrap(settings, migrate=runner.upgrade)
    slack = FakeSlack().start()
    client = WebClient(token="xoxb-test-token", base_url=slack.base_url, timeout=2)
    transport = SlackTransport(client, support_channel=SUPPORT_CHANNEL, lang=Language.EN)
    worker = core.delivery_worker(transport)
    worker.start()
    try:
        desk = core.desk
        desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
        ticket = desk.tickets.open_ticket(REPORTER, title="VPN drops")
        slack.wait_for(
            lambda calls: any(c.ok and c.args.get("channel") == SUPPORT_CHANNEL for c in calls)
        )
        refuse_the_cards_thread(slack, args.error)
        delays: list[float] = []
        for n in range(args.replies):
            text = f"Support answer number {n}"
            start = time.perf_counter()
            desk.conversation.add_support_reply(SUPPORT, ticket.id, text)
            slack.wait_for(lambda calls, text=text: reached_reporter(calls, text), timeout=60)
            delays.append(time.perf_counter() - start)
        # The last reply's copy for the card's thread is tried after its reporter's.
        slack.wait_for(lambda calls: len(thread_attempts(calls)) >= args.replies, timeout=60)
        in_thread = thread_attempts(slack.calls("chat.postMessage"))
        notices = [
            c
            for c in slack.calls("chat.postMessage")
            if c.ok and c.args.get("channel") in (ADMIN, dm_channel(ADMIN))
        ]
        worker.stop()  # what it had in hand is recorded
        failed = desk.admin.undelivered_messages(ADMIN)
    finally:
        worker.stop()
        slack.stop()
        core.close()
    print(f"card's thread answers: {args.error}")
    print("reporter's copy after (s):", ", ".join(f"{d:.3f}" for d in delays))
    print("attempts of each refused thread message:", sorted(in_thread.values()))
    print("notices to the admins:", len(notices))
    print("kept as failed:", [(m.kind, m.attempts, m.last_error) for m in failed])


def refuse_the_cards_thread(slack: FakeSlack, error: str) -> None:
    if error == "is_archived":
        slack.set_channel(SUPPORT_CHANNEL, is_archived=True)
        return
    post = slack._api_chat_postMessage

    def refusing(args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel") == SUPPORT_CHANNEL and args.get("thread_ts"):
            raise SlackError(error)
        return post(args)

    slack._api_chat_postMessage = refusing  # type: ignore[method-assign]


def thread_attempts(calls: list[Any]) -> Counter[str]:
    """How often each text was tried in the card's thread."""
    return Counter(
        str(c.args.get("text"))
        for c in calls
        if c.method == "chat.postMessage"
        and c.args.get("channel") == SUPPORT_CHANNEL
        and c.args.get("thread_ts")
    )


def reached_reporter(calls: list[Any], text: str) -> bool:
    return any(
        c.ok
        and text in str(c.args.get("text"))
        and c.args.get("channel") in (REPORTER, dm_channel(REPORTER))
        for c in calls
    )


if __name__ == "__main__":
    main()
