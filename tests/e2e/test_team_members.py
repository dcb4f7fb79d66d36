"""Team membership through Slack: `/ticket-admin grant @x support <team>` and
`revoke @x <team>`, in English and German, as the signed slash command arrives; the
team's Slack user group read into its members by the periodic job (at start, then each
round), a failing read keeping the last members; `/ticket-admin teams` listing members
by where they come from."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import Bot, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.fakes.slack_api import FakeSlack

SAM = "USAM000001"
DESK = """\
teams:
  - id: it
    name: IT-Support
    channel: C0IT000001
    members: [USAM000001]
    usergroup: S0ITSUPPORT
  - {id: hr, name: HR, channel: G0HR000001, private: true}
"""


@pytest.fixture
def desk_bot(sqlite_database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    slack.set_usergroup("S0ITSUPPORT", handle="it-support", users=[ALICE])
    settings = bot_settings(sqlite_database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def answer(bot: Bot, text: str) -> str:
    response = bot.command(ADMIN, text, command="/ticket-admin")
    assert response.status == 200
    return str(response.json()["text"])


def teams_of(bot: Bot, user: str) -> frozenset[str]:
    return bot.running.core.desk.roles.actor_of(user).teams  # type: ignore[no-any-return]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """The scheduler's first round runs in its own thread as the bot starts."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def refresh_round(bot: Bot) -> Any:
    """One round of the declared periodic job, run here instead of in ten minutes."""
    job = bot.running.scheduler.get_job("team-members")
    assert job is not None
    return job.func()


def test_grant_and_revoke_support_in_a_team_in_english(desk_bot: Bot) -> None:
    assert answer(desk_bot, f"grant <@{BOB}|bob> support it") == (
        f"<@{BOB}> is now support in the team `it`."
    )
    assert teams_of(desk_bot, BOB) == frozenset({"it"})
    assert "already is support in the team `it`" in answer(desk_bot, f"grant <@{BOB}> support it")
    assert answer(desk_bot, f"revoke <@{BOB}> it") == (
        f"<@{BOB}> is no longer granted support in the team `it`."
    )
    assert teams_of(desk_bot, BOB) == frozenset()
    # A desk file's member stays one: changed in the file, not here.
    assert "had no grant of support" in answer(desk_bot, f"revoke <@{SAM}> it")
    assert teams_of(desk_bot, SAM) == frozenset({"it"})


def test_grant_and_revoke_support_in_a_team_in_german(desk_bot: Bot) -> None:
    desk_bot.slack.set_locale(ADMIN, "de-DE")
    assert answer(desk_bot, f"vergeben <@{BOB}> support hr") == (
        f"<@{BOB}> ist jetzt Support im Team `hr`."
    )
    assert teams_of(desk_bot, BOB) == frozenset({"hr"})
    assert answer(desk_bot, f"entziehen <@{BOB}> hr") == (
        f"<@{BOB}> hat keinen vergebenen Support im Team `hr` mehr."
    )
    assert teams_of(desk_bot, BOB) == frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"grant <@{BOB}> support payroll", "Unknown team “payroll”; use it, hr."),
        (f"grant <@{BOB}> admin it", "In a team one grants support alone"),
        (f"grant <@{BOB}> support it extra", "Usage:"),
    ],
)
def test_a_wrong_team_grant_is_answered_and_changes_nothing(
    desk_bot: Bot, text: str, expected: str
) -> None:
    assert expected in answer(desk_bot, text)
    assert teams_of(desk_bot, BOB) == frozenset()


def test_the_user_group_is_read_at_start_and_each_round(
    desk_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    wait_until(lambda: teams_of(desk_bot, ALICE) == frozenset({"it"}))
    call = desk_bot.slack.calls("usergroups.users.list")[0]
    assert call.args["usergroup"] == "S0ITSUPPORT"
    desk_bot.slack.set_usergroup("S0ITSUPPORT", handle="it-support", users=[BOB])
    assert refresh_round(desk_bot) == 1
    assert teams_of(desk_bot, BOB) == frozenset({"it"})
    assert teams_of(desk_bot, ALICE) == frozenset()
    # Slack fails to answer: the members stay as last read, and it is logged once.
    desk_bot.slack.fail_next("usergroups.users.list", 2, error="no_such_subteam")
    with caplog.at_level(logging.WARNING, logger="flashticket"):
        assert refresh_round(desk_bot) == 0
        assert refresh_round(desk_bot) == 0
    assert teams_of(desk_bot, BOB) == frozenset({"it"})
    warnings = [r for r in caplog.records if "S0ITSUPPORT" in r.getMessage()]
    assert len(warnings) == 1
    assert "no_such_subteam" in warnings[0].getMessage()


def test_teams_lists_members_by_where_they_come_from(desk_bot: Bot) -> None:
    wait_until(lambda: teams_of(desk_bot, ALICE) == frozenset({"it"}))
    answer(desk_bot, f"grant <@{BOB}> support hr")
    response = desk_bot.command(ADMIN, "teams", command="/ticket-admin")
    shown = "\n".join(block["text"]["text"] for block in response.json()["blocks"])
    assert f"Members (desk file): <@{SAM}>" in shown
    assert f"Members (user group <!subteam^S0ITSUPPORT>): <@{ALICE}>" in shown
    assert f"Members (granted): <@{BOB}>" in shown
