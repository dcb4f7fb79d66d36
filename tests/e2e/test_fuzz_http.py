"""Fuzzing the HTTP edge: every kind of signed request the bot handles, mutated by
Hypothesis, sent through the real server (the HTTP front, SlackWsgi, the real Bolt app)
against the strict fake Slack, on SQLite and on PostgreSQL.

Each kind starts from a payload of the shape Slack sends (the shapes of Slack's
documentation and of bolt-python's scenario tests, with this bot's own IDs, buttons
and modals) and is mutated: values change type, keys go missing or appear, strings
turn huge, control, right-to-left or lone surrogates, values nest 5,000 levels deep,
URLs point elsewhere. For every request:

- the answer is a 2xx or a 4xx, never a 5xx;
- nothing is logged at ERROR or with a traceback;
- a refused request (4xx), or one the mutation made invalid, changes no record;
- a response_url outside Slack is never called.

After each kind a valid /ticket still opens a ticket whose card is posted.

FLASHTICKET_FUZZ_EXAMPLES sets the examples per kind and database (default 30); the
examples are derandomized, so every run sends the same requests and a failure
reproduces. Each test prints its figures (requests, status codes): `pytest -rA` or `-s`.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from bot import blocks
from bot.blocks import ids
from bot.manifest import manifest
from flashticket_core.adapters.tables import metadata
from flashticket_core.domain.enums import EntryKind
from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.databases import PostgresServer, SqliteTemplate, require_postgres
from tests.fakes.slack_api import FakeSlack
from tests.fakes.trap import Trap
from tests.slack_requests import (
    TEAM,
    Response,
    block_action,
    command_body,
    dm_thread_reply,
    event_envelope,
    view_submission,
)

EXAMPLES = int(os.environ.get("FLASHTICKET_FUZZ_EXAMPLES", "30"))
SUPPORTER = "USUPPORT03"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEEP_LEVELS = 5_000

# Where a value sits in a payload: keys and list indexes.
FieldPath = tuple[str | int, ...]

# -- the running bot, its records, and a server that must never be called -----------


@dataclass
class World:
    """The bot with a support agent, one ticket and its reporter's DM thread."""

    db: str
    bot: Bot
    trap: Trap
    ticket_id: int
    dm_channel: str
    dm_ts: str
    card_message: dict[str, Any]
    figures: dict[str, Counter[int]] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.bot.running.core.engine
        return engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: SqliteTemplate,
) -> Iterator[World]:
    if request.param == "sqlite":
        url = sqlite_template.fresh_database(Path(tmp_path_factory.mktemp("fuzz")))
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        require_postgres(server)
        url = server.fresh_database()
    trap = Trap()
    with FakeSlack() as slack:
        bot = Bot(slack, bot_settings(url, slack)).start()
        try:
            granted = bot.command(ADMIN, f"grant <@{SUPPORTER}> support", command="/ticket-admin")
            assert "Support" in granted.body.decode(), granted.body
            ticket_id = bot.open_ticket(ALICE, "Printer on fire", "Smoke since 9:00")
            root = bot.dm_root(ticket_id)
            card = bot.card(ticket_id).args
            world = World(
                request.param,
                bot,
                trap,
                ticket_id,
                root.response["channel"],
                root.response["ts"],
                card_message={
                    "type": "message",
                    "user": "UBOT00001",
                    "bot_id": "B000001",
                    "text": card["text"],
                    "blocks": card["blocks"],
                    "ts": bot.card_ts(ticket_id),
                },
            )
            yield world
            print_figures(world)
        finally:
            bot.stop()
            trap.stop()


def print_figures(world: World) -> None:
    total: Counter[int] = Counter()
    for counter in world.figures.values():
        total.update(counter)
    print(
        f"\nfuzz [{world.db}] all kinds: {sum(total.values())} requests, "
        f"statuses {dict(sorted(total.items()))}"
    )


# The help desk's records. Not compared: delivery state (the worker sends earlier
# messages meanwhile), names seen and open App Homes (conveniences, written after
# the answer), leases and tallies (kept by jobs and triggers).
RECORD_TABLES = (
    "tickets",
    "ticket_entries",
    "ticket_history",
    "role_assignments",
    "role_changes",
    "processed_requests",
)


def records(world: World) -> dict[str, list[tuple[Any, ...]]]:
    world.bot.running.worker.drain()
    tables = metadata.tables
    outbox = tables["outbox_messages"]
    with world.engine.connect() as connection:
        found = {
            name: sorted(map(tuple, connection.execute(select(tables[name]))), key=repr)
            for name in RECORD_TABLES
        }
        found["outbox_messages"] = sorted(
            map(tuple, connection.execute(select(outbox.c.id, outbox.c.kind, outbox.c.ticket_id)))
        )
    return found


