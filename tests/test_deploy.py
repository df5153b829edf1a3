"""The Dockerfile and the compose example cannot be run here (no Docker), so this keeps them honest:
every ``reelwright`` command and option they use exists and accepts its value, every REELWRIGHT_*
variable they set is a real setting with a valid value, the ports agree with what the processes
listen on, and every health check asks a path that is answered."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from reelwright.cli import app
from reelwright.config import Settings

yaml = pytest.importorskip("yaml", reason="the deployment test reads YAML (PyYAML, the dev extra)")

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
DEFAULT_PORT = Settings.model_fields["port"].default


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            pairs.append((instruction.upper(), rest.strip()))
    return pairs


def _exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def _env_pairs(args: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in shlex.split(args))


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def _check_command(argv: list[str]) -> dict[str, Any]:
    """``reelwright <argv>``: the command exists, its help lists every option used, and the values
    parse (without running it); the parsed parameters."""
    name, *args = argv
    runner = CliRunner()
    shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, f"reelwright {name} --help: {shown.output}"
    for option in (a.split("=", 1)[0] for a in args if a.startswith("--")):
        assert option in shown.output, f"reelwright {name} has no {option}"
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    command = group.commands[name]
    ctx = command.make_context(name, list(args))  # parses and converts, exits on a bad value
    return dict(ctx.params)


def _settings_env(env: dict[str, str]) -> Settings:
    """Every REELWRIGHT_* variable is a setting, and together they validate."""
    fields = set(Settings.model_fields)
    values = {}
    for key, value in env.items():
        if not key.startswith("REELWRIGHT_"):
            continue
        field = key.removeprefix("REELWRIGHT_").lower()
        assert field in fields, f"{key} is not a setting (reelwright.config.Settings)"
        values[field] = value
    return Settings(**values)


def _health_url(test: list[str]) -> tuple[int, str]:
    found = re.search(r"http://127\.0\.0\.1:(\d+)(/[a-z]+)", " ".join(test))
    assert found, test
    return int(found.group(1)), found.group(2)


def _api_paths() -> set[str]:
    from fastapi.routing import APIRoute

    from reelwright.api.app import create_app

    class NoQueue:
        def enqueue(self, session_id: str) -> None: ...

        def pending_count(self) -> int:
            return 0

    return {r.path for r in create_app(_tmp_settings(), queue=NoQueue()).routes if isinstance(r, APIRoute)}


_TMP: list[Path] = []


def _tmp_settings() -> Settings:
    return Settings(data_dir=_TMP[0])


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path) -> None:
    _TMP[:] = [tmp_path / "data"]


def test_the_dockerfile() -> None:
    pairs = _dockerfile()
    assert pairs[0] == ("FROM", "python:3.11-slim-bookworm")
    installs = [args for ins, args in pairs if ins == "RUN" and "pip install" in args]
    assert any('".[s3]"' in args for args in installs), installs
    users = [args for ins, args in pairs if ins == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    env: dict[str, str] = {}
    for ins, args in pairs:
        if ins == "ENV":
            env.update(_env_pairs(args))
    settings = _settings_env(env)
    entry = _exec_form(next(args for ins, args in pairs if ins == "ENTRYPOINT"))
    assert entry == ["reelwright"]
    params = _check_command(_exec_form(next(args for ins, args in pairs if ins == "CMD")))
    port = params.get("port") or settings.port
    exposed = [int(p.split("/")[0]) for ins, args in pairs if ins == "EXPOSE" for p in args.split()]
    assert exposed == [port]
    health = next(args for ins, args in pairs if ins == "HEALTHCHECK")
    probe_port, path = _health_url(_exec_form(health.split("CMD", 1)[1].strip()))
    assert probe_port == port and path in _api_paths()


def test_the_compose_example() -> None:
    from reelwright.jobs.health import HEALTH_PATHS

    services = _compose()["services"]
    assert {"postgres", "redis", "minio", "minio-init"} <= set(services)
    ours = {name: s for name, s in services.items() if s.get("image", "").startswith("reelwright")}
    apis = {n: s for n, s in ours.items() if s["command"][0] == "serve"}
    workers = {n: s for n, s in ours.items() if s["command"][0] == "worker"}
    assert len(apis) >= 2 and workers, sorted(ours)
    api_paths = _api_paths()
    for name, service in ours.items():
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        settings = _settings_env(service["environment"])
        # Shared nothing: the database, the queue and the files are services, not a local disk.
        assert settings.database_url and settings.database_url.startswith("postgresql")
        assert settings.queue_url and settings.queue_url.startswith("redis://redis:")
        assert settings.blob_url and settings.blob_url.startswith("s3://")
        assert settings.s3_endpoint_url == "http://minio:9000"
        params = _check_command(service["command"])
        probe_port, path = _health_url(service["healthcheck"]["test"])
        if name in apis:
            assert settings.workers == 0, f"{name}: API nodes leave rendering to the workers"
            assert probe_port == (params["port"] or settings.port) and path in api_paths, name
        else:
            assert probe_port == params["health_port"] and path in HEALTH_PATHS, name
            grace = int(str(service["stop_grace_period"]).removesuffix("s"))
            from reelwright.server import HAND_BACK_SECONDS

            assert grace > settings.drain_seconds + HAND_BACK_SECONDS, f"{name} is killed mid-drain"
    # The proxy sends traffic to the API nodes' ports.
    proxy = services["proxy"]["command"]
    targets = [proxy[i + 1] for i, a in enumerate(proxy) if a == "--to"]
    assert sorted(targets) == sorted(
        f"{n}:{_check_command(s['command'])['port'] or DEFAULT_PORT}" for n, s in apis.items()
    )
    # The bucket the nodes use is the one the init container makes.
    init = " ".join(services["minio-init"]["command"])
    bucket = _settings_env(next(iter(ours.values()))["environment"]).blob_url
    assert bucket is not None and f"mb --ignore-existing local/{bucket.split('/')[2]}" in init


def test_a_wrong_option_or_setting_is_caught() -> None:
    """The checks above can fail: a misspelt option and an unknown variable are refused."""
    with pytest.raises(AssertionError, match="has no --proceses"):
        _check_command(["serve", "--proceses", "2"])
    with pytest.raises(AssertionError, match="REELWRIGHT_WORKER_COUNT is not a setting"):
        _settings_env({"REELWRIGHT_WORKER_COUNT": "2"})
    with pytest.raises(Exception, match="valid integer"):  # click's BadParameter
        _check_command(["worker", "--workers", "many"])
