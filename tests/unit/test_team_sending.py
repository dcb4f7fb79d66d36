"""Where a team's messages go and what they are called: the team's channel from the desk
structure (the support channel for a team it does not know, or without a desk file), and
the team's name in its digest, escaped once; a digest's team survives the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk import WebClient

from bot.blocks.digest import digest_blocks, digest_text
from bot.sending.digest import digest_team
from bot.sending.slack import Slack
from flashticket_core.desk_file import DeskStructure
from flashticket_core.desk_file.models import Team, single_team
from flashticket_core.i18n import Language
from flashticket_core.service_layer.digest import Digest

TWO_TEAMS = DeskStructure(
    teams=(
        Team(id="it", name="IT-Support", channel="C0IT"),
        Team(id="hr", name="HR & <!here> People", channel="G0HR", private=True),
    )
)


def slack(desk: DeskStructure | None) -> Slack:
    return Slack(
        client=WebClient(token="xoxb-unused"),
        support_channel="C0SUPPORT",
        escalation_channel="C0SUPPORT",
        lang=Language.EN,
        language_of=lambda _person: Language.EN,
        desk=desk,
    )


def test_a_team_posts_in_its_own_channel() -> None:
    desk = slack(TWO_TEAMS)
    assert desk.team_channel("it") == "C0IT"
    assert desk.team_channel("hr") == "G0HR"
    # A team the desk file no longer names: the support channel, not nowhere.
    assert desk.team_channel("finance") == "C0SUPPORT"


def test_without_a_desk_file_everything_goes_to_the_support_channel() -> None:
    assert slack(None).team_channel("support") == "C0SUPPORT"
    assert slack(single_team(None)).team_channel("support") == "C0SUPPORT"
    assert slack(single_team("C0SUPPORT")).team_channel("support") == "C0SUPPORT"
    # One team: its digest need not say whose it is.
    assert digest_team(slack(single_team("C0SUPPORT")), "support") is None
    assert digest_team(slack(TWO_TEAMS), "hr") == "HR & <!here> People"


def test_a_teams_digest_names_the_team_escaped_once() -> None:
    digest = Digest(day=date(2026, 12, 2), open=0, unassigned=0, waiting=0, team="hr")
    name = digest_team(slack(TWO_TEAMS), digest.team)
    text = digest_text(Language.EN, digest, name)
    assert text.startswith("*Morning digest of HR &amp; &lt;!here&gt; People, ")
    blocks: list[dict[str, Any]] = digest_blocks(Language.DE, digest, name)
    assert blocks[0]["text"]["text"].startswith("Morgenübersicht von HR & <!here> People vom ")
    # Without a team, the digest reads as it always did.
    assert digest_text(Language.EN, digest).startswith("*Morning digest, ")


def test_a_digests_team_survives_the_outbox() -> None:
    digest = Digest(day=date(2026, 12, 2), open=1, unassigned=1, waiting=0, team="hr", of_team=True)
    again = Digest.from_payload(digest.payload())
    assert (again.team, again.of_team, again.team_filter) == ("hr", True, "hr")
    # A digest queued before teams: Support's, of every ticket.
    old = {"day": "2026-12-02", "open": 1, "unassigned": 0, "waiting": 0}
    assert (Digest.from_payload(old).team, Digest.from_payload(old).team_filter) == (
        "support",
        None,
    )
