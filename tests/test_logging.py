"""One log for every process: JSON lines from each kind, and never an exception's message."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from flask import Flask

from tests.conftest import CHANNEL_TOKENS, app_config
from webapp import create_app
from youthvoice_settings import logs

YOUTHVOICE = str(Path(sys.executable).with_name("youthvoice"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# What a young person might type, in an exception's message: it must never reach a log.
TYPED = "I live at 12 Hidden Lane and my name is Jordan"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("YOUTHVOICE_", "TELEGRAM_", "RASA_", "LOG_"))
    }
    env.update(
        LOG_FORMAT="json",
        YOUTHVOICE_INSTANCE=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'log.db'}",
        SECRET_KEY="log-test-secret",
        PSEUDONYM_KEY="log-test-pseudonym",
    )
    env.update(extra)
    return env


def _json_lines(text: str) -> list[dict[str, object]]:
    """Every line that is a log line, parsed; a line that starts like JSON must be JSON."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@contextmanager
def _running(args: list[str], env: dict[str, str], ready_url: str) -> Iterator[list[str]]:
    """A long-running command, until it answers ``ready_url``; yields its stderr once stopped."""
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    captured: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if httpx.get(ready_url, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "did not start within 60 s"
                time.sleep(0.2)  # polling until it listens, bounded by the deadline
        yield captured
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate()
        captured.append(err.decode())


def _one_shot(args: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    done = subprocess.run(args, env=env, capture_output=True, timeout=60, check=False)
    return _json_lines(done.stderr.decode())


@pytest.mark.parametrize("command", ["bot", "deliver"])
def test_the_telegram_processes_log_json_lines(tmp_path, command):
    # No Telegram token: each starts, says so in its log, and stops.
    lines = _one_shot([YOUTHVOICE, command], _env(tmp_path))
    started = [line for line in lines if line.get("event") == "start"]
    refused = [line for line in lines if line.get("event") == "refused"]
    assert started and started[0]["service"] == command and started[0]["level"] == "info"
    assert refused and "TELEGRAM_BOT_TOKEN" in str(refused[0]["message"])


def test_the_rasa_delivery_worker_logs_json_lines(tmp_path):
    env = _env(
        tmp_path,
        YOUTHVOICE_RASA_TOKEN=CHANNEL_TOKENS["rasa"],
        YOUTHVOICE_API_URL=f"http://127.0.0.1:{_free_port()}",
    )
    lines = _one_shot([YOUTHVOICE, "deliver-rasa", "--once"], env)
    assert any(line.get("event") == "start" for line in lines), lines
    assert {line["service"] for line in lines} == {"deliver-rasa"}


def test_the_action_server_logs_json_lines(tmp_path):
    port = _free_port()
    env = _env(tmp_path, YOUTHVOICE_RASA_TOKEN=CHANNEL_TOKENS["rasa"])
    args = [YOUTHVOICE, "actions", "--port", str(port)]
    with _running(args, env, f"http://127.0.0.1:{port}/health") as err:
        httpx.post(f"http://127.0.0.1:{port}/webhook", content=b"[1, 2")
    lines = _json_lines(err[0])
    assert any(line.get("event") == "start" and line["service"] == "actions" for line in lines)
    # Sanic's own lines, from the worker process it starts, come through the same log.
    assert any(str(line["logger"]).startswith("sanic") for line in lines), lines


@pytest.mark.parametrize("server", ["serve", "gunicorn"])
def test_the_web_app_logs_json_request_lines(tmp_path, server):
    port = _free_port()
    if server == "serve":
        args = [YOUTHVOICE, "serve", "--port", str(port)]
    else:
        args = [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{port}", "webapp:create_app()"]
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    with _running(args, _env(tmp_path), url) as err:
        httpx.get(url, timeout=10)
    lines = _json_lines(err[0])
    requests = [line for line in lines if line.get("event") == "request"]
    assert requests and requests[-1]["route"] == "/api/v1/openapi.json"
    assert requests[-1]["status"] == 200
    assert requests[-1]["service"] == ("serve" if server == "serve" else "web")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The process's one log, as JSON, into a buffer for this test."""
    buffer = io.StringIO()
    logs.configure_logging("json", "INFO", service="web", stream=buffer)
    yield buffer
    logs.configure_logging("text", "INFO", service="web")


def _failing_app(tmp_path: Path) -> Flask:
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'fail.db'}"))

    def fails() -> str:
        raise ValueError(TYPED)

    def fails_late(response: object) -> object:
        if getattr(response, "status_code", 0) == 418:
            raise KeyError(TYPED)
        return response

    app.add_url_rule("/fails", "fails", fails)
    app.add_url_rule("/teapot", "teapot", lambda: ("", 418))
    app.after_request(fails_late)
    return app


def test_an_unexpected_error_is_one_json_line_with_its_frames_not_its_message(tmp_path, json_log):
    client = _failing_app(tmp_path).test_client()
    assert client.get("/fails").status_code == 500
    logged = json_log.getvalue()
    assert TYPED not in logged and "Hidden Lane" not in logged
    errors = [line for line in _json_lines(logged) if line.get("event") == "error"]
    assert len(errors) == 1 and len(logged.strip().splitlines()) == len(_json_lines(logged))
    error = errors[0]
    assert error["error_type"] == "ValueError" and error["route"] == "/fails"
    assert error["frames"][-1]["function"] == "fails"
    assert error["frames"][-1]["file"] == __file__
    assert isinstance(error["frames"][-1]["line"], int)


def test_an_error_that_escapes_every_handler_goes_through_the_same_log(tmp_path, json_log):
    # An after_request hook failing is Flask's own "Exception on …" path, not our handler's.
    app = _failing_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as in tests
    client = app.test_client()
    assert client.get("/teapot").status_code == 500
    logged = json_log.getvalue()
    assert TYPED not in logged and "Traceback" not in logged
    errors = [line for line in _json_lines(logged) if line.get("event") == "error"]
    assert [e["error_type"] for e in errors] == ["KeyError"]
    assert errors[0]["frames"][-1]["function"] == "fails_late"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_librarys_logged_exception_keeps_its_type_and_frames_not_its_message(log_format):
    buffer = io.StringIO()
    logs.configure_logging(log_format, "INFO", service="bot", stream=buffer)
    try:
        try:
            raise RuntimeError(TYPED) from OSError(TYPED)
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("an update failed")
    finally:
        logs.configure_logging("text", "INFO", service="web")
    logged = buffer.getvalue()
    assert TYPED not in logged
    assert "RuntimeError" in logged and "an update failed" in logged
    assert "test_a_librarys_logged_exception" in logged  # the frame's function


def test_log_error_never_hands_the_exception_to_other_handlers(caplog):
    """Any handler a deployment adds (or a test's) sees no exception to print."""
    try:
        int(TYPED)
    except ValueError as error:
        logs.log_error(logging.getLogger("youthvoice.test"), "parsing failed", error)
    assert TYPED not in caplog.text
    (record,) = caplog.records
    assert record.exc_info is None and record.error_type == "ValueError"
