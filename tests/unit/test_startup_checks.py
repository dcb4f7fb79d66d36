"""Start-up never deletes what it does not own: the metrics folder is checked before
anything in it is removed, and only prometheus_client's own files are ever removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.startup_checks import StartupError, stale_metrics_files


def test_only_the_metrics_own_files_are_stale(tmp_path: Path) -> None:
    names = ["counter_12.db", "histogram_12.db", "gauge_livesum_7.db", "gauge_all_3.db"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    stale = stale_metrics_files(str(tmp_path), "postgresql://db/flashticket")
    assert sorted(path.name for path in stale) == sorted(names)


@pytest.mark.parametrize(
    "foreign", ["tickets.db", "backup-2026-12-01.db", "counter_x.db", "notes.txt", "sub"]
)
def test_a_folder_with_anything_else_is_refused_and_left_alone(
    tmp_path: Path, foreign: str
) -> None:
    (tmp_path / "counter_1.db").write_bytes(b"")
    if foreign == "sub":
        (tmp_path / foreign).mkdir()
    else:
        (tmp_path / foreign).write_bytes(b"mine")
    with pytest.raises(StartupError, match="not metrics"):
        stale_metrics_files(str(tmp_path), "postgresql://db/flashticket")
    assert {p.name for p in tmp_path.iterdir()} == {"counter_1.db", foreign}


def test_the_database_folder_is_refused_even_before_the_database_exists(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="holds the database"):
        stale_metrics_files(str(tmp_path), f"sqlite:///{tmp_path / 'tickets.db'}")
