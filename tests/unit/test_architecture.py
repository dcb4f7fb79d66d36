"""The layers as the imports draw them: the core knows nothing of Slack, of the bot or of
its migration scripts; the errors sit at the bottom; the domain knows neither the service
layer nor the adapters, and the service layer's SQL is in the adapters; no module imports
itself round a cycle. A second adapter must be possible without touching the core.

Every import counts, wherever it is written: relative or absolute, `import a.b` or
`from a import b`, at the top, inside a function or under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("flashticket_core", "bot")
CORE_MAY_NOT_IMPORT = frozenset({"bot", "migrations", "slack_bolt", "slack_sdk"})

Graph = dict[str, set[str]]


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_of(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    return {
        module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module name an import in `path` may refer to, relative ones made absolute.

    `from a import b` yields both `a` and `a.b`: `b` may be a module or a name in `a`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = absolute(node, package)
            yield prefix
            yield from (f"{prefix}.{alias.name}" for alias in node.names if alias.name != "*")


def absolute(node: ast.ImportFrom, package: str) -> str:
    """`from ..x import y` in package `a.b` is `from a.x import y`."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph(modules: dict[str, Path]) -> Graph:
    """Which project module imports which. A name outside `modules` (the standard library,
    Slack's packages) is kept as written: only its top-level package is looked at."""

    def resolved(name: str) -> str:
        if name in modules:
            return name
        parent = name.rpartition(".")[0]
        # `from a import b` where b is a name in a: the import is of a.
        return parent if parent in modules else name

    return {
        module: {
            target for name in imported_names(path, module) if (target := resolved(name)) != module
        }
        for module, path in modules.items()
    }


def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle among the graph's own modules, as a path back to its start."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done or module not in graph:
            return None
        for target in sorted(graph[module]):
            if cycle := visit(target, [*path, module]):
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        if cycle := visit(module, []):
            return cycle
    return None


def top_level(name: str) -> str:
    return name.split(".")[0]


@pytest.fixture(scope="module")
def graph() -> Graph:
    modules = modules_of(ROOT, PACKAGES)
    assert len([m for m in modules if m.startswith("flashticket_core.")]) > 5
    assert len([m for m in modules if m.startswith("bot.")]) > 5
    return import_graph(modules)


def test_the_core_imports_neither_slack_nor_the_bot_nor_its_migrations(graph: Graph) -> None:
    offenders = {
        f"{module} imports {target}"
        for module, targets in graph.items()
        if top_level(module) == "flashticket_core"
        for target in targets
        if top_level(target) in CORE_MAY_NOT_IMPORT
    }
    assert offenders == set()


def test_the_errors_import_nothing_above_them(graph: Graph) -> None:
    """Every layer raises them, so they may know the catalog and nothing else."""
    project = {
        target
        for target in graph["flashticket_core.errors"]
        if top_level(target) not in sys.stdlib_module_names
    }
    assert project == {"flashticket_core.i18n"}


def test_the_domain_imports_neither_the_service_layer_nor_the_adapters(graph: Graph) -> None:
    offenders = {
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.startswith("flashticket_core.domain")
        for target in targets
        if target.startswith(("flashticket_core.service_layer", "flashticket_core.adapters"))
    }
    assert offenders == set()


def test_the_service_layer_knows_its_ports_not_the_adapters_nor_sql(graph: Graph) -> None:
    """The service layer defines the ports (repositories, reads, outbox, jobs, tallies);
    the adapters answer them in SQL, and only the wiring (bootstrap) joins the two."""
    offenders = {
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.startswith("flashticket_core.service_layer.")
        for target in targets
        if top_level(target) == "sqlalchemy" or target.startswith("flashticket_core.adapters")
    }
    assert offenders == set()


def test_no_import_cycles(graph: Graph) -> None:
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_import_check_sees_every_form_of_import(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/sub/__init__.py", "")
    write(
        tmp_path,
        "pkg/a.py",
        "from typing import TYPE_CHECKING\n"
        "import slack_bolt\n"
        "from slack_sdk.web import WebClient\n"
        "from .sub import b\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.c import Thing\n",
    )
    write(tmp_path, "pkg/sub/b.py", "from .. import c\n")
    write(tmp_path, "pkg/c.py", "Thing = object\n")
    graph = import_graph(modules_of(tmp_path, ("pkg",)))
    assert {"slack_bolt", "slack_sdk.web", "pkg.sub", "pkg.sub.b", "pkg.c"} <= graph["pkg.a"]
    assert graph["pkg.sub.b"] == {"pkg", "pkg.c"}
    assert find_cycle(graph) is None


def test_the_import_check_finds_a_cycle_through_a_late_import(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/a.py", "from pkg import b\n")
    write(tmp_path, "pkg/b.py", "import pkg.c\n")
    write(tmp_path, "pkg/c.py", "def later() -> None:\n    from .a import x\n")
    graph = import_graph(modules_of(tmp_path, ("pkg",)))
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
