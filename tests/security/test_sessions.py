"""Staff sessions: renewed at sign-in, ended after inactivity; cookie flags by setting."""

from __future__ import annotations

import pytest
from flask import g

from consultations.staff_models import Role
from tests.staff.support import make_user, sign_in, text_of
from webapp import create_app
from webapp.config import from_environment
from webapp.staff import IDLE_KEY


def test_sign_in_renews_the_session(app):
    """Session fixation: nothing planted in a session before sign-in survives it."""
    client = app.test_client()
    client.get("/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["participant"] = "a token someone else knows"
        before = dict(session)
    assert sign_in(client, make_user(Role.OFFICER)).status_code == 303
    with client.session_transaction() as session:
        after = dict(session)
    assert "planted" not in after and "participant" not in after
    assert after.get("csrf_token") != before.get("csrf_token")
    assert "_user_id" in after


def _idle_for(client, minutes: float) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session[IDLE_KEY] = int(session[IDLE_KEY] - minutes * 60)
    g.pop("_login_user", None)


def test_staff_are_signed_out_after_30_minutes_without_activity(app):
    assert app.config["STAFF_IDLE_MINUTES"] == 30
    client = app.test_client()
    sign_in(client, make_user(Role.OFFICER))
    _idle_for(client, 29)
    assert client.get("/staff/").status_code == 200  # and that counts as activity
    _idle_for(client, 29)
    assert client.get("/staff/").status_code == 200
    _idle_for(client, 31)
    response = client.get("/staff/polls")
    assert response.status_code == 303
    assert response.location.startswith("/staff/login?idle=1&next=/staff/polls")
    assert "signed out after 30 minutes without activity" in text_of(client.get(response.location))
    with client.session_transaction() as session:
        assert "_user_id" not in session
    g.pop("_login_user", None)
    assert client.get("/staff/").status_code == 302  # still signed out


def test_idle_limit_is_configurable(app):
    app.config["STAFF_IDLE_MINUTES"] = 5
    client = app.test_client()
    sign_in(client, make_user(Role.OFFICER))
    _idle_for(client, 6)
    assert client.get("/staff/").status_code == 303


def test_cookie_settings_by_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("YOUTHVOICE_SECURE_COOKIES", raising=False)
    monkeypatch.delenv("YOUTHVOICE_STAFF_IDLE_MINUTES", raising=False)
    production = from_environment(str(tmp_path))
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["STAFF_IDLE_MINUTES"] == 30
    monkeypatch.setenv("YOUTHVOICE_SECURE_COOKIES", "0")
    assert from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("env_value", [None, "1"])
def test_serve_on_plain_http_turns_secure_cookies_off_unless_told(monkeypatch, tmp_path, env_value):
    import werkzeug.serving

    from webapp import cli

    if env_value is None:
        monkeypatch.delenv("YOUTHVOICE_SECURE_COOKIES", raising=False)
    else:
        monkeypatch.setenv("YOUTHVOICE_SECURE_COOKIES", env_value)
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "k",
            "PSEUDONYM_KEY": "p",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.db'}",
        }
    )
    served = {}
    monkeypatch.setattr(
        werkzeug.serving,
        "run_simple",
        lambda host, port, application, **kw: served.update(app=application),
    )
    result = app.test_cli_runner().invoke(cli.serve, ["--port", "5999"])
    assert result.exit_code == 0, result.output
    assert served["app"] is app
    assert app.config["SESSION_COOKIE_SECURE"] is (env_value == "1")


def test_the_built_in_server_never_logs_query_strings(caplog):
    """Chat ids travel as ?id=…; the access log keeps only the path."""
    import logging

    from webapp.cli import _request_handler

    handler_class = _request_handler()
    handler = handler_class.__new__(handler_class)
    handler.path = "/api/v1/participants/me?channel=telegram&id=123456789"
    handler.command = "GET"
    handler.request_version = "HTTP/1.1"
    handler.client_address = ("127.0.0.1", 5000)
    handler.requestline = f"GET {handler.path} HTTP/1.1"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log_request(200, 10)
    assert "/api/v1/participants/me" in caplog.text
    assert "123456789" not in caplog.text
    assert handler.path.endswith("id=123456789")  # the request itself is untouched