# -- seeds: one payload of each kind, as Slack sends it ----------------------------------


@dataclass
class Seed:
    tree: dict[str, Any]
    # "command" (a form of fields), "interaction" (payload=JSON) or "event" (a JSON body).
    encoding: str
    # Fields the bot acts on: removing one, or giving it another type, makes the
    # request invalid, so it must change nothing.
    essential: list[FieldPath] = field(default_factory=list)
    # Fields worth mutating more often than the rest (what Bolt and the bot read).
    focus: list[FieldPath] = field(default_factory=list)
    # False: the seed is already the odd request (a command's words), sent as it is.
    mutate: bool = True


def fresh(world: World) -> dict[str, str]:
    slack = world.bot.slack
    return {"trigger_id": slack.issue_trigger_id(), "response_url": slack.issue_response_url()}


# What people type after a subcommand: numbers in every script, mentions, dates.
NUMBERS = st.sampled_from(["1", "#1", "²", "١٢", "99999999999999999999", "-1", "1e3", "0", "7 30"])
WORDS = st.sampled_from(
    ["mine", "<@UBOB000001>", "<@UBOB000001|bob>", "@bob", "support", "2026-02-30", "2026-01-01"]
)
ARGUMENTS = st.sampled_from([NUMBERS, WORDS, st.deferred(lambda: ODD_TEXT)]).flatmap(lambda s: s)


def slash(command: str, words: list[str]) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, data: st.DataObject) -> Seed:
        text = data.draw(st.sampled_from(words), label="subcommand")
        if text and data.draw(st.booleans(), label="with argument"):
            text += " " + data.draw(ARGUMENTS, label="argument")
        user = ADMIN if command == "/ticket-admin" else data.draw(st.sampled_from([ALICE, BOB]))
        body = command_body(command, "", user, **fresh(world))
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        fields["text"] = text  # set here: urlencode cannot write a lone surrogate
        return Seed(
            fields,
            "command",
            essential=[("command",), ("user_id",)],
            focus=[("text",), ("user_id",), ("channel_id",), ("response_url",), ("trigger_id",)],
        )

    return build


# Numbers as people type them, in any script: "²".isdigit() is true and int("²") fails,
# int("٣") is 3, "½" and "Ⅻ" are numbers that are no digits.
NUMBER_TEXT = st.text(st.sampled_from("0123456789²³¹⁴⁰⑤٣١٢०௫𝟙½Ⅻ０#-"), min_size=1, max_size=4)


def slash_words(command: str, subcommands: list[str]) -> Callable[[World, st.DataObject], Seed]:
    """A well-formed command whose words are odd: what the subcommand parsers must take."""

    def build(world: World, data: st.DataObject) -> Seed:
        words = [data.draw(st.sampled_from(subcommands), label="subcommand")]
        for _ in range(data.draw(st.sampled_from([1, 1, 1, 2]), label="arguments")):
            words.append(data.draw(NUMBER_TEXT | ARGUMENTS, label="argument"))
        user = ADMIN if command == "/ticket-admin" else data.draw(st.sampled_from([ALICE, BOB]))
        body = command_body(command, "", user, **fresh(world))
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        fields["text"] = " ".join(words)
        return Seed(fields, "command", mutate=False)

    return build


ACTION_FOCUS: list[FieldPath] = [
    ("actions",),
    ("actions", 0),
    ("actions", 0, "action_id"),
    ("actions", 0, "value"),
    ("actions", 0, "selected_option"),
    ("user",),
    ("user", "id"),
    ("channel",),
    ("channel", "id"),
    ("container",),
    ("container", "channel_id"),
    ("response_url",),
    ("trigger_id",),
    ("team",),
    ("message",),
]


def card_blocks(world: World) -> list[dict[str, Any]]:
    found = world.bot.card(world.ticket_id).args["blocks"]
    return list(json.loads(found) if isinstance(found, str) else found)


def card_elements(world: World) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e
        for block in card_blocks(world)
        if block["type"] == "actions"
        for e in block["elements"]
    }


def card_version(world: World) -> int:
    """The version the card's buttons carry (a closed or deleted ticket's card has none)."""
    for element in card_elements(world).values():
        raw = element.get("value") or element["options"][0]["value"]
        return int(json.loads(raw.partition("|")[0])["v"])
    return 1


