"""What an operator relies on: health, readiness, metrics, logs without personal data, doctor."""

from __future__ import annotations

import io
import logging

import pytest

from consultations.db import db
from feedback import outbox
from tests.conftest import app_config
from tests.helpers import make_consultation, now
from webapp import create_app


def test_healthz_is_alive_and_readyz_wants_the_newest_schema(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    # The test database was made with create_all, not migrated: not ready, and it says why.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "code at" in response.get_json()["migrations"]


def test_readyz_is_ready_once_init_db_has_run(tmp_path):
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'ready.db'}"))
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        response = app.test_client().get("/readyz")
        assert response.status_code == 200
        assert response.get_json()["status"] == "ready"
        db.engine.dispose()


def test_readyz_says_unavailable_not_500_when_the_database_is_down(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"
    app = create_app(app_config(tmp_path, url))
    with app.app_context():
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def _answer(api, consultation, n: int) -> None:
    q = consultation.questions[0]
    api.post(
        f"/consultations/{consultation.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": str(n)},
            "answers": [{"question_id": q.id, "option_ids": [q.options[0].id]}],
        },
    )


METRICS_TOKEN = "a-long-metrics-token"


def _metrics(app, client) -> str:  # type: ignore[no-untyped-def]
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_metrics_count_answers_and_the_outbox_from_the_database(app, client, api):
    consultation = make_consultation()
    for n in range(3):
        _answer(api, consultation, n)
        api.post(
            "/subscriptions",
            json={"participant": {"channel": "telegram", "id": str(n)}, "address": str(n)},
        )
    outbox.notify_participants(
        consultation, kind="results", key="r", render=lambda lang: "out", now=now()
    )
    db.session.commit()
    body = _metrics(app, client)
    assert 'youthvoice_consultations{status="open"} 1.0' in body
    assert "youthvoice_answers 3.0" in body
    assert "youthvoice_participants 3.0" in body
    assert 'youthvoice_outbox_messages{channel="telegram",status="pending"} 3.0' in body
    assert 'youthvoice_outbox_oldest_pending_seconds{channel="telegram"}' in body
    assert "youthvoice_moderation_backlog 0.0" in body
    assert "youthvoice_safeguarding_concerns_open 0.0" in body


def test_metrics_show_the_moderation_backlog_and_open_concerns(app, client, api):
    consultation = make_consultation()
    free = consultation.questions[3]
    for n, text in enumerate(["More benches", "i want to kill myself"]):
        api.post(
            f"/consultations/{consultation.slug}/answers",
            json={
                "participant": {"channel": "telegram", "id": str(n)},
                "answers": [{"question_id": free.id, "text": text}],
            },
        )
    body = _metrics(app, client)
    assert "youthvoice_moderation_backlog 2.0" in body
    assert "youthvoice_safeguarding_concerns_open 1.0" in body


def test_metrics_are_off_until_a_token_is_set(app, client):
    """They count open safeguarding concerns: never public, whatever the default."""
    assert app.config["METRICS_TOKEN"] == ""
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 403, headers
        assert "safeguarding" not in refused.get_data(as_text=True)
        assert "set METRICS_TOKEN" in refused.get_data(as_text=True)


def test_metrics_need_the_token_when_one_is_set(app, client):
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert right.status_code == 200


@pytest.fixture
def request_log():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("youthvoice.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_request_logs_name_the_route_never_the_chat_id_or_slug(api, request_log):
    consultation = make_consultation(slug="secret-youth-club")
    api.get("/participants/me", query_string={"channel": "telegram", "id": "987654321"})
    _answer(api, consultation, 555444333)
    logged = request_log.getvalue()
    assert "GET /api/v1/participants/me 200" in logged
    assert "POST /api/v1/consultations/<slug>/answers 200" in logged
    for secret in ("987654321", "555444333", "secret-youth-club"):
        assert secret not in logged


def test_json_logs_are_one_object_per_line():
    from youthvoice_settings.logs import JsonFormatter

    record = logging.LogRecord("youthvoice.request", logging.INFO, __file__, 1, "x", (), None)
    record.route, record.status = "/", 200
    import json

    entry = json.loads(JsonFormatter().format(record))
    assert entry["route"] == "/" and entry["status"] == 200 and entry["level"] == "info"


def test_doctor_names_what_to_fix_and_fails_on_a_weak_token(app, monkeypatch):
    app.config["CHANNEL_TOKENS"] = {"telegram": "CHANGE-ME"}
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "[FAIL] channel tokens" in result.output
    assert "at least 16 characters" in result.output
    assert "[FAIL] migrations at head" in result.output  # made by create_all in tests
    assert "Run `youthvoice init-db`" in result.output


def test_doctor_passes_a_sound_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "")
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'ok.db'}"))
    app.config["CHANNEL_TOKENS"] = {"telegram": "x" * 32}
    app.config["PUBLIC_URL"] = "https://voice.example.org"
    app.config["SESSION_COOKIE_SECURE"] = True
    with app.app_context():
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        result = runner.invoke(args=["doctor"])
        assert result.exit_code == 0, result.output
        assert "[ok  ] database reachable" in result.output
        assert "[ok  ] migrations at head" in result.output
        assert "[ok  ] secure cookies" in result.output
        db.engine.dispose()


def test_doctor_reports_an_unreachable_redis(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert "[FAIL] Redis" in result.output
    assert result.exit_code == 1
