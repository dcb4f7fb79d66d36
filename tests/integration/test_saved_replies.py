"""A team's saved replies in the database, on SQLite and PostgreSQL: the desk file's
first, then those saved in chat, oldest first; a title once per team; at most 100 per
team; what is refused changes nothing; a private team's are named to its members alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.model import REPLIES_PER_TEAM_MAX
from flashticket_core.errors import InvalidInput, NotAllowed, NotFound
from tests.conftest import ADMIN, ALICE, Clock

SAM, ANNA = "U0SAM00001", "U0ANNA0001"
DESK = f"""\
teams:
  - id: it
    name: IT
    channel: C0IT
    members: [{SAM}]
    saved_replies:
      - {{id: vpn, title: VPN, text: "VPN for {{reporter}}"}}
  - {{id: hr, name: HR, channel: G0HR, private: true, members: [{ANNA}]}}
"""


@pytest.fixture
def desk_core(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_support_channel="C0SUPPORT",
        flashticket_desk_file=str(desk_file),
        flashticket_admins=ADMIN,
    )
    core = bootstrap(settings, clock=clock)
    yield core
    core.close()


def titles(core: Core, actor: str, team: str | None = None) -> list[str]:
    return [reply.title for reply in core.desk.replies.listing(actor, team)]


def test_replies_are_kept_per_team_in_order(desk_core: Core) -> None:
    replies = desk_core.desk.replies
    mail = replies.add(SAM, "IT", "  Mail   quota ", "Your mailbox is full, {reporter}.")
    assert (mail.team_id, mail.title, mail.in_desk_file) == ("it", "Mail quota", False)
    replies.add(SAM, "it", "Printer", "Restart it.")
    replies.add(ANNA, "hr", "Leave", "Approved.")
    assert titles(desk_core, SAM) == ["VPN", "Mail quota", "Printer"]
    assert titles(desk_core, ADMIN) == ["VPN", "Mail quota", "Printer", "Leave"]
    assert titles(desk_core, ANNA) == ["Leave"]
    ticket = desk_core.desk.tickets.open_ticket(ALICE, title="Mail")
    _summary, offered = replies.for_ticket(SAM, ticket.id)
    assert [reply.key for reply in offered] == ["vpn", mail.key, str(int(mail.key) + 1)]
    assert replies.remove(SAM, mail.key).title == "Mail quota"
    assert titles(desk_core, SAM, "it") == ["VPN", "Printer"]


def test_refusals_change_nothing(desk_core: Core) -> None:
    replies = desk_core.desk.replies
    stored = replies.add(ANNA, "hr", "Leave", "Approved.")
    with pytest.raises(NotAllowed):
        replies.add(ALICE, "it", "Mine", "x")
    with pytest.raises(InvalidInput, match="Unknown team"):
        replies.add(SAM, "hr", "Leak", "x")
    with pytest.raises(NotFound):
        replies.remove(SAM, stored.key)
    with pytest.raises(InvalidInput, match="in the desk file"):
        replies.remove(SAM, "vpn")
    with pytest.raises(InvalidInput, match="already"):
        replies.add(SAM, "it", "vpn", "again")
    with pytest.raises(InvalidInput, match="at most 75"):
        replies.add(SAM, "it", "t" * 76, "x")
    with pytest.raises(InvalidInput, match="needs a text"):
        replies.add(SAM, "it", "Empty", "   ")
    assert titles(desk_core, ADMIN) == ["VPN", "Leave"]


def test_a_team_keeps_at_most_a_selects_worth(desk_core: Core) -> None:
    replies = desk_core.desk.replies
    for n in range(REPLIES_PER_TEAM_MAX - 1):  # the desk file's one, and these
        replies.add(ADMIN, "it", f"Reply {n}", "x")
    with pytest.raises(InvalidInput, match="100 saved replies"):
        replies.add(ADMIN, "it", "One more", "x")
    assert len(titles(desk_core, ADMIN, "it")) == REPLIES_PER_TEAM_MAX
