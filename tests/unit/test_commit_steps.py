"""What a commit runs is one named, ordered list, and the README's diagram shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flashticket_core.bootstrap import clock_policy
from flashticket_core.config import Settings
from flashticket_core.service_layer.unit_of_work import commit_steps

README = Path(__file__).resolve().parents[2] / "README.md"


def steps() -> list[str]:
    policy = clock_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    return [step.name for step in commit_steps(policy, lambda: datetime(2026, 1, 5, tzinfo=UTC))]


def test_a_commit_brings_the_timers_up_to_date_then_writes_the_outbox() -> None:
    assert steps() == ["timers", "outbox"]


def test_the_readme_diagram_shows_the_commit_steps_in_order() -> None:
    line = "commit: " + " ".join(f"{n}. {name}" for n, name in enumerate(steps(), 1))
    assert line in README.read_text(encoding="utf-8")