def card_click(action_id: str, choice: str | None = None) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, _data: st.DataObject) -> Seed:
        element = card_elements(world).get(action_id)
        value = blocks.action_value(world.ticket_id, card_version(world))
        if choice is None:
            value = element["value"] if element is not None else value
        else:
            options = element.get("options", []) if element is not None else []
            value = next(
                (o["value"] for o in options if o["value"].endswith("|" + choice)),
                f"{value}|{choice}",
            )
        ts = world.bot.card_ts(world.ticket_id)
        if choice is None:
            payload = block_action(SUPPORTER, action_id, value=value, message_ts=ts, **fresh(world))
            value_path: FieldPath = ("actions", 0, "value")
        else:
            payload = block_action(
                SUPPORTER, action_id, selected=value, message_ts=ts, **fresh(world)
            )
            value_path = ("actions", 0, "selected_option", "value")
        # The card as first posted: its shape stays the same from example to example.
        payload["message"] = copy.deepcopy(world.card_message)
        payload["message"]["ts"] = ts
        essential = [("type",), ("user", "id"), ("actions", 0, "action_id"), value_path]
        return Seed(payload, "interaction", essential=essential, focus=ACTION_FOCUS)

    return build


def reporter_click(action_id: str) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, _data: st.DataObject) -> Seed:
        value = blocks.action_value(world.ticket_id, card_version(world))
        kind: dict[str, str] = (
            {"selected": value + "|4"} if action_id == blocks.RATE else {"value": value}
        )
        payload = block_action(
            ALICE,
            action_id,
            channel=world.dm_channel,
            message_ts=world.dm_ts,
            **kind,
            **fresh(world),
        )
        path: FieldPath = ("actions", 0, "selected_option" if "selected" in kind else "value")
        essential = [("type",), ("user", "id"), ("actions", 0, "action_id"), path]
        return Seed(payload, "interaction", essential=essential, focus=ACTION_FOCUS)

    return build


def view_state(view_id: str, callback_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": view_id,
        "team_id": TEAM["id"],
        "type": "modal",
        "callback_id": callback_id,
        "hash": f"{int(time.time())}.aBcD",
        "state": {"values": {}},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": "A000001",
        "external_id": "",
        "app_installed_team_id": TEAM["id"],
        "bot_id": "B000001",
        **extra,
    }


def from_a_view(payload: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """A click inside a modal or the App Home: no channel, message or response_url."""
    for key in ("channel", "message", "response_url"):
        payload.pop(key)
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload["view"] = view
    return payload


def home_new_ticket(world: World, _data: st.DataObject) -> Seed:
    view = view_state("VHOME00001", "", type="home", private_metadata="")
    payload = from_a_view(
        block_action(BOB, blocks.HOME_NEW_TICKET, value="new", **fresh(world)), view
    )
    return Seed(payload, "interaction", focus=[*ACTION_FOCUS, ("view",), ("view", "type")])


def home_queue_choice(
    action_id: str, choice: str | None = None, *, button: str | None = None
) -> Callable[[World, st.DataObject], Seed]:
    """A choice in the App Home's queue table: a filter, a page button, or (without a
    `choice`) a row's status change of the ticket as its card shows it now."""

    def build(world: World, _data: st.DataObject) -> Seed:
        view = view_state("VHOME00002", "", type="home", private_metadata="")
        if button is not None:
            action = block_action(SUPPORTER, action_id, value=button, **fresh(world))
            path: FieldPath = ("actions", 0, "value")
        else:
            seen = blocks.action_value(world.ticket_id, card_version(world))
            selected = choice or f"{seen}|status:in_progress"
            action = block_action(SUPPORTER, action_id, selected=selected, **fresh(world))
            path = ("actions", 0, "selected_option", "value")
        payload = from_a_view(action, view)
        essential = [("type",), ("user", "id"), ("actions", 0, "action_id"), path]
        return Seed(payload, "interaction", essential=essential, focus=ACTION_FOCUS)

    return build


def click_in_modal(world: World, _data: st.DataObject) -> Seed:
    view = view_state(f"V{uuid.uuid4().hex[:10].upper()}", blocks.NEW_TICKET)
    view["state"]["values"] = new_ticket_values("Scanner jams")
    payload = from_a_view(block_action(ALICE, "value", selected="high", **fresh(world)), view)
    return Seed(payload, "interaction", focus=[*ACTION_FOCUS, ("view", "state")])


def new_ticket_values(title: str) -> dict[str, Any]:
    return {
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "description": {"value": {"type": "plain_text_input", "value": "Since Monday"}},
        "priority": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "High", "emoji": True},
                    "value": "high",
                },
            }
        },
    }


