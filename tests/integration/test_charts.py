"""The dashboard's charts: the right numbers, real PNGs of the expected size, sent to the
person who asked with Slack's file upload flow, or written locally without Slack."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib import image

from flashticket_core import charts
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.services import TicketService
from tests.bot_harness import Bot
from tests.conftest import ADMIN, ALICE, SUPPORT, Clock
from tests.processes import clean_environment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pixels(png: bytes) -> tuple[int, ...]:
    assert png.startswith(PNG_SIGNATURE)
    return tuple(image.imread(io.BytesIO(png), format="png").shape)


def test_status_per_month_counts_tickets_in_the_month_they_opened(
    service: TicketService, clock: Clock
) -> None:
    clock.now = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    january = service.open_ticket(ALICE, title="last second of January").id
    clock.now = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC)
    service.open_ticket(ALICE, title="first second of February")
    service.change_status(SUPPORT, january, Status.RESOLVED)
    stats = service.statistics(SUPPORT)
    assert list(stats.status_per_month)[-2:] == ["2026-01", "2026-02"]
    assert stats.status_per_month["2026-01"][Status.RESOLVED] == 1
    assert stats.status_per_month["2026-01"][Status.NEW] == 0
    assert stats.status_per_month["2026-02"][Status.NEW] == 1
    assert sum(sum(c.values()) for c in stats.status_per_month.values()) == 2


@pytest.mark.parametrize("tickets", [0, 1, 40])
@pytest.mark.parametrize("lang", list(Language))
def test_charts_are_pngs_of_the_expected_size(
    service: TicketService, tickets: int, lang: Language
) -> None:
    priorities = list(Priority)
    for n in range(tickets):
        service.open_ticket(ALICE, title=f"Ticket {n}", priority=priorities[n % 3])
    stats = service.statistics(SUPPORT)
    assert pixels(charts.status_per_month_png(stats, lang)) == (500, 1000, 4)
    assert pixels(charts.priority_pie_png(stats, lang)) == (600, 600, 4)


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


def test_local_stats_writes_pngs_and_key_figures_without_slack(tmp_path: Path) -> None:
    env = clean_environment(FLASHTICKET_LANGUAGE="de")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "stats", "--out", "charts"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "charts"
    assert pixels((out / "tickets-by-status-per-month.png").read_bytes()) == (500, 1000, 4)
    assert pixels((out / "open-tickets-by-priority.png").read_bytes()) == (600, 600, 4)
    assert "Helpdesk-Statistik" in (out / "kpis.txt").read_text(encoding="utf-8")
    assert str(out / "kpis.txt") in result.stdout
