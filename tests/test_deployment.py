"""The container files describe a deployment that can start: what exists can be checked here.

Docker itself cannot run on the test machines, so these tests hold the compose file and
Dockerfile to what the rest of the suite proves: every path they use exists, every command
they run is a real command of the app, and every setting they pass is one the app reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from webapp.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE = yaml.safe_load((DOCKER / "compose.yaml").read_text())
SERVICES: dict = COMPOSE["services"]
APP_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image") == "youthvoice:latest"}


def _cli_commands() -> set[str]:
    from webapp import create_app

    names = set(main.commands)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    return names | set(app.cli.commands)


def test_compose_runs_the_whole_platform():
    assert {"db", "redis", "migrate", "web", "bot", "deliver", "actions", "rasa"} <= set(SERVICES)
    assert SERVICES["rasa"]["profiles"] == ["rasa"]
    assert SERVICES["deliver"]["deploy"]["replicas"] >= 2
    for name in ("db", "redis", "web"):
        assert "healthcheck" in SERVICES[name], name


def test_migrations_run_once_before_the_web_starts():
    assert SERVICES["migrate"]["command"] == ["youthvoice", "init-db"]
    assert SERVICES["migrate"]["restart"] == "no"
    wait = SERVICES["web"]["depends_on"]["migrate"]["condition"]
    assert wait == "service_completed_successfully"
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_every_app_container_runs_a_real_command():
    commands = _cli_commands()
    for name, service in APP_SERVICES.items():
        argv = service["command"]
        if argv[0] == "gunicorn":
            assert argv[-1] == "webapp:create_app()", name
        else:
            assert argv[0] == "youthvoice", name
            assert argv[1] in commands, f"{name}: youthvoice {argv[1]} does not exist"


def test_paths_in_compose_and_dockerfile_exist():
    for service in SERVICES.values():
        build = service.get("build")
        if build:
            context = (DOCKER / build["context"]).resolve()
            assert (context / build["dockerfile"]).is_file()
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DOCKER / source).exists(), source
    for line in (DOCKER / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source


def test_the_image_builds_from_every_package_the_wheel_holds():
    # A package left out of the build stage is missing from the image, and the app with it.
    packages = re.search(r"include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text())
    assert packages is not None
    wanted = {name.strip(' "*') for name in packages.group(1).split(",")}
    copied = {
        line.split()[1]
        for line in (DOCKER / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
    }
    assert wanted <= copied, wanted - copied


def test_the_image_runs_as_a_non_root_user_on_python_311():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^USER youthvoice$", dockerfile, re.MULTILINE)
    assert "YOUTHVOICE_MIGRATIONS=/app/migrations" in dockerfile


def _keys(path: Path) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in path.read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def test_every_setting_in_the_deployment_env_is_one_the_app_documents():
    deployment = _keys(DOCKER / "youthvoice.env.example") - {
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
    }
    documented = _keys(ROOT / ".env.example")
    assert deployment - documented == set()