VIEW_FOCUS: list[FieldPath] = [
    ("view",),
    ("view", "callback_id"),
    ("view", "id"),
    ("view", "private_metadata"),
    ("view", "state"),
    ("view", "state", "values"),
    ("user",),
    ("user", "id"),
    ("response_urls",),
    ("trigger_id",),
]


def submission(
    callback_id: str, kind: str = "view_submission"
) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, data: st.DataObject) -> Seed:
        if callback_id == blocks.NEW_TICKET:
            user, view = ALICE, blocks.new_ticket_modal("en")
            title = data.draw(st.sampled_from(["Keyboard", "VPN drops every hour"]))
            values = {b: s["value"] for b, s in new_ticket_values(title).items()}
            text_path: FieldPath = ("view", "state", "values", "title", "value", "value")
            extra: list[FieldPath] = []
        else:
            entry = (
                EntryKind.SUPPORT_REPLY
                if callback_id == blocks.SUPPORT_REPLY
                else EntryKind.INTERNAL_NOTE
            )
            user = SUPPORTER
            view = blocks.entry_modal("en", ticket_id=world.ticket_id, kind=entry)
            values = {"text": {"type": "plain_text_input", "value": "Toner is on its way"}}
            text_path = ("view", "state", "values", "text", "value", "value")
            extra = [("view", "private_metadata")]
        payload = view_submission(user, view, values)
        payload["type"] = kind
        # A modal with response_url_enabled inputs brings one response_url for each.
        payload["response_urls"] = [
            {
                "block_id": f"b{n}",
                "action_id": "channel",
                "channel_id": "C0GENERAL1",
                "response_url": world.bot.slack.issue_response_url(),
            }
            for n in range(data.draw(st.integers(0, 2), label="response_urls"))
        ]
        if kind == "view_closed":
            payload["is_cleared"] = False
        payload["view"].update(
            previous_view_id=None, root_view_id=payload["view"]["id"], app_id="A000001"
        )
        essential = [("type",), ("user", "id"), ("view", "callback_id"), text_path, *extra]
        return Seed(payload, "interaction", essential=essential, focus=[*VIEW_FOCUS, text_path])

    return build


def shortcut(kind: str) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, _data: st.DataObject) -> Seed:
        callback_id = SHORTCUTS.get(kind, "create_ticket")
        payload: dict[str, Any] = {
            "type": kind,
            "token": "deprecated",
            "action_ts": f"{time.time():.6f}",
            "team": {**TEAM, "enterprise_id": None},
            "user": {"id": BOB, "username": "bob", "team_id": TEAM["id"]},
            "callback_id": callback_id,
            "trigger_id": world.bot.slack.issue_trigger_id(),
            "is_enterprise_install": False,
            "enterprise": None,
        }
        if kind == "message_action":
            payload.update(
                channel={"id": "C0GENERAL1", "name": "general"},
                message_ts="1700000000.000100",
                message={
                    "type": "message",
                    "user": ALICE,
                    "text": "The printer on floor 3 is on fire\nsmoke everywhere",
                    "ts": "1700000000.000100",
                    "team": TEAM["id"],
                    "client_msg_id": str(uuid.uuid4()),
                    "blocks": [rich_text("The printer on floor 3 is on fire")],
                },
                response_url=world.bot.slack.issue_response_url(),
            )
        focus: list[FieldPath] = [
            ("callback_id",),
            ("user",),
            ("user", "id"),
            ("channel",),
            ("message",),
            ("message", "user"),
            ("message", "text"),
            ("response_url",),
            ("trigger_id",),
        ]
        return Seed(payload, "interaction", focus=focus)

    return build


# The shortcuts the manifest declares, by kind; the fuzz follows the manifest.
SHORTCUTS = {
    entry.get("type", ""): entry.get("callback_id", "")
    for entry in manifest(url=None, socket_mode=False)["features"].get("shortcuts", [])
}


