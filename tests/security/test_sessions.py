"""Staff sessions: renewed at sign-in, ended by sign-out, inactivity or age; cookie flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g

from consultations.audit import entries
from consultations.staff_models import Role
from tests.helpers import csrf_token
from tests.staff.support import make_user, post, sign_in, text_of
from webapp import create_app
from webapp.config import flask_config
from webapp.staff import IDLE_KEY
from youthvoice_settings import Settings


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


def _get(client, path: str):  # type: ignore[no-untyped-def]
    # Clients share the test's app context, where Flask-Login caches whoever it loaded.
    g.pop("_login_user", None)
    return client.get(path)


def _copy_of(app, client):  # type: ignore[no-untyped-def]
    """Another browser holding a copy of this one's session cookie (a stolen cookie)."""
    name = app.session_interface.get_cookie_name(app)
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def _sign_out(client) -> None:  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)
    g.pop("_login_user", None)
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 303


def test_signing_out_ends_every_session_of_the_account_copied_cookies_too(app):
    officer = make_user(Role.OFFICER)
    mine, elsewhere = app.test_client(), app.test_client()
    sign_in(mine, officer)
    sign_in(elsewhere, officer)  # the same person on another computer
    copied = _copy_of(app, mine)
    assert _get(copied, "/staff/").status_code == 200
    _sign_out(mine)
    for client in (copied, elsewhere, mine):
        response = _get(client, "/staff/")
        assert response.status_code == 302, response.status_code
        assert response.location.startswith("/staff/login")
    # Signing in again works, and the copy stays dead.
    assert sign_in(mine, officer).status_code == 303
    assert _get(mine, "/staff/").status_code == 200
    assert _get(copied, "/staff/").status_code == 302
    assert "signed_out" in [e.action for e in entries(object_type="user", object_id=officer.id)]


def test_a_switched_off_account_finds_its_old_sessions_ended_when_switched_back_on(app):
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER)
    admin_client, officer_client = app.test_client(), app.test_client()
    sign_in(officer_client, officer)
    sign_in(admin_client, admin)
    g.pop("_login_user", None)
    assert post(admin_client, f"/staff/users/{officer.id}", {"role": "officer"}).status_code == 303
    g.pop("_login_user", None)
    switch_on = {"role": "officer", "active": "y"}
    assert post(admin_client, f"/staff/users/{officer.id}", switch_on).status_code == 303
    assert _get(officer_client, "/staff/").status_code == 302
    assert sign_in(app.test_client(), officer).status_code == 303  # a new sign-in works


def test_a_sign_in_lasts_at_most_12_hours_however_busy(app, monkeypatch):
    import webapp.staff

    assert app.config["STAFF_SESSION_HOURS"] == 12
    client = app.test_client()
    sign_in(client, make_user(Role.OFFICER))
    start = datetime.now(UTC)
    for minutes in range(20, 12 * 60, 20):  # busy: a page every 20 minutes all day
        monkeypatch.setattr(webapp.staff, "now", lambda m=minutes: start + timedelta(minutes=m))
        assert _get(client, "/staff/").status_code == 200, minutes
    monkeypatch.setattr(webapp.staff, "now", lambda: start + timedelta(hours=12, minutes=1))
    response = _get(client, "/staff/polls")
    assert response.status_code == 303
    assert response.location.startswith("/staff/login?expired=1&next=/staff/polls")
    assert "a sign-in lasts at most 12 hours" in text_of(_get(client, response.location))
    assert _get(client, "/staff/").status_code == 302


def test_the_forum_signs_out_after_30_minutes_without_activity_like_the_console(app):
    client = app.test_client()
    sign_in(client, make_user(Role.FORUM_MEMBER))
    _idle_for(client, 29)
    assert client.get("/forum/").status_code == 200  # forum pages count as activity
    _idle_for(client, 29)
    assert client.get("/forum/tracker").status_code == 200
    _idle_for(client, 31)
    response = client.get("/forum/tracker")
    assert response.status_code == 303
    # Back to the forum's own sign-in page, saying why, and to the page they were on after.
    assert response.location.startswith("/forum/sign-in?idle=1&next=/forum/tracker")
    g.pop("_login_user", None)
    assert client.get("/forum/").status_code == 302


def test_cookie_settings_by_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("YOUTHVOICE_SECURE_COOKIES", raising=False)
    monkeypatch.delenv("YOUTHVOICE_STAFF_IDLE_MINUTES", raising=False)
    production = flask_config(Settings.from_environment(), tmp_path)
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["STAFF_IDLE_MINUTES"] == 30
    monkeypatch.setenv("YOUTHVOICE_SECURE_COOKIES", "0")
    assert flask_config(Settings.from_environment(), tmp_path)["SESSION_COOKIE_SECURE"] is False


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
