"""The Dockerfile and compose.yaml say what the README says: the same command, port,
health check and settings. No container engine runs here, so the files are read."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from flashticket_core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def dockerfile() -> dict[str, list[str]]:
    """Each instruction's arguments, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, rest = line.strip().partition(" ")
            found.setdefault(instruction.upper(), []).append(rest.strip())
    return found


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def readme() -> str:
    return (ROOT / "README.md").read_text()


def settings_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def test_the_image_runs_serve_on_the_default_port_as_a_user_without_rights() -> None:
    image = dockerfile()
    assert image["CMD"] == ['["flashticket", "serve"]']
    assert "`flashticket serve`" in readme()
    default_port = Settings.model_fields["port"].default
    assert image["EXPOSE"] == [str(default_port)]
    assert f"PORT={default_port}" in " ".join(image["ENV"])
    assert image["USER"] == ["flashticket"]
    assert any("useradd" in run and "--uid 10001" in run for run in image["RUN"])


def test_the_image_installs_the_lock_file_and_checks_healthz() -> None:
    image = dockerfile()
    assert any("--require-hashes -r requirements/main.lock" in run for run in image["RUN"])
    assert (ROOT / "requirements" / "main.lock").is_file()
    (health,) = image["HEALTHCHECK"]
    assert "/healthz" in health
    assert "os.environ['PORT']" in health
    assert "GET /healthz" in readme()


def test_every_setting_the_image_and_compose_pass_is_one_the_readme_documents() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme(), flags=re.MULTILINE))
    image_env = {pair.split("=", 1)[0] for env in dockerfile()["ENV"] for pair in shlex.split(env)}
    service = compose()["x-flashticket"]
    passed = set(service["environment"]) | (image_env & settings_names())
    assert passed <= settings_names()
    assert passed <= documented


def test_compose_runs_two_replicas_on_postgresql_behind_one_port() -> None:
    spec = compose()
    services = spec["services"]
    replicas = [name for name, service in services.items() if service.get("build") == "."]
    assert len(replicas) == 2
    for name in replicas:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    port = str(Settings.model_fields["port"].default)
    proxy = services["proxy"]
    assert proxy["ports"] == [f"{port}:{port}"]
    for name in replicas:
        assert f"--to {name}:{port}" in proxy["command"]
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "docker compose up" in readme()
