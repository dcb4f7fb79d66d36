"""Saved replies as Slack drives them: `/ticket-admin replies` (and its German words)
adds, lists and removes a team's replies, for admins and the team's support only, a
private team's to its members alone; the reply form offers the ticket's team's replies,
and choosing one updates the form in place (views.update with the view's hash) with its
text in a text input of a new block_id, placeholders filled in, the title as typed (sent
escaped once); what is sent is what was edited; "Save as reply" after a sent reply
stores it for the ticket's team. On both databases; without a desk file too."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack_requests import TEAM, block_action, view_submission

SAM = "U0SAM00001"  # IT's member (the desk file)
ANNA = "U0ANNA0001"  # HR's member: HR is private
DESK = f"""\
teams:
  - id: it
    name: IT-Support
    channel: {SUPPORT_CHANNEL}
    members: [{SAM}]
    saved_replies:
      - id: vpn_reset
        title: VPN reset
        text: "Hello {{reporter}}, about {{ticket}} ({{title}}): {{assignee}} reset your VPN. {{unknown}} stays."
      - {{id: passwort, title: Passwort zurückgesetzt, text: "Hallo {{reporter}}, dein Passwort ist zurückgesetzt."}}
  - id: hr
    name: HR
    channel: G0HR000001
    members: [{ANNA}]
    private: true
    saved_replies:
      - {{id: payslip, title: Payslip secret, text: "Your payslip is on its way."}}
"""
HOSTILE_TITLE = "VPN <@U0EVIL0001> <!channel> <https://x.example|y> & co"
PICK = "support_reply.saved_reply"
SAVE = "support_reply.save_as_reply"


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def admin_says(bot: Bot, user: str, text: str) -> str:
    """`/ticket-admin <text>` as Slack sends it (should_escape): the answer's text."""
    response = bot.command(user, text, command="/ticket-admin")
    assert response.status == 200, response.body
    answer = response.json()
    return str(answer["text"]) + json.dumps(answer.get("blocks") or [])


def open_reply_form(bot: Bot, user: str, ticket_id: int) -> Call:
    before = len(bot.slack.calls("views.open"))
    assert bot.click(user, ticket_id, "ticket.reply").status == 200
    return bot.slack.wait_for("views.open", count=before + 1)[before]


def select_of(view: dict[str, Any]) -> dict[str, Any] | None:
    """The select "Insert a saved reply": an input that acts at once (dispatch_action)."""
    block = next((b for b in view["blocks"] if b["block_id"] == "saved_reply"), None)
    if block is None:
        return None
    assert block["type"] == "input"
    assert block["dispatch_action"] is True
    assert block["element"]["action_id"] == PICK
    element: dict[str, Any] = block["element"]
    return element


