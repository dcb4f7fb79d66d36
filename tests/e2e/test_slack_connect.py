"""People of another organisation (Slack Connect, SPEC "Nobody is left out of the loop"):
with FLASHTICKET_EXTERNAL_REPORTERS off (the default) they are told politely that the
help desk is internal and nothing is made, whichever way they try; with it on they are
taken like anyone. Their payloads carry their own team: `user.team_id` in clicks,
shortcuts and submissions, `user_team` and `team` in message events; a reaction names
none, the reactor's profile (users.info) does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.words import translate
from flashticket_core.errors import TicketError
from flashticket_core.i18n import Language
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import event_envelope, view_submission

GENERAL = "C0GENERAL1"
PARTNER = "UPARTNER01"
PARTNER_TEAM = "T0PARTNER1"
INTERNAL_ONLY = translate("bot.external.internal_only", Language.EN)


def told(slack: FakeSlack) -> list[str]:
    """Every text the bot said to the partner, wherever it said it."""
    return [
        str(c.args.get("text"))
        for c in slack.calls()
        if c.method in ("chat.postMessage", "chat.postEphemeral", "response_url")
        and INTERNAL_ONLY[:30] in str(c.args.get("text"))
    ]


def as_partner(payload: dict[str, Any]) -> dict[str, Any]:
    payload["user"]["team_id"] = PARTNER_TEAM
    return payload


def partner_dm(slack: FakeSlack) -> dict[str, Any]:
    dm = "D" + PARTNER[1:]
    message = slack.person_posts(PARTNER, dm, "Our invoice portal is down")
    return {
        "type": "message",
        "channel": dm,
        "channel_type": "im",
        "user": PARTNER,
        "user_team": PARTNER_TEAM,
        "source_team": PARTNER_TEAM,
        "team": PARTNER_TEAM,
        "text": message.text,
        "ts": message.ts,
        "event_ts": message.ts,
    }


def test_people_of_another_organisation_are_told_the_help_desk_is_internal(bot: Bot) -> None:
    slack = bot.slack
    slack.set_channel(GENERAL, is_private=False, name="general")
    message = slack.person_posts(PARTNER, GENERAL, "Printer in the shared office jams")

    # A DM to the bot: no offer to open a ticket, told once however often redelivered.
    dm = bot.http.event({**_envelope(partner_dm(slack)), "event_id": "Ev0PARTNERDM"})
    assert dm.status == 200
    assert (
        bot.http.event({**_envelope(partner_dm(slack)), "event_id": "Ev0PARTNERDM"}).status == 200
    )
    # The ticket reaction: Slack's reaction_added names no team; the profile does.
    slack.set_team(PARTNER, PARTNER_TEAM)
    reaction = slack.reaction_added(PARTNER, message, "ticket")
    assert "user_team" not in reaction
    assert "team" not in reaction
    assert bot.http.event({**_envelope(reaction), "event_id": "Ev0PARTNERRE"}).status == 200
    # The message shortcut.
    shortcut = as_partner(slack.message_shortcut(PARTNER, message, "ticket.from_message"))
    assert bot.http.interact(shortcut).status == 200
    # /ticket, from their own workspace.
    command = bot.http.command(
        "/ticket", "Portal down", PARTNER, trigger_id=slack.issue_trigger_id(), team_id=PARTNER_TEAM
    )
    assert command.status == 200
    assert INTERNAL_ONLY in json.dumps(json.loads(command.body))
    # A form they still had open: refused on the form, nothing stored.
    form = {"type": "modal", "callback_id": "new_ticket", "blocks": []}
    values = {
        "title": {"type": "plain_text_input", "value": "Portal down"},
        "description": {"type": "plain_text_input", "value": ""},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
    }
    submitted = bot.http.interact(as_partner(view_submission(PARTNER, form, values)))
    assert submitted.status == 200
    assert json.loads(submitted.body)["response_action"] == "errors"

    # The DM, the reaction and the shortcut were each answered once (the listeners are
    # done when their requests are answered); no form opened, no offer, no ticket.
    assert len(told(slack)) == 3, told(slack)
    assert slack.calls("views.open") == []
    assert not [c for c in slack.calls("chat.postMessage") if c.args.get("blocks")]
    with pytest.raises(TicketError):
        bot.running.core.desk.queries.show(ADMIN, 1)


def _envelope(event: dict[str, Any]) -> dict[str, Any]:
    return event_envelope(event)


@pytest.fixture
def open_bot(database_url: str, slack: FakeSlack) -> Iterator[Bot]:
    settings = bot_settings(database_url, slack, flashticket_external_reporters=True)
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def test_with_external_reporters_on_they_are_taken_like_anyone(open_bot: Bot) -> None:
    slack = open_bot.slack
    slack.set_channel(GENERAL, is_private=False, name="general")
    message = slack.person_posts(PARTNER, GENERAL, "Printer in the shared office jams")
    shortcut = as_partner(slack.message_shortcut(PARTNER, message, "ticket.from_message"))
    assert open_bot.http.interact(shortcut).status == 200
    view = slack.wait_for("views.open")[0].args["view"]
    assert view["blocks"][0]["element"]["initial_value"] == "Printer in the shared office jams"
    assert told(slack) == []
