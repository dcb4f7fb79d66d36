"""`/ticket-admin grant` as a real workspace sends it: the slash commands have
`should_escape: true`, so a person picked from Slack's autocomplete arrives as
`<@U…|name>`; a typed `@name` arrives as plain text and is answered with how to pick."""

from __future__ import annotations

import pytest

from bot.manifest import manifest
from flashticket_core.domain.enums import Role
from tests.bot_harness import Bot
from tests.conftest import ADMIN, BOB

SAM = "USAM000001"


def answer(bot: Bot, text: str) -> str:
    response = bot.command(ADMIN, text, command="/ticket-admin")
    assert response.status == 200
    return str(response.json()["text"])


@pytest.mark.parametrize("socket_mode", [False, True])
def test_both_slash_commands_escape_mentions(socket_mode: bool) -> None:
    commands = manifest(url="https://t.example", socket_mode=socket_mode)["features"][
        "slash_commands"
    ]
    assert {c["command"]: c["should_escape"] for c in commands} == {
        "/ticket": True,
        "/ticket-admin": True,
    }


@pytest.mark.parametrize(
    "person",
    [f"<@{SAM}|sam>", f"<@{SAM}>", SAM, f"<@{SAM}|Sam Smith>", f"<@{SAM}|sam.smith-2>"],
)
def test_grant_takes_every_form_slack_sends_a_person_in(bot: Bot, person: str) -> None:
    assert "is now Support" in answer(bot, f"grant {person} support")
    assert bot.running.core.desk.roles.role_of(SAM) is Role.SUPPORT
    assert "is now User" in answer(bot, f"revoke {person}")
    assert bot.running.core.desk.roles.role_of(SAM) is Role.USER


@pytest.mark.parametrize("command", ["grant @sam support", "revoke @sam"])
def test_a_typed_name_is_answered_with_how_to_pick_the_person(bot: Bot, command: str) -> None:
    told = answer(bot, command)
    assert "“@sam”" in told
    assert "pick the person" in told
    assert "not a Slack user" not in told
    assert bot.running.core.desk.roles.list_roles(ADMIN) == [(ADMIN, Role.ADMIN, True)]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        # Slack's own markup for @channel, decoded to what the person saw, never live.
        ("grant @<!channel> support", "“@@channel”"),
        # What Slack sends when someone types `@<!channel>` literally: shown as typed.
        ("grant @&lt;!channel&gt; support", "“@&lt;!channel&gt;”"),
    ],
)
def test_a_typed_name_cannot_inject_markup_into_the_answer(bot: Bot, sent: str, shown: str) -> None:
    told = answer(bot, sent)
    assert "<!channel>" not in told
    assert shown in told


def test_something_else_is_not_a_user(bot: Bot) -> None:
    assert "is not a Slack user" in answer(bot, "grant C0123456 support")
    assert bot.running.core.desk.roles.role_of(BOB) is Role.USER


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("grant <!channel> support", "“@channel” is not a Slack user"),
        (f"grant <@{SAM}> &lt;!here&gt;", "&lt;!here&gt;"),
        (f"grant <@{SAM}> <https://evil.example|support>", "support (https://evil.example)"),
    ],
)
def test_words_quoted_back_in_a_refusal_are_never_live(bot: Bot, sent: str, shown: str) -> None:
    told = answer(bot, sent)
    assert shown in told
    assert "<!" not in told
    assert "<http" not in told
    assert "&amp;" not in told