def choose(bot: Bot, user: str, view: dict[str, Any], key: str, typed: str) -> Call:
    """The person picks a saved reply in the open form, having typed `typed`."""
    text_block = next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith("text"))
    state = {text_block: {"value": {"type": "plain_text_input", "value": typed}}}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A000001",
        "token": "deprecated",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": bot.slack.issue_trigger_id(),
        "team": TEAM,
        "view": {**view, "state": {"values": state}},
        "actions": [
            {
                "type": "static_select",
                "action_id": PICK,
                "block_id": "saved_reply",
                "selected_option": {"text": {"type": "plain_text", "text": key}, "value": key},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    before = len(bot.slack.calls("views.update"))
    response = bot.http.interact(payload)
    assert response.status == 200, response.body
    return bot.slack.wait_for("views.update", count=before + 1)[before]


def text_input(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b["block_id"].startswith("text"))


def test_admin_adds_lists_and_removes_a_teams_saved_replies(desk_bot: Bot) -> None:
    added = admin_says(
        desk_bot, ADMIN, "replies add it Printer jam | Hi {reporter}, open the tray."
    )
    assert "added to `it`" in added
    listing = admin_says(desk_bot, ADMIN, "replies list it")
    assert "VPN reset" in listing
    assert "(desk file)" in listing
    assert "Printer jam" in listing
    assert "Payslip" not in listing  # another team's
    assert "Payslip secret" in admin_says(desk_bot, ADMIN, "replies list")  # admins: all
    # A reply of the desk file is changed there; one saved in Slack is removed.
    assert "in the desk file" in admin_says(desk_bot, ADMIN, "replies remove vpn_reset")
    stored_id = added.split("`")[1]
    assert "removed" in admin_says(desk_bot, ADMIN, f"replies remove {stored_id}")
    assert "Printer jam" not in admin_says(desk_bot, ADMIN, "replies list it")
    assert "no saved reply" in admin_says(desk_bot, ADMIN, f"replies remove {stored_id}").lower()
    # Bad input is answered with the usage and changes nothing.
    assert "Usage" in admin_says(desk_bot, ADMIN, "replies add it No text at all")
    assert "already" in admin_says(desk_bot, ADMIN, "replies add it vpn RESET | again")
    assert "did you mean" in admin_says(desk_bot, ADMIN, "replies lsit").lower()
    assert "replies" in admin_says(desk_bot, ADMIN, "replys list")


def test_who_may_manage_saved_replies_and_a_private_teams_stay_hidden(desk_bot: Bot) -> None:
    assert "not allowed" in admin_says(desk_bot, ALICE, "replies list")
    assert "not allowed" in admin_says(desk_bot, ALICE, "replies add it T | x")
    # IT's support manages IT's, and never hears of HR's.
    assert "added" in admin_says(desk_bot, SAM, "replies add it Toner | New toner is coming.")
    sams = admin_says(desk_bot, SAM, "replies list")
    assert "Toner" in sams
    assert "VPN reset" in sams
    assert "Payslip" not in sams
    assert "Unknown team" in admin_says(desk_bot, SAM, "replies add hr Leak | x")
    assert "Unknown team" in admin_says(desk_bot, SAM, "replies list hr")
    assert "no saved reply" in admin_says(desk_bot, SAM, "replies remove payslip").lower()
    hr_added = admin_says(desk_bot, ANNA, "replies add hr Leave | Your leave is approved.")
    hr_id = hr_added.split("`")[1]
    assert "no saved reply" in admin_says(desk_bot, SAM, f"replies remove {hr_id}").lower()
    annas = admin_says(desk_bot, ANNA, "replies list")
    assert "Leave" in annas
    assert "Payslip secret" in annas
    assert "Toner" not in annas


def test_german_words(desk_bot: Bot) -> None:
    desk_bot.slack.set_locale(ADMIN, "de-DE")
    added = admin_says(desk_bot, ADMIN, "textbausteine hinzufügen it Drucker | Hallo {reporter}")
    assert "Textbaustein" in added
    assert "angelegt" in added
    listing = admin_says(desk_bot, ADMIN, "textbausteine liste it")
    assert "Textbausteine" in listing
    assert "(Desk-Datei)" in listing
    assert "Drucker" in listing
    assert "entfernt" in admin_says(
        desk_bot, ADMIN, f"textbausteine entfernen {added.split('`')[1]}"
    )
    assert "Desk-Datei" in admin_says(desk_bot, ADMIN, "textbausteine entfernen vpn_reset")
    ticket_id = desk_bot.open_ticket(ALICE, "Kein VPN")
    form = open_reply_form(desk_bot, ADMIN, ticket_id).args["view"]
    select = select_of(form)
    assert select is not None
    assert select["placeholder"]["text"] == "Textbaustein einfügen"


def test_the_reply_form_fills_in_a_saved_reply_to_edit_and_send(desk_bot: Bot) -> None:
    ticket_id = desk_bot.open_ticket(ALICE, HOSTILE_TITLE)
    assert desk_bot.click(SAM, ticket_id, "ticket.take").status == 200
    desk_bot.slack.wait_for(lambda _: "In progress" in json.dumps(desk_bot.card(ticket_id).args))
    opened = open_reply_form(desk_bot, SAM, ticket_id)
    select = select_of(opened.args["view"])
    assert select is not None
    assert select["placeholder"]["text"] == "Insert a saved reply"
    # The ticket's team's replies, not HR's.
    assert [o["value"] for o in select["options"]] == ["vpn_reset", "passwort"]

    update = choose(desk_bot, SAM, opened.response["view"], "vpn_reset", "typed before")
    assert update.args["hash"] == opened.response["view"]["hash"]
    updated = update.response["view"]
    field = text_input(updated)
    # A new block_id: Slack shows the new text, not what was typed.
    assert field["block_id"] == "text.1"
    filled = field["element"]["initial_value"]
    # People by the names Slack shows (users.info), as plain text the form can hold.
    reporter_name, sam_name = ALICE.lower(), SAM.lower()
    assert filled == (
        f"Hello @{reporter_name}, about #{ticket_id} ({HOSTILE_TITLE}): "
        f"@{sam_name} reset your VPN. {{unknown}} stays."
    )
    assert select_of(updated) is not None  # another may still be chosen

    # Choosing again gives the input yet another block_id.
    again = choose(desk_bot, SAM, updated, "passwort", filled)
    assert text_input(again.response["view"])["block_id"] == "text.2"

    edited = filled.replace("reset your VPN", "renewed your VPN certificate")
    final = again.response["view"]
    payload = view_submission(
        SAM, final, {"text.2": {"type": "plain_text_input", "value": edited}}, view_id=final["id"]
    )
    response = desk_bot.http.interact(payload)
    assert response.status == 200
    assert response.body in (b"", b"{}"), response.body
    desk_bot.slack.wait_for(
        lambda _: any("renewed your VPN certificate" in t for t in desk_bot.dm_thread(ticket_id))
    )
    sent = next(t for t in desk_bot.dm_thread(ticket_id) if "renewed" in t)
    # The title escaped once: no live mention, broadcast or link, and no `&amp;lt;`.
    assert "&lt;@U0EVIL0001&gt; &lt;!channel&gt; &lt;https://x.example|y&gt; &amp; co" in sent
    assert "<@U0EVIL0001>" not in sent
    assert "<!channel>" not in sent
    assert "&amp;lt;" not in sent


def test_the_form_offers_no_select_without_replies_and_refuses_a_stranger(desk_bot: Bot) -> None:
    ticket_id = desk_bot.open_ticket(ALICE, "VPN")
    opened = len(desk_bot.slack.calls("views.open"))
    assert desk_bot.click(ALICE, ticket_id, "ticket.reply").status == 200
    assert "not allowed" in desk_bot.slack.wait_for("response_url")[-1].args["text"]
    assert len(desk_bot.slack.calls("views.open")) == opened
    # A pick of a reply the team does not have (HR's) changes nothing.
    form = open_reply_form(desk_bot, SAM, ticket_id)
    before = len(desk_bot.slack.calls("views.update"))
    view = form.response["view"]
    payload = block_action(SAM, PICK, selected="payslip")
    payload.update(container={"type": "view", "view_id": view["id"]}, view=view)
    del payload["channel"], payload["message"]
    assert desk_bot.http.interact(payload).status == 200
    assert len(desk_bot.slack.calls("views.update")) == before


def test_save_as_reply_after_a_sent_reply(desk_bot: Bot) -> None:
    ticket_id = desk_bot.open_ticket(ALICE, "Printer")
    form = open_reply_form(desk_bot, SAM, ticket_id).response["view"]
    text = "Please switch the printer off and on <again> & tell me."
    response = desk_bot.submit(SAM, form, {"text": {"type": "plain_text_input", "value": text}})
    assert response.status == 200
    told = desk_bot.slack.wait_for("chat.postEphemeral")[-1]
    assert told.args["channel"] == SUPPORT_CHANNEL
    assert told.args["user"] == SAM
    assert f"#{ticket_id} went out" in told.args["text"]
    button = next(e for b in told.args["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["text"]["text"] == "Save as reply"
    before = len(desk_bot.slack.calls("views.open"))
    click = block_action(
        SAM,
        SAVE,
        value=button["value"],
        trigger_id=desk_bot.slack.issue_trigger_id(),
        response_url=desk_bot.slack.issue_response_url(),
    )
    assert desk_bot.http.interact(click).status == 200
    opened = desk_bot.slack.wait_for("views.open", count=before + 1)[before]
    modal = opened.args["view"]
    assert modal["callback_id"] == "save_reply"
    assert text_input(modal)["element"]["initial_value"] == text
    # A plain user cannot open it from a button they somehow got.
    stolen = block_action(
        ALICE, SAVE, value=button["value"], trigger_id=desk_bot.slack.issue_trigger_id()
    )
    desk_bot.http.interact(stolen)
    assert len(desk_bot.slack.calls("views.open")) == before + 1

    saved = desk_bot.submit(
        SAM,
        opened.response["view"],
        {
            "title": {"type": "plain_text_input", "value": "Printer restart"},
            "text": {"type": "plain_text_input", "value": text + " Thanks, {reporter}!"},
        },
    )
    assert saved.status == 200
    assert saved.body in (b"", b"{}"), saved.body
    told_saved = desk_bot.slack.wait_for("chat.postEphemeral", count=2)[-1]
    assert told_saved.args["channel"] == SUPPORT_CHANNEL
    assert "Saved as reply" in told_saved.args["text"]
    listing = admin_says(desk_bot, SAM, "replies list it")
    assert "Printer restart" in listing
    # Its title taken: told under the title, nothing stored.
    again = desk_bot.submit(
        SAM,
        opened.response["view"],
        {
            "title": {"type": "plain_text_input", "value": "printer RESTART"},
            "text": {"type": "plain_text_input", "value": "x"},
        },
    )
    assert "title" in again.json()["errors"]
    next_form = open_reply_form(desk_bot, SAM, ticket_id).args["view"]
    select = select_of(next_form)
    assert select is not None
    assert "Printer restart" in [o["text"]["text"] for o in select["options"]]


def test_without_a_desk_file_the_one_team_has_saved_replies(bot: Bot) -> None:
    assert "added to `support`" in admin_says(
        bot, ADMIN, "replies add support Hello | Hi {reporter}"
    )
    ticket_id = bot.open_ticket(ALICE, "Mail")
    select = select_of(open_reply_form(bot, ADMIN, ticket_id).args["view"])
    assert select is not None
    assert [o["text"]["text"] for o in select["options"]] == ["Hello"]


def test_a_choice_from_an_older_form_loses_to_the_newer_one_quietly(desk_bot: Bot) -> None:
    ticket_id = desk_bot.open_ticket(ALICE, "VPN")
    opened = open_reply_form(desk_bot, SAM, ticket_id).response["view"]
    newer = choose(desk_bot, SAM, opened, "vpn_reset", "")
    assert newer.response["ok"] is True
    # The same (older) form again: Slack refuses the update by its hash; nobody is told.
    stale = choose(desk_bot, SAM, opened, "passwort", "")
    assert stale.response == {"ok": False, "error": "hash_conflict"}
    assert "went wrong" not in json.dumps([call.args for call in desk_bot.slack.calls()])
