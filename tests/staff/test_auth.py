"""Signing in: sessions, cookies, throttling, CSRF, and the create-user command."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from consultations import accounts
from consultations.db import db
from consultations.staff_models import AuditEntry, LoginFailure, Role, User
from feedback import demo
from tests.helpers import now
from tests.staff.support import PASSWORD, make_user, sign_in, text_of, token_from


def test_signing_in_renews_the_session_and_goes_back_where_asked(client):
    user = make_user(Role.OFFICER)
    assert client.get("/staff/glossary").location == "/staff/login?next=/staff/glossary"
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    token = token_from(client)
    response = client.post(
        "/staff/login?next=/staff/glossary",
        data={"csrf_token": token, "email": user.email.upper(), "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.location == "/staff/glossary"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.user_id == user.id)) == (
        "signed_in"
    )


def test_next_never_leads_off_the_console(client):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/staff", "/c/anything"):
        response = client.post(
            f"/staff/login?next={target}",
            data={"csrf_token": token_from(client), "email": user.email, "password": PASSWORD},
        )
        assert response.location == "/staff/", target


def test_cookie_is_secure_when_configured(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = sign_in(client, make_user())
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_refused_and_keeps_the_email(client):
    user = make_user()
    response = sign_in(client, user, password="not the password")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "That email and password do not match an account." in page
    assert f'value="{user.email}"' in page
    assert "not the password" not in page


def test_sign_in_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_repeated_failures_lock_the_account_even_for_the_right_password(client):
    user = make_user()
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, user, password="guess").status_code == 401
    locked = sign_in(client, user)
    assert locked.status_code == 429
    assert "Too many failed sign-ins. Wait 15 minutes" in text_of(locked)
    # Kept in the database, so another process (another gunicorn worker) sees it too.
    assert db.session.scalar(select(db.func.count()).select_from(LoginFailure)) == 5
    assert user.email not in str(db.session.scalars(select(LoginFailure.account_key)).all())


def _sign_in(email: str, password: str, *, address: str, when: datetime) -> User | None:
    """Both steps, committing in between as the sign-in page does."""
    try:
        attempt = accounts.begin_sign_in(email, address=address, now=when)
        db.session.commit()
    except accounts.SignInThrottled:
        db.session.rollback()
        raise
    return accounts.finish_sign_in(attempt, password, now=when)


def test_throttle_lifts_after_the_window_and_success_forgets_failures(app):
    user = make_user()
    address = "192.0.2.7"
    earlier = now() - accounts.THROTTLE_WINDOW - timedelta(seconds=1)
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        assert _sign_in(user.email, "guess", address=address, when=earlier) is None
    signed_in = _sign_in(user.email, PASSWORD, address=address, when=now())
    assert signed_in is not None and signed_in.id == user.id
    assert db.session.scalar(select(db.func.count()).select_from(LoginFailure)) == 0


def test_one_address_guessing_many_accounts_is_throttled(app):
    users = [make_user() for _ in range(5)]  # four wrong guesses each: no account locks
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
        _sign_in(users[n % 5].email, "guess", address="198.51.100.1", when=now())
        db.session.commit()
    fresh = make_user()
    try:
        _sign_in(fresh.email, PASSWORD, address="198.51.100.1", when=now())
    except accounts.SignInThrottled:
        pass
    else:
        raise AssertionError("the address was not throttled")
    assert _sign_in(fresh.email, PASSWORD, address="203.0.113.9", when=now()) is not None


def test_passwords_are_stored_as_argon2id_hashes(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_sign_out_needs_a_form_post_and_ends_the_session(client):
    sign_in(client, make_user())
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout", data={"csrf_token": token_from(client, "/staff/")})
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 302


def test_create_user_command_prompts_or_reads_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "Boss@Example.org", "--role", "admin"],
        input="a good long password\na good long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created boss@example.org (Admin)." in result.output
    result = runner.invoke(
        args=["create-user", "worker@example.org", "--role", "youth_worker", "--password-stdin"],
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles == {"boss@example.org": Role.ADMIN, "worker@example.org": Role.YOUTH_WORKER}


def test_create_user_command_refuses_short_passwords_and_bad_roles(app):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["create-user", "a@example.org", "--role", "officer", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
    bad = runner.invoke(args=["create-user", "a@example.org", "--role", "mayor"])
    assert bad.exit_code != 0
    assert db.session.scalar(select(User.id)) is None


def test_demo_prints_one_time_staff_passwords_that_work(app, monkeypatch):
    # The synthetic answers are tested in tests/test_cli.py; here only the accounts matter.
    monkeypatch.setattr(demo, "load_demo", lambda **kwargs: 0)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if "@demo." in line]
    assert {line[0] for line in lines} == {r.value for r in Role}
    _role, email, password = lines[0]
    assert _sign_in(email, password, address="-", when=now()) is not None
