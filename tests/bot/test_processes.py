"""The real commands as separate processes: the bot survives kill -9, the terminal chat, errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot import wording
from consultations.db import db
from consultations.models import Answer
from tests.bot.support import Chat
from tests.conftest import CHANNEL_TOKENS
from tests.fakes.telegram_server import DEFAULT_TOKEN
from tests.helpers import make_consultation

CLI = [sys.executable, "-m", "webapp.cli"]


def _env(
    backend_url: str, telegram_port: int | None, instance: Path, **extra: str
) -> dict[str, str]:
    tokens = ",".join(f"{name}:{token}" for name, token in CHANNEL_TOKENS.items())
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "YOUTHVOICE_API_URL": backend_url,
        "YOUTHVOICE_CHANNEL_TOKENS": tokens,
        "YOUTHVOICE_INSTANCE": str(instance),
        "YOUTHVOICE_PUBLIC_URL": "http://testserver",
    }
    if telegram_port is not None:
        env["TELEGRAM_API_BASE_URL"] = f"http://127.0.0.1:{telegram_port}"
    env.update(extra)
    return env


def _answers() -> list[Answer]:
    db.session.expire_all()
    return list(db.session.scalars(select(Answer).order_by(Answer.question_id)))


def test_the_bot_carries_on_after_kill_9(backend_url, telegram, tmp_path):
    consultation = make_consultation()
    env = _env(backend_url, telegram.port, tmp_path / "instance")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*CLI, "bot"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    first = start()
    try:
        telegram.wait_for_calls("setMyCommands", 1, timeout=20)
        chat = Chat(telegram, 4242)
        chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
        chat.press(wording.START_ANSWERING, "Question 1 of 4")
        chat.press("Friday", "Question 2 of 4")
        chat.press("Music", None)
        chat.press(wording.DONE, "Question 3 of 4")
        chat.press("4", "Question 4 of 4")
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
    assert first.returncode == -signal.SIGKILL
    acknowledged = _answers()
    assert len(acknowledged) == 3  # everything the bot said "Saved" to is in the back end
    saved_lines = chat.texts().count(wording.SAVED)

    # While the bot is down the person types their last answer; after a restart it lands
    # where they were, and nothing handled before the crash is handled twice.
    before = len(chat.transcript)
    telegram.user_sends_text(4242, "A climbing wall")
    second = start()
    try:
        summary = telegram.wait_for_message(4242, "Here's what you said", timeout=20, after=before)
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=15)[0].decode()
    assert "A climbing wall" in summary["text"] and "Music" in summary["text"]
    assert chat.texts().count(wording.SAVED) == saved_lines + 1
    assert [a.text for a in _answers()][-1] == "A climbing wall"
    assert "Traceback" not in output


def test_start_up_errors_are_one_plain_line(backend_url, telegram, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    instance = tmp_path / "instance"
    cases = [
        (_env(backend_url, telegram.port, instance, TELEGRAM_BOT_TOKEN=""), "TELEGRAM_BOT_TOKEN"),
        (_env(backend_url, telegram.port, instance, TELEGRAM_BOT_TOKEN="9:WRONG"), "refused"),
        (_env("http://127.0.0.1:9", telegram.port, instance), "not reachable"),
        (
            _env(backend_url, telegram.port, instance, YOUTHVOICE_CHANNEL_TOKENS="telegram:bad"),
            "channel token",
        ),
    ]
    for env, expected in cases:
        for command in ("bot", "deliver"):
            done = CliRunner().invoke(main, [command], env=env)
            assert done.exit_code == 1, (command, done.output)
            assert expected in done.output, (command, done.output)
            assert done.output.strip().startswith("Error: ")
            assert len(done.output.strip().splitlines()) == 1, done.output
    assert telegram.calls_to("getUpdates") == []  # nothing started


def test_the_terminal_chat_runs_the_same_conversation_from_stdin(backend_url, tmp_path):
    consultation = make_consultation()
    env = _env(backend_url, None, tmp_path / "instance")
    typed = "\n".join(
        [
            "1",  # Answer the questions
            "a banana",  # text that is none of the choices
            "2",  # Friday
            "2",  # tick Music
            "5",  # Done
            "4",  # 4 on the scale
            "🙂",  # emoji only
            "More buses at night",
            "/stop",
            "/quit",
        ]
    )
    done = subprocess.run(
        [*CLI, "chat", "--channel", "rasa", "--as", "tester", "--start", f"c_{consultation.slug}"],
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert consultation.youth_title in out and "[1] " + wording.START_ANSWERING in out
    assert "[2] Friday" in out and wording.PICK_AN_OPTION in out
    assert "[2] ✅ Music" in out and wording.EMOJI_ONLY in out
    assert "Here's what you said" in out and "More buses at night" in out
    assert wording.STOPPED in out
    answers = _answers()
    assert len(answers) == 4 and {a.channel for a in answers} == {"rasa"}


def test_webhook_mode_checks_the_secret_token(backend_url, telegram, tmp_path):
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram"
    env = _env(backend_url, telegram.port, tmp_path / "instance")
    command = [*CLI, "bot", "--webhook-url", url, "--port", str(port)]
    command += ["--webhook-secret", "s3cret-token"]
    bot = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        hooks = telegram.wait_for_calls("setWebhook", 1, timeout=20)
        assert hooks[0]["url"] == url and hooks[0]["secret_token"] == "s3cret-token"
        update = telegram.user_sends_text(4343, "/help")
        deadline = time.monotonic() + 10
        while True:  # the webhook server starts listening just after setWebhook
            try:
                status = telegram.post_update_to_webhook(url, update, secret_token="wrong")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert status == 403
        assert telegram.post_update_to_webhook(url, update, secret_token="s3cret-token") == 200
        telegram.wait_for_message(4343, "/consultations")
        assert len(telegram.messages_to(4343)) == 1  # the refused post did nothing
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.communicate(timeout=15)
