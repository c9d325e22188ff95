"""The back end over real HTTP, and ``youthvoice actions`` running as its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask

from tests.conftest import CHANNEL_TOKENS
from tests.servers import QuietHandler, free_port, serve

# QuietHandler and free_port stay importable from here, where the Rasa tests took them.
__all__ = ["QuietHandler", "free_port"]

YOUTHVOICE = Path(sys.executable).with_name("youthvoice")


class Switchboard:
    """A WSGI app that forwards to the test's app, or answers 503 like a proxy whose back end is
    down. One server for the session; each test plugs in its own app (and engine)."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.down = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.app is None or self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"back end unavailable"]
        return self.app.wsgi_app(environ, start_response)


@pytest.fixture(scope="session")
def switchboard() -> Iterator[tuple[Switchboard, str]]:
    board = Switchboard()
    with serve(board) as url:
        yield board, url


@pytest.fixture
def backend(app: Flask, switchboard: tuple[Switchboard, str]) -> Iterator[Switchboard]:
    """The test's app served over HTTP to the action server."""
    board, _ = switchboard
    board.app, board.down = app, False
    yield board
    board.app, board.down = None, False


def start_action_server(api_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "YOUTHVOICE_API_URL": api_url,
        "YOUTHVOICE_RASA_TOKEN": CHANNEL_TOKENS["rasa"],
        "YOUTHVOICE_PUBLIC_URL": "http://testserver",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(YOUTHVOICE), "actions", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the action server stopped:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)  # polling until it listens, bounded by the deadline
    process.kill()
    raise RuntimeError("the action server did not start within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class ActionServer:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def logged(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def action_server(
    switchboard: tuple[Switchboard, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ActionServer]:
    """``youthvoice actions`` pointed at the switchboard's back end."""
    _, base = switchboard
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    process, url = start_action_server(f"{base}/api/v1", log)
    yield ActionServer(process, url, log)
    stop(process)


@pytest.fixture(scope="session")
def unreachable_action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    """``youthvoice actions`` whose back end address has nothing listening."""
    log = tmp_path_factory.mktemp("actions-down") / "actions.log"
    process, url = start_action_server(f"http://127.0.0.1:{free_port()}/api/v1", log)
    yield ActionServer(process, url, log)
    stop(process)
