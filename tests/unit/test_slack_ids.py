"""Slack's ID syntax, which only the bot knows: what is a person, and what is not."""

from __future__ import annotations

import pytest

from bot.slack_ids import is_channel_id, is_user_id, user_of_mention
from flashticket_core.service_layer.common import is_person_id


@pytest.mark.parametrize("bad", ["", "bob", "<@U123>", "U" + "1" * 40, "C0123456", "U123\n"])
def test_what_is_not_a_user_id(bad: str) -> None:
    assert not is_user_id(bad)


@pytest.mark.parametrize("good", ["U123", "W0ENTERPRISE1", "UALICE0001"])
def test_user_ids_are_user_ids_and_people_to_the_core(good: str) -> None:
    assert is_user_id(good)
    assert is_person_id(good)


@pytest.mark.parametrize(
    ("word", "user"),
    [
        ("<@U123|Sam Smith>", "U123"),
        ("<@W0ABC>", "W0ABC"),
        ("U0ALICE01", "U0ALICE01"),
        ("@sam", None),
        ("<@C0123456>", None),
        ("<@U123", None),
    ],
)
def test_a_person_named_in_a_command(word: str, user: str | None) -> None:
    assert user_of_mention(word) == user


def test_channels_the_help_desk_posts_in() -> None:
    assert is_channel_id("C0SUPPORT1")
    assert is_channel_id("G0PRIVATE1")
    assert not is_channel_id("D0DM00001")
    assert not is_channel_id("#support")
