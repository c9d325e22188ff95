"""Rate limits on sign-in, answers (web and API) and the API, in memory and in Redis."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask

from consultations import services
from consultations.db import db
from tests.conftest import CHANNEL_TOKENS, app_config
from tests.helpers import csrf_token, make_consultation
from tests.staff.support import page, text_of
from webapp import create_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LOW_LIMITS = {
    "RATELIMIT_LOGIN": "3/minute",
    "RATELIMIT_ANSWERS": "2/minute",
    "RATELIMIT_API": "8/minute",
    "RATELIMIT_API_ANSWERS": "2/minute",
}


def _redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2):
            return True
    except OSError:
        return False


STORAGES = [
    "memory",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}"
        ),
    ),
]


@pytest.fixture(params=STORAGES)
def limited_app(request, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """An app with low limits, counting in memory or in a real Redis (SQLite is enough here)."""
    prefix = f"yv-test-{uuid.uuid4().hex[:8]}"
    config = {
        **app_config(tmp_path, f"sqlite:///{tmp_path / 'limits.db'}"),
        **LOW_LIMITS,
        "REDIS_URL": REDIS_URL if request.param == "redis" else "",
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    application = create_app(config)
    with application.app_context():
        db.create_all()
        services.seed_reference_data()
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"*{prefix}*"))
        if keys:
            client.delete(*keys)


def test_storage_is_redis_when_redis_url_is_set(limited_app):
    from webapp.security import limiter_for

    storage = type(limiter_for(limited_app).storage).__name__
    expected = "RedisStorage" if limited_app.config["REDIS_URL"] else "SweptMemoryStorage"
    assert storage == expected


def test_counters_in_memory_are_swept_once_a_second_not_every_10_ms(tmp_path):
    """Each sweep walks every participant's key: a hundred a second cost more than answers."""
    from limits.storage import MemoryStorage

    from webapp.security import SweptMemoryStorage, limiter_for

    application = create_app(
        {**app_config(tmp_path, f"sqlite:///{tmp_path / 'sweep.db'}"), "REDIS_URL": ""}
    )
    storage = limiter_for(application).storage
    assert isinstance(storage, MemoryStorage)
    storage.timer.join(5)  # the library's own first sweep, started with the storage
    assert storage.acquire_entry("participant:one", 2, 60)
    assert storage.acquire_entry("participant:one", 2, 60)
    assert not storage.acquire_entry("participant:one", 2, 60), "the limit still holds"
    # The hit scheduled the next sweep through our hook, not the library's 10 ms timer.
    assert storage.timer.interval == SweptMemoryStorage.SWEEP_SECONDS
    assert storage.timer.daemon
    storage.reset()


def test_staff_sign_in_is_limited_with_a_friendly_page(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        token = csrf_token(page(client, "/staff/login"))
        response = client.post(
            "/staff/login",
            data={"csrf_token": token, "email": "x@example.org", "password": "wrong password!"},
        )
        assert response.status_code == 401
    token = csrf_token(page(client, "/staff/login"))
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": "x@example.org", "password": "p"}
    )
    assert response.status_code == 429
    # A one-minute window, rounded up to whole seconds.
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert "Slow down a little" in text_of(response)
    assert response.mimetype == "text/html"
    # Reading the sign-in page is not limited: only attempts count.
    assert client.get("/staff/login").status_code == 200


def test_web_answers_are_limited_and_keep_what_was_typed(limited_app):
    consultation = make_consultation()
    free_text = consultation.questions[3]
    client = limited_app.test_client()

    def send(text: str):  # type: ignore[no-untyped-def]
        token = csrf_token(page(client, f"/c/{consultation.slug}"))
        return client.post(
            f"/c/{consultation.slug}",
            data={
                "csrf_token": token,
                f"q{consultation.questions[0].id}": str(consultation.questions[0].options[0].id),
                f"q{free_text.id}": text,
            },
        )

    assert send("first").status_code == 303
    assert send("second").status_code == 303
    response = send("my third try at this")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    html = response.get_data(as_text=True)
    assert "my third try at this" in html
    assert "Nothing you typed has been lost" in text_of(response)


def test_api_answers_are_limited_per_participant_with_a_problem_document(limited_app):
    consultation = make_consultation()
    client = limited_app.test_client()
    headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
    url = f"/api/v1/consultations/{consultation.slug}/answers"

    def send(who: str):  # type: ignore[no-untyped-def]
        return client.post(
            url,
            headers=headers,
            json={
                "participant": {"channel": "telegram", "id": who},
                "answers": [{"question_id": consultation.questions[2].id, "value": 3}],
            },
        )

    assert send("1").status_code == 200
    assert send("1").status_code == 200
    refused = send("1")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert int(refused.headers["Retry-After"]) == body["retry_after"] >= 1
    # Someone else on the same bot is not held back by the first person's flood.
    assert send("2").status_code == 200


def test_the_api_as_a_whole_is_limited_per_channel_token(limited_app):
    client = limited_app.test_client()
    telegram = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
    rasa = {"Authorization": f"Bearer {CHANNEL_TOKENS['rasa']}"}
    statuses = [client.get("/api/v1/consultations", headers=telegram).status_code for _ in range(9)]
    assert statuses == [200] * 8 + [429]
    # Another channel has its own allowance.
    assert client.get("/api/v1/consultations", headers=rasa).status_code == 200


def test_limits_can_be_switched_off(tmp_path):
    config = {
        **app_config(tmp_path, f"sqlite:///{tmp_path / 'off.db'}"),
        **LOW_LIMITS,
        "RATELIMIT_ENABLED": False,
    }
    application = create_app(config)
    with application.app_context():
        db.create_all()
        client = application.test_client()
        headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
        codes = {
            client.get("/api/v1/consultations", headers=headers).status_code for _ in range(12)
        }
        assert codes == {200}
        db.session.remove()
        db.engine.dispose()


def test_a_redis_outage_does_not_stop_young_people_answering(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]  # nothing listens here once closed
    config = {
        **app_config(tmp_path, f"sqlite:///{tmp_path / 'down.db'}"),
        **LOW_LIMITS,
        "REDIS_URL": f"redis://127.0.0.1:{dead_port}/0",
    }
    application = create_app(config)
    with application.app_context():
        db.create_all()
        services.seed_reference_data()
        db.session.commit()
        client = application.test_client()
        headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
        statuses = [
            client.get("/api/v1/consultations", headers=headers).status_code for _ in range(9)
        ]
        # Still served, and still limited: the counting moved to memory.
        assert statuses == [200] * 8 + [429]
        db.session.remove()
        db.engine.dispose()


def test_made_up_tokens_share_their_addresss_allowance_instead_of_getting_their_own(
    limited_app,
):
    client = limited_app.test_client()
    guesses = [
        client.get("/api/v1/consultations", headers={"Authorization": f"Bearer guess-{n}"})
        for n in range(9)
    ]
    assert [r.status_code for r in guesses] == [401] * 8 + [429]
    # The same address without any token is the same caller.
    assert client.get("/api/v1/consultations").status_code == 429
    # A real channel keeps its own allowance whatever strangers send.
    telegram = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
    assert client.get("/api/v1/consultations", headers=telegram).status_code == 200
