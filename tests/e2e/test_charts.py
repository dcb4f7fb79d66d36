"""The dashboard's charts outside the core: sent by `/ticket stats` to the asker's DM
with Slack's file upload flow, or written locally by `flashticket stats` without Slack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE
from tests.integration.test_charts import PNG_SIGNATURE, pixels
from tests.processes import clean_environment


def test_stats_command_sends_both_charts_to_the_askers_dm(bot: Bot) -> None:
    bot.open_ticket(ALICE, "Printer", priority="high")
    answer = bot.command(ADMIN, "stats 7")
    assert "Help desk statistics (last 7 days)" in json.dumps(answer.json())
    complete = bot.slack.wait_for("files.completeUploadExternal")[-1]
    assert complete.ok
    assert (
        complete.args["channel_id"]
        == bot.slack.calls("conversations.open")[-1].response["channel"]["id"]
    )
    files = complete.args["files"]
    assert len(files) == 2
    for entry in files:
        uploaded = bot.slack.upload(entry["id"])
        assert uploaded is not None
        assert uploaded.startswith(PNG_SIGNATURE)


def flashticket(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=clean_environment(FLASHTICKET_LANGUAGE="de"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_local_stats_writes_pngs_and_key_figures_without_slack(tmp_path: Path) -> None:
    assert flashticket(tmp_path, "migrate").returncode == 0
    result = flashticket(tmp_path, "stats", "--out", "charts")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "charts"
    assert pixels((out / "tickets-by-status-per-month.png").read_bytes()) == (500, 1000, 4)
    assert pixels((out / "open-tickets-by-priority.png").read_bytes()) == (600, 600, 4)
    assert "Helpdesk-Statistik" in (out / "kpis.txt").read_text(encoding="utf-8")
    assert str(out / "kpis.txt") in result.stdout


def test_local_stats_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    result = flashticket(tmp_path, "stats", "--out", "charts")
    assert result.returncode != 0
    (line,) = result.stderr.strip().splitlines()
    assert "DATABASE_URL is not set" in line
    assert "flashticket migrate" in line
    assert list(tmp_path.iterdir()) == []  # no data folder, no empty tickets.db, no charts
