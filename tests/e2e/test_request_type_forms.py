"""The new-ticket modal with a desk file's request types, as Slack drives it: `/ticket`
opens it with the "Request type" select; choosing a type updates it in place
(views.update with the view's hash) with the type's inputs and what was typed kept; a
missing required field is told under its input and nothing is stored; a valid form
makes a ticket whose card lists the fields. In English and German."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import Bot, body_json, bot_settings
from tests.conftest import ALICE
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import TEAM, view_submission

DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001, intake_channels: [C0HELPIT01]}
  - {id: hr, name: HR, channel: G0HR000001, intake_channels: [C0HELPHR01]}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
      - {id: since, label: Since, type: date}
      - {id: owner, label: Owner, type: user}
  - id: access
    name: Access
    team: hr
    fields:
      - {id: system, label: System, type: text, required: true}
"""
TYPE_ACTION = "new_ticket.request_type"


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def open_form(bot: Bot, user: str, channel: str | None = None) -> tuple[dict[str, Any], Call]:
    """`/ticket` (in `channel`): the modal as sent, and the views.open call (its id)."""
    before = len(bot.slack.calls("views.open"))
    extra = {"channel_id": channel} if channel else {}
    response = bot.http.command(
        "/ticket",
        "",
        user,
        trigger_id=bot.slack.issue_trigger_id(),
        response_url=bot.slack.issue_response_url(),
        **extra,
    )
    assert response.status == 200, response.body
    call = bot.slack.wait_for("views.open", count=before + 1)[before]
    return call.args["view"], call


def typed_state(title: str, type_id: str | None, **fields: dict[str, Any]) -> dict[str, Any]:
    """The modal's state as Slack sends it: block_id → action_id → the element's value."""
    values: dict[str, Any] = {
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "description": {"value": {"type": "plain_text_input", "value": None}},
        "priority": {"value": {"type": "static_select", "selected_option": {"value": "medium"}}},
    }
    if type_id is not None:
        values["request_type"] = {
            TYPE_ACTION: {"type": "static_select", "selected_option": {"value": type_id}}
        }
    for block_id, element in fields.items():
        values[block_id] = {"value": element}
    return values


