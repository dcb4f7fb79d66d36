"""`flashticket shell` driven by a script on standard input: the whole ticket story."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import clean_environment

STORY = """\
help
as @alice
/ticket Printer on fire

Smoke comes out of the back
1
click 1
as @admin
/ticket-admin grant @sam support
as @sam
click 1
click 8
Please unplug it and wait ten minutes.
choose 6 2
as @alice
reply 1 Unplugged, it is cold now.
/ticket show 1
dm
"""


def run_shell(tmp_path: Path, script: str, *args: str) -> str:
    env = clean_environment()
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", *args],
        cwd=tmp_path,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_shell_walks_the_whole_story(tmp_path: Path) -> None:
    out = run_shell(tmp_path, STORY)
    # Everything happened in a database of its own under ./data, with no network.
    assert (tmp_path / "data" / "shell.db").exists()
    assert "click N" in out  # help explains the console
    # The form, field by field, and the ticket it opened.
    assert "┌ form: New ticket" in out
    assert "│ Title [Printer on fire]:" in out
    assert "Your ticket *#1* “Printer on fire” has been received" in out
    assert "== #1 Printer on fire ==" in out
    assert "*Priority*: High" in out
    # A plain user is refused on the support buttons.
    assert "You are not allowed to assign tickets." in out
    # An admin grants support; support takes it, replies and resolves.
    assert "@sam is now Support." in out
    assert "@sam changed the status of *#1*: New → *In progress*" in out
    assert "*Support reply* from @sam:" in out
    assert "> Please unplug it and wait ten minutes." in out
    assert "@sam changed the status of *#1*: In progress → *Resolved*" in out
    # The reporter answers in the DM thread; the answer reaches the support thread.
    assert "@alice (reporter) wrote:" in out
    assert "> Unplugged, it is cold now." in out
    shown = out[out.index("@alice> /ticket show 1") :]
    assert "Resolved" in shown
    assert "Reporter reply @alice: Unplugged, it is cold now." in shown


def test_form_errors_are_shown_and_asked_again(tmp_path: Path) -> None:
    script = "as @bob\n/ticket\n\n\n2\nKeyboard\n\n\n/ticket list\n"
    out = run_shell(tmp_path, script)
    assert "│ ! The title must not be empty." in out
    assert "Your ticket *#1* “Keyboard” has been received" in out
    assert "Your open tickets (1)" in out


def test_the_shell_speaks_german(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "as @bob\n/ticket Drucker\n\n\n\n", "--language", "de")
    assert "┌ form: Neues Ticket" in out
    assert "Ihr Ticket *#1* „Drucker“ ist eingegangen" in out
    assert "*Status*: Neu" in out


def test_unknown_console_commands_and_bad_numbers_are_explained(tmp_path: Path) -> None:
    out = run_shell(tmp_path, "frobnicate\nclick 99\nreply 5 hello\n/other\n")
    assert "Unknown console command `frobnicate`" in out
    assert "Which one?" in out
    assert "Usage: `reply N text`" in out
    assert "There is no /other here" in out
