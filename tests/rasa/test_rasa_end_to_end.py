"""Optional: train the Rasa project with Rasa Open Source 3.6 and chat with it over REST.

Rasa 3.6 needs Python 3.10, so it lives in its own environment: ``make rasa`` makes it in
~/.cache/youthvoice/rasa-3.6.21, which these tests use (or set RASA_BIN to another ``rasa``).
Without it these tests are skipped and say how to enable them; ``.ci/run`` runs ``make rasa``
first, so in CI they always run. The action tests in test_actions.py never skip. Training is
cached (in ~/.cache/youthvoice/rasa, or RASA_CACHE_DIRECTORY) so a second run takes seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot import wording
from bot.actions.delivery import RasaDelivery
from consultations import queries, services
from consultations.db import db
from consultations.models import Answer
from feedback import outbox
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import make_consultation, now
from tests.rasa.conftest import free_port, stop
from tests.rasa.support import RASA_DIR


def _rasa_bin() -> Path | None:
    for candidate in (
        os.environ.get("RASA_BIN"),
        str(Path.home() / ".cache/youthvoice/rasa-3.6.21/bin/rasa"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


RASA = _rasa_bin()
pytestmark = [
    pytest.mark.skipif(
        RASA is None,
        reason="Rasa Open Source 3.6 is not installed: run `make rasa` (needs Python 3.10) "
        "or set RASA_BIN to a Python 3.10 environment's rasa",
    ),
    # Under xdist the whole module must run in one worker: one training, one Rasa server
    # (about 1 GB), not one per worker. `make test` distributes whole files (--dist
    # loadfile); the group says the same for --dist loadgroup, which pytest 9.2 leaves
    # without effect (pytest-xdist issue 1386).
    pytest.mark.xdist_group("rasa"),
]
AUTH = "e2e-auth-token"


def _env(cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RASA_CACHE_DIRECTORY": str(cache / "cache"),
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


@pytest.fixture(scope="module")
def trained_model() -> Path:
    cache = Path(os.environ.get("RASA_CACHE_DIRECTORY") or Path.home() / ".cache/youthvoice/rasa")
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(RASA), "train", "--out", str(cache / "models"), "--fixed-model-name", "youthvoice"],
        cwd=RASA_DIR,
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shutil.rmtree(RASA_DIR / ".rasa", ignore_errors=True)
    return cache / "models" / "youthvoice.tar.gz"


@pytest.fixture(scope="module")
def rasa_server(trained_model: Path, action_server, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """``rasa run`` with the REST and socketio channels, its actions at ``youthvoice actions``."""
    work = tmp_path_factory.mktemp("rasa")
    (work / "endpoints.yml").write_text(f'action_endpoint:\n  url: "{action_server.url}/webhook"\n')
    port = free_port()
    log = work / "rasa.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(RASA),
                "run",
                "--enable-api",
                "--auth-token",
                AUTH,
                "-m",
                str(trained_model),
                "--endpoints",
                str(work / "endpoints.yml"),
                "--credentials",
                str(RASA_DIR / "credentials.yml"),
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=work,
            env=_env(trained_model.parent.parent),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    try:
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "Rasa did not load its model within 5 minutes"
            try:
                status = httpx.get(f"{url}/status", params={"token": AUTH}, timeout=2)
                if status.status_code == 200 and status.json().get("model_id"):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)  # polling until the model is loaded, bounded by the deadline
        yield url
    finally:
        stop(process)


def _say(url: str, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def _press(url: str, sender: str, data: str) -> list[dict]:
    """A button of the shared conversation, as the channel sends its payload."""
    return _say(url, sender, f'/choose{{"press":"{data}"}}')


def test_a_consultation_from_hello_to_news_through_a_real_rasa(
    app, backend, switchboard, rasa_server
):
    c = make_consultation()
    day, activities, scale = c.questions[0], c.questions[1], c.questions[2]
    sender = uuid.uuid4().hex

    hello = _say(rasa_server, sender, "hiya 👋")
    assert wording.WELCOME in _text(hello)
    assert c.youth_title in [b["title"] for r in hello for b in r.get("buttons", [])]

    shown = _say(rasa_server, sender, c.youth_title.lower())  # picked by its words
    assert c.youth_summary.split(".")[0] in _text(shown)

    first = _press(rasa_server, sender, f"go:{c.slug}")
    assert "Question 1 of 4" in _text(first)
    assert wording.PICK_AN_OPTION in _text(_say(rasa_server, sender, "a banana"))
    saved = _press(rasa_server, sender, f"o:{c.slug}:{day.id}:{day.options[1].id}")
    assert wording.SAVED in _text(saved)
    multi = _say(rasa_server, sender, "1, 3")  # typed numbers for the multiple choice
    assert "Question 3 of 4" in _text(multi), _text(multi)
    assert "Question 4 of 4" in _text(_press(rasa_server, sender, f"v:{c.slug}:{scale.id}:5"))
    # A command in the middle of the written answer is done, not saved as the answer.
    privacy = _say(rasa_server, sender, "privacy")
    assert "Your privacy, in plain words" in _text(privacy)
    end = _say(rasa_server, sender, "more stuff for teens to do at night")
    assert "Thanks! Here's what you said" in _text(end), _text(end)
    assert wording.ASK_AGE_BAND in _text(end)  # optional, after the answers
    assert wording.ASK_AREA in _text(_say(rasa_server, sender, "skip"))
    assert wording.CHAT_ASK_UPDATES in _text(_say(rasa_server, sender, "skip"))

    db.session.rollback()
    me = services.find_participant("rasa", f"rest:{sender}", key=app.config["PSEUDONYM_KEY"])
    saved = queries.answers_of(c, me)
    assert [a.question_id for a in saved] == [q.id for q in c.questions]
    assert saved[1].option_ids == [activities.options[0].id, activities.options[2].id]
    assert saved[3].text == "more stuff for teens to do at night"

    assert wording.CHAT_UPDATES_ON in _text(_say(rasa_server, sender, "yes"))
    outbox.notify_participants(
        c, kind="results", key=f"results:{c.slug}", render=lambda lang: "📣 News!", now=now()
    )
    db.session.commit()
    worker = RasaDelivery(
        f"{switchboard[1]}/api/v1", CHANNEL_TOKENS["rasa"], rasa_server, rasa_token=AUTH
    )
    try:
        assert worker.deliver_once().sent == 1
    finally:
        worker.close()
    tracker = httpx.get(
        f"{rasa_server}/conversations/{sender}/tracker", params={"token": AUTH}, timeout=30
    ).json()
    said = [e.get("text") for e in tracker["events"] if e["event"] == "bot"]
    assert said[-1] == "📣 News!"


def test_polish_and_urdu_are_understood_and_answered_in_them(app, backend, rasa_server):
    make_consultation()
    polish, urdu = uuid.uuid4().hex, uuid.uuid4().hex
    assert wording.text("PICK_ONE", "pl") in _text(_say(rasa_server, polish, "cześć"))
    assert wording.text("FORGET_ASK", "pl") in _text(_say(rasa_server, polish, "usuń moje dane"))
    assert wording.text("NOT_FORGOTTEN", "pl") in _text(_say(rasa_server, polish, "nie"))
    privacy = _text(_say(rasa_server, polish, "prywatność"))
    assert wording.text("CHAT_PRIVACY", "pl").split("\n")[0] in privacy
    helped = _text(_say(rasa_server, urdu, "مدد"))
    assert wording.text("CHAT_HELP", "ur").split("\n")[0] in helped
    said = _text(_say(rasa_server, urdu, "LSP ka matlab kya hai"))
    assert said.startswith("Local Strategic Partnership:")


HELD_OUT = Path(__file__).with_name("data")
TARGET = 0.9


def _held_out(lang: str) -> list[tuple[str, str]]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((HELD_OUT / f"heldout_{lang}.yml").read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            if line.startswith("- "):
                text = re.sub(r"\[([^\]]+)\]\(\w+\)", r"\1", line[2:])
                pairs.append((text, block["intent"]))
    return pairs


def test_intent_accuracy_on_held_out_examples_in_each_language(rasa_server, capsys):
    """The trained model on examples no training example was copied from (target ≥ 0.9)."""
    figures = {}
    for lang in ("en", "pl", "ur"):
        pairs = _held_out(lang)
        right = 0
        for text, intent in pairs:
            parsed = httpx.post(
                f"{rasa_server}/model/parse",
                params={"token": AUTH},
                json={"text": text},
                timeout=60,
            ).json()
            right += parsed["intent"]["name"] == intent
        figures[lang] = (right, len(pairs))
    with capsys.disabled():
        for lang, (right, total) in figures.items():
            print(f"\nNLU intent accuracy, held out, {lang}: {right}/{total} = {right / total:.3f}")
    for lang, (right, total) in figures.items():
        assert right / total >= TARGET, (lang, right, total)


def test_the_web_chat_page_talks_to_rasa_over_socketio(
    app, backend, switchboard, rasa_server, browser
):
    from playwright.sync_api import expect

    c = make_consultation()
    app.config["RASA_SOCKET_URL"] = rasa_server
    page = browser.new_page(viewport={"width": 390, "height": 800})  # type: ignore[attr-defined]
    page.goto(f"{switchboard[1]}/chat")
    log = page.locator(".chat-log")
    expect(log).to_contain_text("I'm Youth Voice", timeout=30_000)  # greeted on connect
    page.locator(".chat-buttons button", has_text=c.youth_title).click()
    expect(log).to_contain_text(c.youth_summary.split(".")[0], timeout=30_000)
    page.get_by_role("button", name=wording.START_ANSWERING).click()
    expect(log).to_contain_text("Question 1 of 4", timeout=30_000)
    page.get_by_label("Your message").fill("friday")
    page.get_by_role("button", name="Send").click()
    expect(log).to_contain_text(wording.SAVED, timeout=30_000)
    expect(log).to_contain_text("Question 2 of 4", timeout=30_000)
    db.session.rollback()
    assert db.session.scalar(select(Answer.id).where(Answer.question_id == c.questions[0].id)), (
        "the answer typed in the web chat was saved"
    )


def test_the_web_chat_in_polish_gets_polish_from_the_actions_through_a_real_rasa(
    app, backend, switchboard, rasa_server, browser
):
    """The page's language rides on socket.io metadata; Rasa hands it to the actions."""
    from playwright.sync_api import expect

    c = make_consultation()
    app.config["RASA_SOCKET_URL"] = rasa_server
    page = browser.new_page(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 800}, extra_http_headers={"Accept-Language": "pl"}
    )
    page.goto(f"{switchboard[1]}/chat")
    assert page.evaluate("document.documentElement.lang") == "pl"
    log = page.locator(".chat-log")
    expect(log).to_contain_text(wording.text("PICK_ONE", "pl"), timeout=30_000)
    page.locator(".chat-buttons button", has_text=c.youth_title).click()
    start = wording.text("START_ANSWERING", "pl")
    expect(page.get_by_role("button", name=start)).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=start).click()
    header = wording.text("QUESTION_HEADER", "pl").format(number=1, total=4)
    expect(log).to_contain_text(header, timeout=30_000)