def rich_text(text: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "block_id": "b1",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


EVENT_FOCUS: list[FieldPath] = [
    ("event",),
    ("event", "type"),
    ("event", "user"),
    ("event", "channel"),
    ("event", "channel_type"),
    ("event", "subtype"),
    ("event", "text"),
    ("event", "ts"),
    ("event", "thread_ts"),
    ("event", "files"),
    ("event", "message"),
    ("event", "previous_message"),
    ("event", "item"),
    ("event", "view"),
    ("authorizations",),
    ("authorizations", 0),
    ("event_id",),
    ("team_id",),
]


def event(
    make: Callable[[World], dict[str, Any]], essential: list[FieldPath] | None = None
) -> Callable[[World, st.DataObject], Seed]:
    def build(world: World, _data: st.DataObject) -> Seed:
        envelope = event_envelope(make(world))
        envelope["is_ext_shared_channel"] = False
        envelope["event_context"] = "4-eyJldCI6Im1lc3NhZ2UifQ"
        base: list[FieldPath] = [("type",), ("event",), ("event", "type")]
        return Seed(envelope, "event", essential=base + (essential or []), focus=EVENT_FOCUS)

    return build


def now_ts() -> str:
    return f"{time.time():.6f}"


def dm_top_level(world: World) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": world.dm_channel,
        "channel_type": "im",
        "user": ALICE,
        "text": "Is anyone there?",
        "ts": now_ts(),
        "event_ts": now_ts(),
        "team": TEAM["id"],
        "client_msg_id": str(uuid.uuid4()),
        "blocks": [rich_text("Is anyone there?")],
    }


def dm_reply(world: World) -> dict[str, Any]:
    reply = dm_thread_reply(ALICE, world.dm_channel, world.dm_ts, "It smells of &lt;toner&gt;")
    reply.update(team=TEAM["id"], client_msg_id=str(uuid.uuid4()), blocks=[rich_text("toner")])
    return reply


def dm_file_share(world: World) -> dict[str, Any]:
    reply = dm_reply(world)
    reply.update(
        subtype="file_share",
        upload=False,
        display_as_bot=False,
        files=[
            {
                "id": "F0PHOTO001",
                "created": 1700000000,
                "name": "printer.jpg",
                "title": "printer.jpg",
                "mimetype": "image/jpeg",
                "filetype": "jpg",
                "user": ALICE,
                "size": 52_113,
                "mode": "hosted",
                "is_external": False,
                "url_private": f"{world.bot.slack.base_url}files/F0PHOTO001/printer.jpg",
                "url_private_download": f"{world.bot.slack.base_url}files/F0PHOTO001/download",
                "permalink": "https://flashticket-test.slack.com/files/UALICE0001/F0PHOTO001",
            }
        ],
    )
    return reply


def dm_changed(world: World) -> dict[str, Any]:
    old = {**dm_reply(world), "text": "It smells of toner"}
    new = {**old, "text": "It smells of burnt toner", "edited": {"user": ALICE, "ts": now_ts()}}
    for message in (old, new):
        for key in ("channel", "channel_type", "event_ts"):
            message.pop(key)
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": world.dm_channel,
        "channel_type": "im",
        "hidden": True,
        "message": new,
        "previous_message": old,
        "ts": now_ts(),
        "event_ts": now_ts(),
    }


def dm_deleted(world: World) -> dict[str, Any]:
    changed = dm_changed(world)
    old = changed["previous_message"]
    return {
        "type": "message",
        "subtype": "message_deleted",
        "channel": world.dm_channel,
        "channel_type": "im",
        "hidden": True,
        "deleted_ts": old["ts"],
        "previous_message": old,
        "ts": now_ts(),
        "event_ts": now_ts(),
    }


def home_opened(world: World) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": ALICE,
        "channel": world.dm_channel,
        "tab": "home",
        "event_ts": now_ts(),
        "view": view_state("VHOME00002", "", type="home", private_metadata="", blocks=[]),
    }


def member_joined(_world: World) -> dict[str, Any]:
    return {
        "type": "member_joined_channel",
        "user": "UBOT00001",
        "channel": SUPPORT_CHANNEL,
        "channel_type": "G",
        "team": TEAM["id"],
        "inviter": ADMIN,
        "event_ts": now_ts(),
    }


def channel_created(_world: World) -> dict[str, Any]:
    return {
        "type": "channel_created",
        "channel": {
            "id": "C0NEWCHAN1",
            "is_channel": True,
            "name": "help-printers",
            "name_normalized": "help-printers",
            "created": 1700000000,
            "creator": ADMIN,
            "is_shared": False,
            "is_org_shared": False,
        },
        "event_ts": now_ts(),
    }


def reaction_added(_world: World) -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": BOB,
        "reaction": "ticket",
        "item_user": ALICE,
        "item": {"type": "message", "channel": "C0GENERAL1", "ts": "1700000000.000100"},
        "event_ts": now_ts(),
    }


def url_verification(_world: World, _data: st.DataObject) -> Seed:
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    return Seed(challenge, "event", focus=[("challenge",), ("type",)])


DM_ESSENTIAL: list[FieldPath] = [("event", "user"), ("event", "channel"), ("event", "channel_type")]

