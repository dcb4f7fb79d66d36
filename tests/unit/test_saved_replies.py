"""Saved replies on their own: the desk file's `saved_replies` and its errors (file,
entry, problem), the select of the reply form within Slack's limits, and the filling of
the placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.blocks.modals import ENTRY_INPUT_MAX, entry_modal
from bot.blocks.saved_replies import filled_in, saved_reply_select
from bot.cli import main
from flashticket_core.desk_file import DeskFileError, parse_desk_text
from flashticket_core.domain.enums import EntryKind
from flashticket_core.i18n import Language
from flashticket_core.service_layer.saved_replies import SavedReplyView

TEAM = "teams:\n  - id: it\n    name: IT\n    channel: C0IT\n    saved_replies:\n"


def parsed(replies: str) -> object:
    return parse_desk_text(TEAM + replies, source="desk.yaml")


def test_a_desk_files_saved_replies_are_read_in_order() -> None:
    structure = parse_desk_text(
        TEAM
        + '      - {id: vpn_reset, title: VPN reset, text: "Hello {reporter}"}\n'
        + "      - id: passwort\n        title: Passwort\n        text: |\n          Hallo,\n          erledigt.\n",
        source="desk.yaml",
    )
    replies = structure.teams[0].saved_replies
    assert [(r.id, r.title) for r in replies] == [
        ("vpn_reset", "VPN reset"),
        ("passwort", "Passwort"),
    ]
    assert replies[0].text == "Hello {reporter}"
    assert replies[1].text == "Hallo,\nerledigt."


@pytest.mark.parametrize(
    ("replies", "problem"),
    [
        (
            '      - {id: "42", title: T, text: x}\n',
            "desk.yaml: teams[0] (it).saved_replies[0] (42).id: the id '42' needs a letter",
        ),
        (
            "      - {id: Vpn, title: T, text: x}\n",
            "desk.yaml: teams[0] (it).saved_replies[0] (Vpn).id: the id 'Vpn' must be",
        ),
        (
            "      - {id: a, title: T}\n",
            "desk.yaml: teams[0] (it).saved_replies[0] (a).text: is missing",
        ),
        (
            "      - {id: a, title: T, text: x, txt: y}\n",
            "desk.yaml: teams[0] (it).saved_replies[0] (a).txt: is not a key of this entry",
        ),
        (
            "      - {id: a, title: " + "t" * 76 + ", text: x}\n",
            "desk.yaml: teams[0] (it).saved_replies[0] (a).title: string should have at most 75",
        ),
        (
            "      - {id: a, title: T, text: " + "x" * 3001 + "}\n",
            "desk.yaml: teams[0] (it).saved_replies[0] (a).text: string should have at most 3000",
        ),
        (
            "      - {id: a, title: T, text: x}\n      - {id: a, title: U, text: y}\n",
            "desk.yaml: teams[0] (it).saved_replies: duplicate saved reply id 'a'",
        ),
        (
            "".join(f"      - {{id: r{n}, title: T{n}, text: x}}\n" for n in range(101)),
            "desk.yaml: teams[0] (it).saved_replies: tuple should have at most 100 items",
        ),
    ],
)
def test_a_wrong_saved_reply_names_the_file_the_entry_and_the_problem(
    replies: str, problem: str
) -> None:
    with pytest.raises(DeskFileError) as raised:
        parsed(replies)
    assert str(raised.value).startswith(problem), str(raised.value)


def test_a_saved_reply_id_is_unique_across_teams() -> None:
    text = (
        TEAM
        + "      - {id: hello, title: T, text: x}\n"
        + "  - id: hr\n    name: HR\n    channel: C0HR\n    saved_replies:\n"
        + "      - {id: hello, title: T, text: x}\n"
    )
    with pytest.raises(
        DeskFileError,
        match=r"teams\[1\] \(hr\)\.saved_replies: duplicate saved reply id 'hello': teams\[0\] \(it\)",
    ):
        parse_desk_text(text, source="desk.yaml")


def reply(n: int, title: str = "", text: str = "x") -> SavedReplyView:
    return SavedReplyView(str(n), "it", title or f"Reply {n}", text, in_desk_file=False)


def test_the_select_keeps_within_slacks_limits() -> None:
    replies = [reply(n, title="T" * 200 if n == 0 else "") for n in range(130)]
    select = saved_reply_select(Language.EN, replies)["element"]
    assert len(select["options"]) == 100
    assert len(select["options"][0]["text"]["text"]) == 75
    assert select["options"][0]["text"]["text"].endswith("…")
    assert select["placeholder"]["text"] == "Insert a saved reply"
    assert saved_reply_select(Language.DE, replies)["label"]["text"] == ("Textbaustein einfügen")


def test_placeholders_are_filled_once_and_unknown_ones_stay() -> None:
    values = {"reporter": "@alice", "ticket": "#7", "title": "{reporter} <@U123>"}
    text = "Hi {reporter}, {ticket} {title} {assignee} {other} {Reporter}"
    assert (
        filled_in(text, values, 3000)
        == "Hi @alice, #7 {reporter} <@U123> {assignee} {other} {Reporter}"
    )


def test_a_long_reply_is_cut_to_the_inputs_length() -> None:
    long = "{title} " + "x" * 3000
    filled = filled_in(long, {"title": "A title"}, ENTRY_INPUT_MAX)
    assert len(filled) == ENTRY_INPUT_MAX
    assert filled.endswith("…")
    modal = entry_modal(
        Language.EN, ticket_id=1, kind=EntryKind.SUPPORT_REPLY, text=filled, generation=3
    )
    field = next(b for b in modal["blocks"] if b["block_id"].startswith("text"))
    assert field["block_id"] == "text.3"
    assert len(field["element"]["initial_value"]) <= field["element"]["max_length"]


def test_a_note_form_offers_no_saved_replies() -> None:
    modal = entry_modal(Language.EN, ticket_id=1, kind=EntryKind.INTERNAL_NOTE, replies=[reply(1)])
    assert all(block["block_id"] != "saved_reply" for block in modal["blocks"])


def test_desk_check_counts_the_saved_replies_and_names_a_wrong_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(
        TEAM + "      - {id: vpn, title: VPN, text: x}\n      - {id: mail, title: Mail, text: y}\n"
    )
    assert main(["desk", "check", str(path)]) == 0
    assert "team it (IT): channel C0IT, 2 saved replies" in capsys.readouterr().out
    path.write_text(TEAM + "      - {id: vpn, title: VPN}\n")
    assert main(["desk", "check", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"flashticket: {path}: teams[0] (it).saved_replies[0] (vpn).text: is missing\n"
    )
