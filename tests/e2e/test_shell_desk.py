"""`flashticket shell --desk FILE`: the example desk file (IT and a private HR) loads as
`serve` would load it, the console's workspace has each team's channels and user group,
each team's morning digest shows in its own channel, and `channel NAME` shows any
channel; a wrong desk file is the same one line as for `serve`."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.console.console_clock import ConsoleClock
from bot.console.shell import SUPPORT_CHANNEL, Shell
from bot.console.workspace import user_id_for
from bot.settings import Settings
from bot.startup_checks import checked_desk_file
from flashticket_core.bootstrap import bootstrap
from tests.e2e.test_shell import run_shell
from tests.processes import ROOT, clean_environment

EXAMPLE = ROOT / "examples" / "desk.yaml"


def test_the_example_desk_file_is_two_teams_it_and_a_private_hr() -> None:
    desk = checked_desk_file(str(EXAMPLE))
    assert [(team.id, team.private) for team in desk.teams] == [("it", False), ("hr", True)]
    assert [kind.team for kind in desk.request_types] == ["it", "it", "hr"]


def test_the_console_sets_up_each_teams_channels_and_sends_each_its_digest(
    sqlite_database_url: str,
) -> None:
    # Wednesday 2 December 2026, 08:30 in Berlin: the digest is due at 09:00.
    clock = ConsoleClock(real=lambda: datetime(2026, 12, 2, 7, 30, tzinfo=UTC))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=sqlite_database_url,
        flashticket_admins=user_id_for("admin"),
        flashticket_support_channel=SUPPORT_CHANNEL,
        flashticket_timezone="Europe/Berlin",
        flashticket_digest_time="09:00",
        flashticket_desk_file=str(EXAMPLE),
    )
    core = bootstrap(settings, clock=clock, support_channel=SUPPORT_CHANNEL)
    out = io.StringIO()
    try:
        with Shell(core, out, admins=["admin"], clock=clock) as shell:
            workspace = shell.workspace
            script = [
                "as @alice",
                "/ticket VPN down",
                "1",  # Hardware defect: its title kept from the command
                "",
                "",
                "1",
                "A-17",
                "",
                "",  # nobody else to keep informed
                "post #help-it My screen is black",
                "react 1",
                "channel nope",
                "clock +1h",
                "channel it",
                "channel #hr",
                "as @admin",
                "/ticket stats it",
                "/ticket-admin teams",
            ]
            shell.run(iter(script), interactive=False)
            shell.settle()
            it_posts = [m.text for m in workspace.messages_in("CITTRIAGE")]
            hr_posts = [m.text for m in workspace.messages_in("GHRTRIAGE")]
            it_digests = [p for p in it_posts if p.startswith("*Morning digest")]
            setups = {
                channel: workspace.channel_setup(channel)
                for channel in ("CITTRIAGE", "GHRTRIAGE", "CHELPIT", "GHRESCAL")
            }
            it_group = workspace.usergroup_handle("SITSUPPORT")
    finally:
        core.close()
    text = out.getvalue()
    # Each team's channel, private where the team is, with the bot in it.
    assert {channel: (s.name, s.is_private, s.is_member) for channel, s in setups.items()} == {
        "CITTRIAGE": ("it", False, True),
        "GHRTRIAGE": ("hr", True, True),
        "CHELPIT": ("help-it", False, True),
        "GHRESCAL": ("hr-escalations", True, True),
    }
    assert it_group == "it-team"
    # The digests: one per team, in the team's channel, of the team's tickets.
    assert len(it_digests) == 1
    assert it_digests[0].startswith("*Morning digest of IT-Support, ")
    assert "Open: *2*" in it_digests[0]
    # IT's two tickets' cards are in IT's channel too: the form's (its title kept from
    # the command when the type was chosen) and the one made from #help-it.
    assert "Ticket #1: VPN down (New)" in it_posts
    assert "Ticket #2: My screen is black (New)" in it_posts
    assert len(hr_posts) == 1
    assert "Open: *0*" in hr_posts[0]
    # What the person at the console saw.
    assert "<1> (you wrote in #help-it) My screen is black" in text
    assert "There is no channel `nope` here; there are #support, #it, #help-it, #hr," in text
    shown_it = text.split("@alice> channel it\n", 1)[1].split("@alice>", 1)[0]
    assert shown_it.startswith("[#it]\n  == #1 VPN down ==")
    assert "  == Morning digest of IT-Support, 2026-12-02 ==" in shown_it
    assert "@alice> channel #hr\n[#hr]\n  == Morning digest of HR, 2026-12-02 ==" in text
    assert "== Statistics of IT-Support (last 30 days) ==" in text
    assert "Open: 2 (New 2" in text
    assert "IT-Support (it) · channel #it" in text
    assert "Members (desk file): @sam, @kim\n  Members (user group @it-team): @kim, @sam" in text
    assert "HR (hr) · channel #hr · private" in text


def test_shell_desk_through_the_command_line(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "channel hr\nchannel\n", "--desk", str(EXAMPLE))
    assert "[#hr]: nothing yet" in out
    assert "[#it]: nothing yet" in out  # `channel` alone: the first team's


def test_a_wrong_desk_file_stops_the_shell_in_one_line(tmp_path: Path) -> None:
    wrong = tmp_path / "desk.yaml"
    wrong.write_text("teams:\n  - {id: it, name: IT, channel: not-a-channel}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", "--desk", str(wrong)],
        cwd=tmp_path,
        env=clean_environment(),
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"flashticket: {wrong}: teams[0] (it).channel: 'not-a-channel' is not a channel ID "
        "such as C0123456789\n"
    )
    assert not (tmp_path / "data").exists()  # nothing was made
