"""`/ticket-admin teams`: an administrator sees the desk's teams with their channel,
privacy, members by where they come from (the desk file; the user group, as last read
from Slack) and request types with their fields' labels, in English and German; anyone
else is refused. Without a desk file the desk is the one team Support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import SUPPORT_CHANNEL, Bot, bot_settings
from tests.conftest import ADMIN, ALICE
from tests.fakes.slack_api import FakeSlack

DESK = """\
teams:
  - id: it
    name: IT-Support
    channel: C0IT000001
    members: [USAM000001, UBOB000001]
    usergroup: S0ITSUPPORT
  - {id: hr, name: HR & People, channel: G0HR000001, private: true}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG]}
  - {id: access, name: Access, team: it}
"""


def answer(bot: Bot, user: str) -> tuple[str, str]:
    response = bot.command(user, "teams", command="/ticket-admin")
    assert response.status == 200
    body: dict[str, Any] = response.json()
    shown = "\n".join(block["text"]["text"] for block in body.get("blocks", []))
    return str(body["text"]), shown


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def test_an_admin_sees_every_team_its_people_and_its_request_types(desk_bot: Bot) -> None:
    title, shown = answer(desk_bot, ADMIN)
    assert title == "Teams of the help desk (2)"
    assert shown.splitlines() == [
        "*Teams of the help desk (2)*",
        "*IT-Support* (`it`) · channel <#C0IT000001>",
        "Members (desk file): <@USAM000001>, <@UBOB000001>",
        "Members (user group <!subteam^S0ITSUPPORT>): not read from Slack yet",
        "Request types:",
        "• Hardware defect (`hardware`): Asset tag, Floor",
        "• Access (`access`): no fields of its own",
        "*HR &amp; People* (`hr`) · channel <#G0HR000001> · private",
        "Members: none named; administrators only",
        "Request types: none",
    ]


def test_in_german_for_a_german_speaking_admin(desk_bot: Bot) -> None:
    desk_bot.slack.set_locale(ADMIN, "de-DE")
    title, shown = answer(desk_bot, ADMIN)
    assert title == "Teams des Helpdesks (2)"
    assert "*IT-Support* (`it`) · Kanal <#C0IT000001>" in shown
    assert "Mitglieder (Desk-Datei): <@USAM000001>, <@UBOB000001>" in shown
    assert "Mitglieder (Benutzergruppe <!subteam^S0ITSUPPORT>): noch nicht aus Slack gelesen" in (
        shown
    )
    assert "Anfragearten:\n• Hardware defect (`hardware`): Asset tag, Floor" in shown
    assert "• Access (`access`): keine eigenen Felder" in shown
    assert "· privat\nMitglieder: keine benannt; nur Administratoren\nAnfragearten: keine" in shown


def test_without_a_desk_file_the_desk_is_the_one_team_support(bot: Bot) -> None:
    title, shown = answer(bot, ADMIN)
    assert title == "Teams of the help desk (1)"
    assert shown.splitlines()[1:] == [
        f"*Support* (`support`) · channel <#{SUPPORT_CHANNEL}>",
        "Members: none named; everyone with the support role",
        "Request types: none",
    ]


def test_anyone_but_an_admin_is_refused(desk_bot: Bot) -> None:
    desk_bot.command(ADMIN, f"grant <@{ALICE}> support", command="/ticket-admin")
    title, shown = answer(desk_bot, ALICE)
    assert "IT-Support" not in title + shown
    assert "teams of the help desk (administrators only)" in title + shown
