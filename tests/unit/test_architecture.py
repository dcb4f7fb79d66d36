"""The core knows nothing of Slack: a second adapter must be possible without touching it."""

from __future__ import annotations

import ast
from pathlib import Path

import flashticket_core

FORBIDDEN = ("slack_bolt", "slack_sdk", "bot")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_neither_slack_nor_the_bot() -> None:
    core_dir = Path(flashticket_core.__file__).parent
    sources = sorted(core_dir.rglob("*.py"))
    assert len(sources) > 5
    offenders = {
        f"{path.relative_to(core_dir)}: {name}"
        for path in sources
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert offenders == set()


def test_the_import_check_catches_a_slack_import(tmp_path: Path) -> None:
    source = tmp_path / "sneaky.py"
    source.write_text("from slack_sdk.web import WebClient\nimport slack_bolt\n")
    assert {"slack_sdk.web", "slack_bolt"} <= imported_modules(source)
