"""The Dockerfile and compose.yaml say what the README says: the same command, port,
health check and settings. No container engine runs here, so the files are read."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.settings import Settings

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
    assert f"{port}:{port}" in proxy["ports"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    upstreams = re.search(r"^\s*reverse_proxy (.+) \{$", caddyfile(), flags=re.MULTILINE)
    assert upstreams is not None
    assert upstreams.group(1).split() == [f"{name}:{port}" for name in replicas]
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "docker compose up" in readme()


def caddyfile() -> str:
    return (ROOT / "deploy" / "Caddyfile").read_text()


def test_the_proxy_speaks_https_keeps_metrics_inside_and_limits_bodies() -> None:
    proxy = compose()["services"]["proxy"]
    # A domain name in FLASHTICKET_SITE gets a certificate: 80 and 443 reach Caddy.
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert proxy["environment"]["FLASHTICKET_SITE"] == "${FLASHTICKET_SITE:-:3000}"
    assert "caddy-data:/data" in proxy["volumes"]
    config = caddyfile()
    assert "{$FLASHTICKET_SITE::3000} {" in config
    # What the bot itself accepts (1 MiB), refused at the proxy already.
    assert re.search(r"request_body \{\s*max_size 1MiB\s*\}", config)
    assert re.search(r"@metrics path /metrics /metrics/\*\s*respond @metrics 404", config)
    assert "read_body 10s" in config
    assert "FLASHTICKET_SITE" in readme()


def test_no_password_is_written_into_compose() -> None:
    text = (ROOT / "compose.yaml").read_text()
    spec = compose()
    required = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    assert spec["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == required
    assert (
        f"flashticket:{required}@postgres" in spec["x-flashticket"]["environment"]["DATABASE_URL"]
    )
    assert not re.search(r"://[^:@/]+:(?!\$\{)[^@]+@", text)
    assert "POSTGRES_PASSWORD" in readme()