def choose_type(bot: Bot, user: str, opened: Call, type_id: str, title: str) -> Call:
    """The person picks a type in the open modal: Slack's block_actions from a view."""
    view = {**opened.response["view"], "state": {"values": typed_state(title, type_id)}}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A000001",
        "token": "deprecated",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": bot.slack.issue_trigger_id(),
        "team": TEAM,
        "view": view,
        "actions": [
            {
                "type": "static_select",
                "action_id": TYPE_ACTION,
                "block_id": "request_type",
                "selected_option": {
                    "text": {"type": "plain_text", "text": type_id},
                    "value": type_id,
                },
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    before = len(bot.slack.calls("views.update"))
    response = bot.http.interact(payload)
    assert response.status == 200, response.body
    return bot.slack.wait_for("views.update", count=before + 1)[before]


def submit(bot: Bot, user: str, view: dict[str, Any], values: dict[str, Any]) -> Any:
    payload = view_submission(user, view, {})
    payload["view"]["state"] = {"values": values}
    response = bot.http.interact(payload)
    assert response.status == 200, response.body
    return body_json(response) if response.body not in (b"", b"{}") else {}


def cards(slack: FakeSlack) -> list[Call]:
    """The tickets' cards as posted (whichever team's channel they went to)."""
    return [
        c
        for c in slack.calls("chat.postMessage")
        if not c.args.get("thread_ts") and "fields" in str(c.args.get("blocks"))
    ]


def test_choosing_a_type_shows_its_fields_keeping_the_title_then_a_ticket_with_them(
    desk_bot: Bot,
) -> None:
    slack = desk_bot.slack
    modal, opened = open_form(desk_bot, ALICE)
    select = modal["blocks"][0]
    assert select["label"]["text"] == "Request type"
    assert [o["text"]["text"] for o in select["element"]["options"]] == [
        "Hardware defect",
        "Access",
    ]
    update = choose_type(desk_bot, ALICE, opened, "hardware", title="Dock flickers")
    assert update.args["view_id"] == opened.response["view"]["id"]
    assert update.args["hash"] == opened.response["view"]["hash"]
    updated = update.args["view"]
    blocks = {b.get("block_id"): b for b in updated["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Dock flickers"
    assert blocks["field.hardware.asset_tag"]["label"]["text"] == "Asset tag"
    assert blocks["field.hardware.asset_tag"]["optional"] is False
    assert blocks["field.hardware.floor"]["element"]["type"] == "static_select"
    assert blocks["field.hardware.since"]["element"]["type"] == "datepicker"
    assert blocks["request_type"]["element"]["initial_option"]["value"] == "hardware"

    # The required asset tag left empty, the date wrong: both told, nothing stored.
    shown = {**updated, "id": opened.response["view"]["id"]}
    wrong = typed_state(
        "Dock flickers",
        "hardware",
        **{
            "field.hardware.floor": {
                "type": "static_select",
                "selected_option": {"value": "1. OG"},
            },
            "field.hardware.since": {"type": "datepicker", "selected_date": "2026-02-30"},
        },
    )
    answer = submit(desk_bot, ALICE, shown, wrong)
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "field.hardware.asset_tag": "“Asset tag” must be filled in.",
        "field.hardware.since": "“Since” must be a date.",
    }
    assert cards(slack) == []

    right = typed_state(
        "Dock flickers",
        "hardware",
        **{
            "field.hardware.asset_tag": {"type": "plain_text_input", "value": "A-17 <@U0BOSS01>"},
            "field.hardware.floor": {
                "type": "static_select",
                "selected_option": {"value": "1. OG"},
            },
            "field.hardware.owner": {"type": "users_select", "selected_user": "U0OWNER01"},
        },
    )
    assert submit(desk_bot, ALICE, shown, right) == {}
    slack.wait_for(lambda _: bool(cards(slack)))
    [card] = cards(slack)
    fields = next(b for b in card.args["blocks"] if b.get("block_id") == "fields")
    # What was typed stays text: no mention made of it.
    # What was typed stays text; the person chosen in the people picker is named.
    assert fields["text"]["text"].splitlines() == [
        "*Asset tag:* A-17 &lt;@U0BOSS01&gt;",
        "*Floor:* 1. OG",
        "*Owner:* <@U0OWNER01>",
    ]
    shown_ticket = desk_bot.command(ALICE, "show 1")
    assert "*Asset tag:* A-17" in str(shown_ticket.json().get("blocks"))
    # Found by a field's value, a person's as Slack sends a mention in a command.
    for words in ('search field:floor="1. og"', "search field:owner=<@U0OWNER01|owner>"):
        found = desk_bot.command(ALICE, words).json()
        assert "#1" in str(found.get("blocks")), words
    nothing = desk_bot.command(ALICE, "search field:floor=EG").json()
    assert "#1" not in str(nothing.get("blocks"))


def test_in_german_the_select_and_the_errors_are_german_and_the_intake_team_first(
    desk_bot: Bot,
) -> None:
    desk_bot.slack.set_locale(ALICE, "de-DE")
    modal, opened = open_form(desk_bot, ALICE, channel="C0HELPHR01")
    select = modal["blocks"][0]
    assert select["label"]["text"] == "Art der Anfrage"
    # Typed in HR's intake channel: HR's types first.
    assert [o["value"] for o in select["element"]["options"]] == ["access", "hardware"]
    update = choose_type(desk_bot, ALICE, opened, "access", title="VPN")
    shown = {**update.args["view"], "id": opened.response["view"]["id"]}
    answer = submit(desk_bot, ALICE, shown, typed_state("VPN", "access"))
    assert answer["errors"] == {"field.access.system": "„System“ muss ausgefüllt sein."}


def test_a_choice_from_an_older_state_of_the_form_leaves_the_newer_one(desk_bot: Bot) -> None:
    """Two quick choices: the second is made from the form as it was before the first
    changed it; Slack refuses its update (hash_conflict) and the person sees the first."""
    slack = desk_bot.slack
    _, opened = open_form(desk_bot, ALICE)
    first = choose_type(desk_bot, ALICE, opened, "hardware", title="Dock")
    assert first.ok
    second = choose_type(desk_bot, ALICE, opened, "access", title="Dock")
    assert second.response["error"] == "hash_conflict"
    # Nothing to apologise for: no message to the person.
    assert slack.calls("chat.postEphemeral") == []
    assert slack.calls("chat.postMessage") == []
