"""Helpers for the staff console tests: accounts, signing in, posting forms with CSRF."""

from __future__ import annotations

import re
from itertools import count

from flask import g

from consultations import accounts
from consultations.db import db
from consultations.staff_models import Role, User
from tests.helpers import csrf_token, now

PASSWORD = "a long test password"
_serial = count(1)


def make_user(role: Role | str = Role.OFFICER, *, email: str | None = None) -> User:
    """A staff account with the shared test password."""
    user = accounts.create_user(
        email or f"{Role(role).value}{next(_serial)}@example.org", PASSWORD, role, now=now()
    )
    db.session.commit()
    return user


def page(client, path: str) -> str:  # type: ignore[no-untyped-def]
    """A page's HTML as this client sees it.

    The test app keeps one app context for the whole test, and Flask-WTF caches the CSRF
    token on ``g``; with two clients (a youth worker and a young person) each must get a
    token for its own session, as separate requests would in real life. Flask-Login caches
    the signed-in user on ``g`` the same way, so that is dropped too.
    """
    g.pop("csrf_token", None)
    g.pop("_login_user", None)
    return client.get(path).get_data(as_text=True)


def token_from(client, path: str = "/staff/login") -> str:  # type: ignore[no-untyped-def]
    return csrf_token(page(client, path))


def sign_in(client, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the real form; returns the response."""
    return client.post(
        "/staff/login",
        data={"csrf_token": token_from(client), "email": user.email, "password": password},
    )


def post(client, path: str, data: dict | None = None, *, page: str = "/staff/"):  # type: ignore[no-untyped-def,type-arg]
    """POST a staff form with a valid CSRF token taken from a console page."""
    return client.post(path, data={"csrf_token": token_from(client, page), **(data or {})})


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible text, roughly: tags removed, spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
