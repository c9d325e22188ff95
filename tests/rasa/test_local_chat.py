"""``youthvoice serve --chat RASA``: the demo's web chat on one machine.

A stand-in ``rasa`` (it "trains" by writing a model file and "runs" by answering HTTP as
Rasa does) stands for Rasa 3.6, so this runs everywhere; the real one is driven by
test_rasa_end_to_end.py. The action server is the real ``youthvoice actions``.
"""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

import httpx

from webapp.local_chat import LocalChat

FAKE_RASA = """#!{python}
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
args = sys.argv[1:]
with open({calls!r}, "a") as calls:
    calls.write(json.dumps(args) + "\\n")
if args[0] == "train":
    out = Path(args[args.index("--out") + 1])
    out.mkdir(parents=True, exist_ok=True)
    (out / (args[args.index("--fixed-model-name") + 1] + ".tar.gz")).write_bytes(b"model")
elif args[0] == "run":
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"Hello from Rasa: 3.6.21")
        def log_message(self, *a):
            pass
    HTTPServer(("127.0.0.1", int(args[args.index("-p") + 1])), Hello).serve_forever()
"""


def _fake_rasa(tmp_path: Path) -> tuple[Path, Path]:
    calls = tmp_path / "calls.jsonl"
    rasa = tmp_path / "rasa"
    rasa.write_text(FAKE_RASA.format(python=sys.executable, calls=str(calls)), encoding="utf-8")
    rasa.chmod(rasa.stat().st_mode | stat.S_IEXEC)
    return rasa, calls


def _until(condition, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)  # polling a child process, bounded by the deadline
    return False


def test_serve_with_chat_trains_runs_rasa_and_its_actions_and_then_shows_the_chat(app, tmp_path):
    rasa, calls = _fake_rasa(tmp_path)
    app.config["RASA_SOCKET_URL"] = ""
    client = app.test_client()
    said: list[str] = []
    chat = LocalChat(rasa, tmp_path / "instance-rasa", "http://127.0.0.1:5000", said.append)
    chat.start(app)
    try:
        # No "Chat" in the menu until Rasa answers: it would only say the chat is off.
        assert _until(lambda: app.config.get("RASA_SOCKET_URL") == chat.rasa_url), said
        assert 'href="/chat"' in client.get("/").get_data(as_text=True)
        assert f'data-socket-url="{chat.rasa_url}"' in client.get("/chat").get_data(as_text=True)
        # The actions run as the rasa channel, with a token the API now knows.
        assert app.config["CHANNEL_TOKENS"]["rasa"]
        endpoints = (tmp_path / "instance-rasa" / "endpoints.yml").read_text()
        actions = endpoints.split('url: "', 1)[1].split("/webhook", 1)[0]
        assert _until(lambda: _answers(f"{actions}/health"))
        ran = [line for line in calls.read_text().splitlines()]
        assert ran[0].startswith('["train"') and ran[1].startswith('["run"')
        assert "http://127.0.0.1:5000" in ran[1]  # the site may open its socket (--cors)
        assert said[-1] == "Chat is on: http://127.0.0.1:5000/chat"
    finally:
        chat.stop()
    assert not _answers(chat.rasa_url) and not _answers(f"{actions}/health")

    # Next time the trained model is used as it is.
    again = LocalChat(rasa, tmp_path / "instance-rasa", "http://127.0.0.1:5000", said.append)
    again.start(app)
    try:
        assert _until(lambda: app.config.get("RASA_SOCKET_URL") == again.rasa_url)
    finally:
        again.stop()
    assert [line.split(",")[0] for line in calls.read_text().splitlines()] == [
        '["train"',
        '["run"',
        '["run"',
    ]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
