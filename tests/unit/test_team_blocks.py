"""`/ticket-admin teams` fits any desk file in one Slack message: at most 50 blocks, each
section within Slack's limit, the teams left out counted."""

from __future__ import annotations

from bot.blocks.common import SECTION_MAX
from bot.blocks.teams import teams
from flashticket_core.desk_file import parse_desk_text
from flashticket_core.domain.enums import MemberSource
from flashticket_core.i18n import Language


def test_a_large_desk_fits_one_message() -> None:
    fields = ", ".join(f"{{id: f{n}, label: {'L' * 90}{n}, type: text}}" for n in range(40))
    lines = ["teams:"]
    lines += [f"  - {{id: t{n}, name: Team {n}, channel: C0T{n:04d}}}" for n in range(60)]
    lines.append("request_types:")
    lines += [f"  - {{id: k{n}, name: Kind {n}, team: t0, fields: [{fields}]}}" for n in range(5)]
    structure = parse_desk_text("\n".join(lines) + "\n", source="desk.yaml")

    blocks = teams(Language.EN, structure)

    assert len(blocks) <= 50
    assert all(len(block["text"]["text"]) <= SECTION_MAX for block in blocks)
    assert blocks[-1]["text"]["text"].startswith("… and 12 more teams")
    assert blocks[1]["text"]["text"].endswith("…")  # the first team's many fields, clipped


def test_members_show_by_where_they_come_from_and_a_private_team_without_any() -> None:
    structure = parse_desk_text(
        "teams:\n"
        "  - {id: it, name: IT, channel: C0IT, members: [USAM000001], usergroup: S0IT}\n"
        "  - {id: hr, name: HR, channel: G0HR, private: true}\n",
        source="desk.yaml",
    )
    members = {
        "it": {MemberSource.USERGROUP: ["UALICE0001"], MemberSource.GRANT: ["UBOB000001"]},
    }

    texts = [block["text"]["text"] for block in teams(Language.DE, structure, members)]

    assert texts[1].splitlines()[1:4] == [
        "Mitglieder (Desk-Datei): <@USAM000001>",
        "Mitglieder (Benutzergruppe <!subteam^S0IT>): <@UALICE0001>",
        "Mitglieder (vergeben): <@UBOB000001>",
    ]
    assert "Mitglieder: keine benannt; nur Administratoren" in texts[2]
