"""The web chat on one machine: ``youthvoice serve --chat RASA`` runs Rasa and the action
server beside the site, so the demo's "Chat" works wherever ``make rasa`` installed Rasa.

Rasa 3.6 runs on Python 3.10 in its own environment, so both are child processes that talk
to the site over HTTP, as they would in production. The chat appears in the site's menu
only once Rasa answers; until then the site runs as it does without it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from flask import Flask

RASA_PROJECT = Path(__file__).resolve().parents[1] / "bot" / "rasa"
# Training takes a few minutes on two cores the first time; loading the model about one.
TRAIN_SECONDS = 1800
READY_SECONDS = 600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _project_changed_at() -> float:
    """When the Rasa project's own files last changed (its data, domain and settings)."""
    return max(
        (
            path.stat().st_mtime
            for path in RASA_PROJECT.rglob("*")
            if path.is_file() and ".rasa" not in path.parts and "models" not in path.parts
        ),
        default=0.0,
    )


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    # Already gone, with everything it started, is fine.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


class LocalChat:
    """Rasa and the action server as child processes of ``youthvoice serve``."""

    def __init__(self, rasa: Path, folder: Path, site_url: str, say: Callable[[str], None]):
        self.rasa = rasa
        self.folder = folder  # instance/rasa: the trained model, the logs
        self.site_url = site_url.rstrip("/")
        self.say = say
        self.rasa_url = f"http://127.0.0.1:{free_port()}"
        self._processes: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def model(self) -> Path:
        return self.folder / "models" / "youthvoice.tar.gz"

    def _env(self) -> dict[str, str]:
        # A child process inherits this one's environment (PATH, HOME, LOG_FORMAT …) and, like
        # every process, reads its own settings from it once; only what differs is added.
        return {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_CACHE_DIRECTORY": str(self.folder / "cache"),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }

    def _spawn(
        self, args: list[str], log: str, env: dict[str, str], cwd: Path
    ) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._stopping.is_set():
                raise RuntimeError("stopping")
            with (self.folder / log).open("ab") as out:
                # Its own process group, so stopping it also stops what it started.
                process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
                    args,
                    cwd=cwd,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self._processes.append(process)
            return process

    def start(self, app: Flask) -> None:
        """Start the action server now, and Rasa (trained first if need be) in the background."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tokens = dict(app.config.get("CHANNEL_TOKENS") or {})
        token = tokens.setdefault("rasa", secrets.token_urlsafe(32))
        # Before the first API request: the API keeps only the tokens' digests from then on.
        app.config["CHANNEL_TOKENS"] = tokens
        action_port = free_port()
        youthvoice = str(Path(sys.executable).parent / "youthvoice")
        self._spawn(
            [youthvoice, "actions", "--port", str(action_port)],
            "actions.log",
            {
                **os.environ,
                "YOUTHVOICE_API_URL": f"{self.site_url}/api/v1",
                "YOUTHVOICE_RASA_TOKEN": token,
                "YOUTHVOICE_PUBLIC_URL": self.site_url,
            },
            self.folder,
        )
        endpoints = self.folder / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n',
            encoding="utf-8",
        )
        self.thread = threading.Thread(target=self._run_rasa, args=(app,), daemon=True)
        self.thread.start()

    def _run_rasa(self, app: Flask) -> None:
        try:
            if not self.model.exists() or self.model.stat().st_mtime < _project_changed_at():
                self.say("Chat: training the Rasa assistant (a few minutes the first time)…")
                training = self._spawn(
                    [
                        str(self.rasa),
                        "train",
                        "--out",
                        str(self.model.parent),
                        "--fixed-model-name",
                        "youthvoice",
                    ],
                    "rasa-train.log",
                    self._env(),
                    RASA_PROJECT,
                )
                if training.wait(timeout=TRAIN_SECONDS) != 0 or not self.model.exists():
                    self.say(f"Chat: training failed, see {self.folder / 'rasa-train.log'}")
                    return
            port = self.rasa_url.rsplit(":", 1)[1]
            rasa = self._spawn(
                [
                    str(self.rasa),
                    "run",
                    "-m",
                    str(self.model),
                    "--endpoints",
                    str(self.folder / "endpoints.yml"),
                    "--credentials",
                    str(RASA_PROJECT / "credentials.yml"),
                    "--cors",
                    self.site_url,
                    "-i",
                    "127.0.0.1",
                    "-p",
                    port,
                ],
                "rasa.log",
                self._env(),
                self.folder,
            )
            if self._wait_until_ready(rasa):
                app.config["RASA_SOCKET_URL"] = self.rasa_url
                self.say(f"Chat is on: {self.site_url}/chat")
            elif not self._stopping.is_set():
                self.say(f"Chat: Rasa did not start, see {self.folder / 'rasa.log'}")
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
            if not self._stopping.is_set():
                self.say(f"Chat is off: {type(error).__name__}")

    def _wait_until_ready(self, rasa: subprocess.Popen[bytes]) -> bool:
        deadline = time.monotonic() + READY_SECONDS
        while not self._stopping.is_set() and rasa.poll() is None:
            if time.monotonic() > deadline:
                return False
            try:
                if httpx.get(self.rasa_url, timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            self._stopping.wait(1)  # until it has loaded its model, bounded by the deadline
        return False

    def stop(self) -> None:
        """Stop every child process (and theirs), politely first."""
        with self._lock:
            self._stopping.set()
            processes = list(self._processes)
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        if self.thread is not None:
            self.thread.join(timeout=10)