KINDS: dict[str, Callable[[World, st.DataObject], Seed]] = {
    "card ticket.take": card_click(blocks.TAKE),
    "card ticket.status": card_click(blocks.STATUS, "in_progress"),
    "card ticket.priority": card_click(blocks.PRIORITY, "high"),
    "card ticket.reply": card_click(blocks.REPLY),
    "card ticket.note": card_click(blocks.NOTE),
    "card ticket.unassign": card_click(blocks.UNASSIGN),
    # The answers' buttons: the take-over question and the delete question.
    "card ticket.take_over": card_click(blocks.TAKE_OVER),
    "answer ticket.take_over.confirm": card_click(blocks.CONFIRM_TAKE_OVER),
    "answer admin.delete": card_click(blocks.DELETE),
    "answer admin.delete_cancel": card_click(blocks.DELETE_CANCEL),
    "modal block_actions": click_in_modal,
    "home home.new_ticket": home_new_ticket,
    "home home.queue.status": home_queue_choice(ids.HOME_QUEUE_STATUS, "waiting"),
    "home home.queue.sort": home_queue_choice(ids.HOME_QUEUE_SORT, "due"),
    "home home.queue.next": home_queue_choice(ids.HOME_QUEUE_NEXT, button="2"),
    "home home.queue.row": home_queue_choice(ids.HOME_QUEUE_ROW),
    "dm reporter.reopen": reporter_click(blocks.REOPEN),
    "dm reporter.rate": reporter_click(blocks.RATE),
    "view_submission new_ticket": submission(blocks.NEW_TICKET),
    "view_submission support_reply": submission(blocks.SUPPORT_REPLY),
    "view_submission internal_note": submission(blocks.INTERNAL_NOTE),
    "view_closed new_ticket": submission(blocks.NEW_TICKET, "view_closed"),
    "message shortcut": shortcut("message_action"),
    "global shortcut": shortcut("shortcut"),
    "event message.im": event(dm_top_level, DM_ESSENTIAL),
    "event message.im thread reply": event(dm_reply, DM_ESSENTIAL),
    "event message.im file_share": event(dm_file_share, DM_ESSENTIAL),
    "event message.im message_changed": event(dm_changed, [("event", "channel")]),
    "event message.im message_deleted": event(dm_deleted, [("event", "channel")]),
    "event app_home_opened": event(home_opened),
    "event member_joined_channel": event(member_joined),
    "event channel_created": event(channel_created),
    "event reaction_added": event(reaction_added),
    "url_verification": url_verification,
    # Last: a valid `/ticket-admin delete 1` asks to delete the ticket the clicks are about.
    "slash /ticket": slash("/ticket", ["", "list", "show", "search", "stats", "help", "Printer"]),
    "slash /ticket-admin": slash(
        "/ticket-admin", ["", "roles", "outbox", "help", "grant", "revoke", "delete", "export"]
    ),
    "slash /ticket words": slash_words("/ticket", ["show", "stats", "search", "list", "#1"]),
    "slash /ticket-admin words": slash_words(
        "/ticket-admin", ["delete", "export", "grant", "revoke", "outbox"]
    ),
}


# -- mutations -------------------------------------------------------------------------


class Deep:
    """Stands for a value nested DEEP_LEVELS deep (json.dumps itself would recurse away)."""

    MARK = "\x01deep\x01"


DEEP = Deep()

ODD_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\u202eevil.exe\u202c",  # right-to-left override
            "שלום, המדפסת שבורה",
            "مرحبا",
            "\x00",
            "a\x00b",
            "\x07\x08\x1b[31m\x7f",
            "\r\n\t",
            "\u2028\u2029",
            "\ufeff",
            "\ud800",
            "\udc00",
            "x\udfffy",
            "😀" * 50,
            "e\u0301" * 100,
            "²",
            "٣",
            "%s%n{0}{t}",
            "<!channel> <!here> <@U0EVIL001>",
            "javascript:alert(1)",
            "U",
            "UALICE0001\n",
            "1e400",
            "NaN",
            "null",
            "#1",
        ]
    ),
    st.text(max_size=40),
    st.sampled_from([1_000, 40_000, 300_000]).map(lambda n: "x" * n),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | ODD_TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def odd_values(world: World) -> st.SearchStrategy[Any]:
    api = world.bot.slack.base_url
    urls = st.sampled_from(
        [
            "javascript:alert(1)",
            12345,
            "https://nowhere.invalid/commands/1",
            world.trap.url,
            world.trap.url.replace("http://", "https://hooks.slack.com@"),
            "http://127.0.0.1:1/closed",
            f"{api.split('/api')[0]}/response/never-issued",
            "ftp://hooks.slack.com/x",
            "http:///no-host",
            "//hooks.slack.com/x",
            "http://[::1/broken",
        ]
    )
    return st.one_of(
        JSON_VALUE,
        urls,
        st.just(DEEP),
        st.sampled_from([[], {}, [{}], 0, -1, 2**64, 1e308, True, None, "", {"id": 5}]),
    )


