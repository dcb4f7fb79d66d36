"""README.md holds the walk one create-ticket request takes: both legs (the request to
its outbox row, the claim of its message to `chat.postMessage`) as bench/request_walk.py
measures them, here in this process against the running bot."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def request_walk() -> ModuleType:
    name = "request_walk"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "request_walk.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_readme_lists_the_files_the_request_walk_visits() -> None:
    walk = request_walk()
    written = walk.readme_walk((ROOT / "README.md").read_text(encoding="utf-8"))
    assert written is not None, "README.md has lost its request-walk markers"

    request, delivery = walk.run()

    measured = walk.readme_section(request, delivery)
    assert written == measured, (
        "README.md's request walk is not the walk a request takes now. Run "
        "`.venv/bin/python bench/request_walk.py --readme`, or put this between its "
        f"request-walk markers:\n\n{measured}"
    )
