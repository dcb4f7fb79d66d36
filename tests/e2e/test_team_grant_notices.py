"""A grant or revoke of support in one team through the signed `/ticket-admin` command,
as a global grant is: recorded in the role audit trail with its team, told to the person
by DM in their language (English, German), and their App Home refreshed when they
have it open; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashticket_core.domain.enums import Role
from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, BOB
from tests.e2e.test_home import open_home
from tests.fakes.slack_api import Call, FakeSlack

DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001}
  - {id: hr, name: HR & People, channel: G0HR000001, private: true}
"""


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def admin(bot: Bot, text: str) -> str:
    response = bot.command(ADMIN, text, command="/ticket-admin")
    assert response.status == 200
    return str(response.json()["text"])


def dms_to(bot: Bot, user: str, count: int) -> list[str]:
    """The first `count` messages the bot posted in the person's DM, once there."""

    def posted(calls: list[Call]) -> list[Call]:
        return [c for c in calls if c.method == "chat.postMessage" and c.args["channel"] == user]

    bot.slack.wait_for(lambda calls: len(posted(calls)) >= count)
    return [str(c.args["text"]) for c in posted(bot.slack.calls())]


def trail(bot: Bot) -> list[tuple[str, str | None, str | None, str | None, str]]:
    history = bot.running.core.desk.roles.role_history(ADMIN, BOB)
    return [(c.field, c.old, c.new, c.team, c.actor_id) for c in history]


def test_a_team_grant_and_revoke_are_recorded_and_told_like_a_global_one(desk_bot: Bot) -> None:
    assert "is now Support" in admin(desk_bot, f"grant <@{BOB}> support")
    assert "is now support in the team `hr`" in admin(desk_bot, f"grant <@{BOB}|bob> support hr")
    assert "no longer granted support" in admin(desk_bot, f"revoke <@{BOB}> hr")
    # Said again, nothing changes: nothing recorded, nobody told.
    assert "had no grant of support" in admin(desk_bot, f"revoke <@{BOB}> hr")
    assert trail(desk_bot) == [
        (BOB, Role.USER, Role.SUPPORT, None, ADMIN),
        (BOB, Role.USER, Role.SUPPORT, "hr", ADMIN),
        (BOB, Role.SUPPORT, Role.USER, "hr", ADMIN),
    ]
    assert dms_to(desk_bot, BOB, 3) == [
        f"<@{ADMIN}> gave you the role *Support* in the help desk.",
        f"<@{ADMIN}> made you support in the team *HR &amp; People* of the help desk: "
        "its tickets are yours to work.",
        f"<@{ADMIN}> took back your support in the team *HR &amp; People* of the help desk.",
    ]


def test_in_german_the_commands_and_the_dms(desk_bot: Bot) -> None:
    desk_bot.slack.set_locale(BOB, "de-DE")
    desk_bot.slack.set_locale(ADMIN, "de-AT")
    assert "ist jetzt Support im Team `it`" in admin(desk_bot, f"vergeben <@{BOB}> support it")
    assert "hat keinen vergebenen Support" in admin(desk_bot, f"entziehen <@{BOB}> it")
    assert dms_to(desk_bot, BOB, 2) == [
        f"<@{ADMIN}> hat Sie im Helpdesk zum Support des Teams *IT-Support* gemacht: "
        "Sie bearbeiten jetzt seine Tickets.",
        f"<@{ADMIN}> hat Ihnen im Helpdesk den Support im Team *IT-Support* entzogen.",
    ]
    assert [row[3] for row in trail(desk_bot)] == ["it", "it"]


def test_the_persons_open_home_is_refreshed_to_show_the_teams_queue(desk_bot: Bot) -> None:
    before_grant = open_home(desk_bot, BOB)
    assert "Key figures" not in json.dumps(before_grant)
    published = len(desk_bot.slack.calls("views.publish"))
    admin(desk_bot, f"grant <@{BOB}> support it")
    later = desk_bot.slack.wait_for("views.publish", count=published + 1, timeout=30)[published]
    assert later.args["user_id"] == BOB
    assert "Key figures" in json.dumps(later.args["view"])
    published = len(desk_bot.slack.calls("views.publish"))
    admin(desk_bot, f"revoke <@{BOB}> it")
    later = desk_bot.slack.wait_for("views.publish", count=published + 1, timeout=30)[published]
    assert later.args["user_id"] == BOB
    assert "Key figures" not in json.dumps(later.args["view"])