@dataclass
class Mutation:
    op: str  # "replace", "append" (to a text), "remove", "add" or (forms only) "repeat"
    path: FieldPath
    value: Any = None


def all_paths(tree: Any, prefix: FieldPath = ()) -> list[FieldPath]:
    found: list[FieldPath] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(tree, dict):
        children = list(tree.items())
    elif isinstance(tree, list):
        children = list(enumerate(tree))
    for key, child in children:
        path = (*prefix, key)
        found.append(path)
        found.extend(all_paths(child, path))
    return found


def lookup(tree: Any, path: FieldPath) -> Any:
    for key in path:
        if not isinstance(tree, (dict, list)):
            raise KeyError(key)
        tree = tree[key]  # type: ignore[index]
    return tree


def exists(tree: Any, path: FieldPath) -> bool:
    try:
        lookup(tree, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def apply(tree: Any, mutation: Mutation) -> None:
    if not mutation.path:
        return
    parent = lookup(tree, mutation.path[:-1])
    key = mutation.path[-1]
    if mutation.op == "remove":
        del parent[key]
    elif mutation.op == "add" and isinstance(parent, list):
        parent.insert(int(key), mutation.value)
    else:
        parent[key] = mutation.value


def draw_mutations(data: st.DataObject, world: World, seed: Seed) -> list[Mutation]:
    tree = seed.tree
    mutations = []
    form = seed.encoding == "command"
    values = ODD_TEXT if form else odd_values(world)
    # Mostly one mutation: a request that is wrong in one way tells the most.
    for _ in range(data.draw(st.sampled_from([1, 0, 1, 2, 1, 3]), label="mutations")):
        paths = all_paths(tree)
        focus = [p for p in seed.focus if exists(tree, p)]
        pool = focus if focus and data.draw(st.booleans(), label="focus") else paths
        ops = ["replace", "append", "remove", "add"] + (["repeat"] if form else [])
        op = data.draw(st.sampled_from(ops), label="op")
        texts = [p for p in pool if isinstance(lookup(tree, p), str)]
        if op == "append" and not texts:
            op = "replace"
        if not pool and op != "add":
            op = "add"
        if op == "add":
            containers = [()] + [p for p in paths if isinstance(lookup(tree, p), (dict, list))]
            where = data.draw(st.sampled_from(containers), label="add to")
            container = lookup(tree, where)
            if isinstance(container, list):
                key: str | int = data.draw(st.integers(0, len(container)))
            else:
                key = data.draw(
                    st.sampled_from(
                        [
                            "user",
                            "channel",
                            "team",
                            "event",
                            "view",
                            "message",
                            "actions",
                            "response_urls",
                            "authorizations",
                            "command",
                            "enterprise",
                            "thread_ts",
                            "type",
                            "container",
                        ]
                    )
                    | st.text(max_size=10),
                    label="key",
                )
            mutation = Mutation("add", (*where, key), data.draw(values, label="value"))
        elif op == "append":
            # "show 1" becomes "show 1²": what a parser of the text must survive.
            path = data.draw(st.sampled_from(texts), label="path")
            tail = data.draw(ODD_TEXT, label="tail")
            mutation = Mutation("replace", path, lookup(tree, path) + tail)
        else:
            path = data.draw(st.sampled_from(pool), label="path")
            value = data.draw(values, label="value") if op in ("replace", "repeat") else None
            mutation = Mutation(op, path, value)
        # sampled_from hands out the same object each time: never insert it twice.
        mutation.value = copy.deepcopy(mutation.value)
        if mutation.op != "repeat":
            apply(tree, mutation)
        mutations.append(mutation)
    return mutations


def json_type(value: Any) -> str:
    if isinstance(value, Deep):
        return "deep"
    if isinstance(value, bool) or value is None:
        return repr(value)
    return type(value).__name__


def makes_invalid(seed: Seed, original: dict[str, Any], mutations: list[Mutation]) -> bool:
    """Whether the mutations, by construction, leave no valid request to act on."""
    if has_bad_text(seed.tree):
        return True
    for mutation in mutations:
        if mutation.op == "add" or not any(
            e[: len(mutation.path)] == mutation.path for e in seed.essential
        ):
            continue
        if mutation.op in ("remove", "repeat"):
            return True
        if exists(original, mutation.path) and json_type(
            lookup(original, mutation.path)
        ) != json_type(mutation.value):
            return True
    return False


def has_bad_text(tree: Any) -> bool:
    """A NUL, a lone surrogate, or the deep value, anywhere (keys included)."""
    if isinstance(tree, Deep):
        return True
    if isinstance(tree, str):
        return "\x00" in tree or any("\ud800" <= c <= "\udfff" for c in tree)
    if isinstance(tree, dict):
        return any(has_bad_text(k) or has_bad_text(v) for k, v in tree.items())
    if isinstance(tree, list):
        return any(has_bad_text(v) for v in tree)
    return False


# -- sending -------------------------------------------------------------------------------


def to_json(tree: Any, *, ascii_only: bool) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Deep):
            return Deep.MARK
        raise TypeError(type(value).__name__)

    text = json.dumps(tree, default=default, ensure_ascii=ascii_only)
    deep = "[" * DEEP_LEVELS + "]" * DEEP_LEVELS
    return text.replace(json.dumps(Deep.MARK, ensure_ascii=ascii_only), deep)


