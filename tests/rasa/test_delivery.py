"""News for people on Rasa channels: leased from the outbox, sent through trigger_intent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.actions.delivery import RasaDelivery
from consultations.db import db
from feedback import outbox
from feedback.models import OutboxMessage, OutboxStatus
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import make_consultation, now
from tests.servers import free_port, serve
from webapp.cli import main


class FakeRasa:
    """Rasa's HTTP API, as far as trigger_intent goes: records calls, answers as told."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.status_for: dict[str, int] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        from werkzeug.wrappers import Request

        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 3 or parts[0] != "conversations":
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"status": "failure"}']
        sender = parts[1]
        self.calls.append(
            {"sender": sender, "args": dict(request.args), "body": request.get_json()}
        )
        status = self.status_for.get(sender, 200)
        start_response(f"{status} X", [("Content-Type", "application/json")])
        body = {"tracker": {"sender_id": sender}, "messages": [{"recipient_id": sender}]}
        return [json.dumps(body).encode()]


@pytest.fixture
def fake_rasa() -> Iterator[tuple[FakeRasa, str]]:
    rasa = FakeRasa()
    with serve(rasa) as url:
        yield rasa, url


def _subscribed(app, conversations: list[str]):  # type: ignore[no-untyped-def]
    """A consultation answered by people on Rasa channels who opted in, and its news queued."""
    c = make_consultation()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['rasa']}"}
    for sender in conversations:
        who = {"channel": "rasa", "id": f"socketio:{sender}"}
        q = c.questions[0]
        answer = {"question_id": q.id, "option_ids": [q.options[0].id]}
        assert (
            client.post(
                f"/api/v1/consultations/{c.slug}/answers",
                json={"participant": who, "answers": [answer]},
                headers=headers,
            ).status_code
            == 200
        )
        assert (
            client.post(
                "/api/v1/subscriptions",
                json={"participant": who, "address": sender},
                headers=headers,
            ).status_code
            == 200
        )
    written = outbox.notify_participants(
        c,
        kind="results",
        key=f"results:{c.slug}",
        render=lambda lang: "📣 Results are out",
        now=now(),
        link=f"http://testserver/c/{c.slug}/results",
    )
    db.session.commit()
    assert written == len(conversations)
    return c


def _statuses() -> list[OutboxStatus]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def _worker(switchboard, rasa_url: str) -> RasaDelivery:  # type: ignore[no-untyped-def]
    _, base = switchboard
    return RasaDelivery(f"{base}/api/v1", CHANNEL_TOKENS["rasa"], rasa_url, rasa_token="s3cret")


def test_news_goes_to_each_conversation_through_trigger_intent(
    app, backend, switchboard, fake_rasa
):
    rasa, rasa_url = fake_rasa
    c = _subscribed(app, ["conv-a", "conv-b"])
    worker = _worker(switchboard, rasa_url)
    try:
        tally = worker.deliver_once()
        assert (tally.sent, tally.retried, tally.failed) == (2, 0, 0)
        assert worker.deliver_once().handled == 0  # acknowledged rows never go twice
    finally:
        worker.close()

    assert sorted(call["sender"] for call in rasa.calls) == ["conv-a", "conv-b"]
    call = rasa.calls[0]
    assert call["args"] == {"output_channel": "latest", "token": "s3cret"}
    assert call["body"] == {
        "name": "EXTERNAL_notify",
        "entities": {"notification": f"📣 Results are out\nhttp://testserver/c/{c.slug}/results"},
    }
    assert _statuses() == [OutboxStatus.SENT, OutboxStatus.SENT]


def test_a_refusal_fails_one_message_and_an_unreachable_rasa_retries_all(
    app, backend, switchboard, fake_rasa
):
    rasa, rasa_url = fake_rasa
    _subscribed(app, ["conv-a", "conv-b"])
    rasa.status_for["conv-b"] = 400
    worker = _worker(switchboard, rasa_url)
    try:
        tally = worker.deliver_once()
    finally:
        worker.close()
    assert (tally.sent, tally.failed) == (1, 1)
    assert _statuses() == [OutboxStatus.SENT, OutboxStatus.PENDING]
    failed = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[1]
    assert failed.last_error == "Rasa refused: HTTP 400" and failed.available_at > now()

    failed.available_at = now()
    db.session.commit()
    nobody = RasaDelivery(
        f"{switchboard[1]}/api/v1", CHANNEL_TOKENS["rasa"], f"http://127.0.0.1:{free_port()}"
    )
    try:
        assert nobody.deliver_once().retried == 1
    finally:
        nobody.close()
    db.session.rollback()
    again = db.session.get(OutboxMessage, failed.id)
    assert again.status is OutboxStatus.PENDING and again.attempts == 1  # a retry is not a try


def test_the_deliver_rasa_command_sends_what_is_due(
    app, backend, switchboard, fake_rasa, monkeypatch
):
    rasa, rasa_url = fake_rasa
    _subscribed(app, ["conv-a"])
    monkeypatch.setenv("YOUTHVOICE_API_URL", f"{switchboard[1]}/api/v1")
    monkeypatch.setenv("YOUTHVOICE_RASA_TOKEN", CHANNEL_TOKENS["rasa"])
    result = CliRunner().invoke(main, ["deliver-rasa", "--once", "--rasa-url", rasa_url])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed." in result.output
    assert [call["sender"] for call in rasa.calls] == ["conv-a"]
    assert _statuses() == [OutboxStatus.SENT]


def test_someone_who_stops_after_the_lease_is_not_sent_the_news(
    app, backend, switchboard, fake_rasa
):
    rasa, rasa_url = fake_rasa
    _subscribed(app, ["conv-a", "conv-b"])
    worker = _worker(switchboard, rasa_url)
    lease = worker.api.lease

    def lease_then_stop(**options):  # type: ignore[no-untyped-def]
        leased = lease(**options)
        # conv-b says stop on another process a moment after the rows were leased.
        stopped = app.test_client().post(
            "/api/v1/subscriptions/stop",
            json={"participant": {"channel": "rasa", "id": "socketio:conv-b"}},
            headers={"Authorization": f"Bearer {CHANNEL_TOKENS['rasa']}"},
        )
        assert stopped.status_code == 200
        return leased

    worker.api.lease = lease_then_stop  # type: ignore[method-assign]
    try:
        tally = worker.deliver_once()
    finally:
        worker.close()
    assert (tally.sent, tally.skipped) == (1, 1)
    assert [call["sender"] for call in rasa.calls] == ["conv-a"]
    assert sorted(_statuses(), key=str) == sorted(
        [OutboxStatus.SENT, OutboxStatus.DROPPED], key=str
    )
