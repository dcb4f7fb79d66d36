"""Who Slack shows away (bot/availability.py), against the fake Slack over HTTP: the
presence `away`, a status emoji of FLASHTICKET_AWAY_EMOJI that has not expired; each
answer kept for five minutes, the periodic read refreshing only what runs out soon, and
Slack failing counted as available and not asked again at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.availability import SlackAvailability
from tests.fakes.slack_api import FakeSlack


class Clocks:
    def __init__(self) -> None:
        self.monotonic = 1000.0
        self.wall = 1_800_000_000.0


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


def availability(slack: FakeSlack, clocks: Clocks) -> SlackAvailability:
    client = WebClient(token=slack.bot_token, base_url=slack.base_url)
    return SlackAvailability(
        client,
        frozenset({"palm_tree", "face_with_thermometer"}),
        clock=lambda: clocks.monotonic,
        wall_clock=lambda: clocks.wall,
    )


def test_presence_and_status_emoji_make_someone_away(slack: FakeSlack, clocks: Clocks) -> None:
    slack.set_away("UAWAY00001")
    slack.set_status("UHOLIDAY01", ":palm_tree:")
    slack.set_status("USICK00001", ":face_with_thermometer:", expiration=int(clocks.wall) + 60)
    slack.set_status("UWELL00001", ":face_with_thermometer:", expiration=int(clocks.wall) - 60)
    slack.set_status("ULUNCH0001", ":hamburger:")
    people = ["UAWAY00001", "UHOLIDAY01", "USICK00001", "UWELL00001", "ULUNCH0001", "UHERE00001"]
    known = availability(slack, clocks)
    assert known.away(people) == {"UAWAY00001", "UHOLIDAY01", "USICK00001"}
    # The sick note runs out while the answer is kept: its end is read from the profile.
    clocks.wall += 120
    assert known.away(people) == {"UAWAY00001", "UHOLIDAY01"}


def test_answers_are_kept_and_read_again_once_old(slack: FakeSlack, clocks: Clocks) -> None:
    known = availability(slack, clocks)
    assert known.away(["UANNA00001"]) == frozenset()
    slack.set_away("UANNA00001")
    clocks.monotonic += 299
    assert known.away(["UANNA00001"]) == frozenset()  # still what Slack said before
    assert len(slack.calls("users.getPresence")) == 1
    clocks.monotonic += 2
    assert known.away(["UANNA00001"]) == {"UANNA00001"}
    assert len(slack.calls("users.getPresence")) == 2


def test_the_periodic_read_refreshes_only_what_runs_out_soon(
    slack: FakeSlack, clocks: Clocks
) -> None:
    known = availability(slack, clocks)
    assert known.refresh(["UANNA00001", "UBEN000001"]) == 2
    assert known.refresh(["UANNA00001", "UBEN000001"]) == 0  # fresh for 5 min, next in 4
    clocks.monotonic += 61
    assert known.refresh(["UANNA00001", "UBEN000001"]) == 2
    calls = len(slack.calls("users.getPresence"))
    known.away(["UANNA00001", "UBEN000001"])  # a new ticket: nothing to ask Slack
    assert len(slack.calls("users.getPresence")) == calls


def test_slack_failing_counts_as_available_and_is_not_asked_again_at_once(
    slack: FakeSlack, clocks: Clocks
) -> None:
    slack.set_away("UANNA00001")
    slack.fail_next("users.getPresence", error="ratelimited")
    known = availability(slack, clocks)
    assert known.away(["UANNA00001"]) == frozenset()
    assert known.away(["UANNA00001"]) == frozenset()
    assert len(slack.calls("users.getPresence")) == 1
    clocks.monotonic += 61
    assert known.away(["UANNA00001"]) == {"UANNA00001"}