def utf8(text: str) -> bytes:
    """UTF-8, with a lone surrogate written as the invalid bytes a careless client sends."""
    return text.encode("utf-8", "surrogatepass")


def form_value(value: Any) -> str:
    return Deep.MARK if isinstance(value, Deep) else str(value)


def encode(seed: Seed, mutations: list[Mutation], ascii_only: bool) -> tuple[bytes, str]:
    if seed.encoding == "command":
        pairs = [(str(k), form_value(v)) for k, v in seed.tree.items()]
        pairs += [(str(m.path[0]), form_value(m.value)) for m in mutations if m.op == "repeat"]
        body = "&".join(f"{quote(utf8(k), safe='')}={quote(utf8(v), safe='')}" for k, v in pairs)
        return body.encode(), FORM
    text = to_json(seed.tree, ascii_only=ascii_only)
    if seed.encoding == "interaction":
        return b"payload=" + quote(utf8(text), safe="").encode(), FORM
    return utf8(text), JSON


def send(world: World, body: bytes, content_type: str) -> Response:
    return world.bot.http.post(body, content_type=content_type)


# -- the property ----------------------------------------------------------------------------


def problems_in_log(caplog: pytest.LogCaptureFixture, start: int) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()[:300]}"
        for r in caplog.records[start:]
        if r.levelno >= logging.ERROR or r.exc_info
    ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_signed_requests_of_any_shape_never_fail_the_server(
    world: World, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    build = KINDS[kind]
    statuses: Counter[int] = world.figures.setdefault(kind, Counter())
    invalid_sent = 0

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def property_holds(data: st.DataObject) -> None:
        nonlocal invalid_sent
        seed = build(world, data)
        # Seeds share objects with the helpers that built them (TEAM, for one).
        seed.tree = copy.deepcopy(seed.tree)
        original = copy.deepcopy(seed.tree)
        mutations = draw_mutations(data, world, seed) if seed.mutate else []
        ascii_only = data.draw(st.booleans(), label="ascii")
        body, content_type = encode(seed, mutations, ascii_only)
        invalid = makes_invalid(seed, original, mutations)
        before = records(world)
        logged = len(caplog.records)
        response = send(world, body, content_type)
        statuses[response.status] += 1
        assert 200 <= response.status < 300 or 400 <= response.status < 500, (
            response.status,
            response.body[:300],
        )
        assert problems_in_log(caplog, logged) == [], mutations
        if response.status >= 400 or invalid:
            invalid_sent += 1
            assert records(world) == before, (response.status, mutations)

    property_holds()
    # Nothing failed later either (delivery, background work), and nothing went out
    # to a response_url outside Slack.
    world.bot.running.worker.drain()
    assert problems_in_log(caplog, 0) == []
    assert world.trap.hits == []
    # The bot still works: a valid /ticket opens a ticket and its card is posted.
    ticket_id = world.bot.open_ticket(BOB, f"After fuzzing {kind}")
    assert f"#{ticket_id}:" in world.bot.card(ticket_id).args["text"]
    print(
        f"\nfuzz [{world.db}] {kind}: {sum(statuses.values())} requests "
        f"({invalid_sent} refused or invalid), statuses {dict(sorted(statuses.items()))}, "
        f"{EXAMPLES} examples, derandomized"
    )
