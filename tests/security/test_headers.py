"""Security headers and cookie flags on every route the app serves, anonymous and signed in."""

from __future__ import annotations

import re
from pathlib import Path

import webapp
from tests.helpers import csrf_token
from tests.security.support import (
    as_new_request,
    check_headers,
    route_data,
    routes,
    url_for_rule,
)
from tests.staff.support import page, sign_in


def _check_cookies(response, where: str) -> int:  # type: ignore[no-untyped-def]
    cookies = response.headers.getlist("Set-Cookie")
    for cookie in cookies:
        _name, _, value = cookie.split(";")[0].partition("=")
        if value == "" and "max-age=0" in cookie.lower():
            # Flask-Login expiring its (unused) remember-me cookie: no value, gone at once.
            continue
        parts = {p.strip().split("=")[0].lower() for p in cookie.split(";")}
        assert "secure" in parts, f"{where}: {cookie}"
        assert "httponly" in parts, f"{where}: {cookie}"
        assert "samesite=lax" in cookie.lower(), f"{where}: {cookie}"
        # Only this host, over HTTPS, for the whole site: nobody else can plant one.
        assert _name.startswith("__Host-"), f"{where}: {cookie}"
        assert "path=/" in cookie.lower() and "domain" not in parts, f"{where}: {cookie}"
    return len(cookies)


INLINE_CODE = (r"<script(?![^>]*\bsrc=)", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style")


def _check_no_inline_code(html: str, where: str) -> None:
    for pattern in INLINE_CODE:
        assert not re.search(pattern, html, flags=re.I), f"{where}: {pattern}"
    assert "javascript:" not in html.lower(), where


def _visit_all(app, client, ids, *, signed_in: bool):  # type: ignore[no-untyped-def]
    seen = cookies = 0
    for endpoint, rule, method in routes(app):
        if not signed_in:
            client = app.test_client()  # a first visit: whatever cookie the page sets
            as_new_request()
        if endpoint == "staff.logout":
            continue  # signing out is checked on its own, last
        url = url_for_rule(rule, ids)
        headers = {}
        if endpoint.startswith("api."):
            headers["Authorization"] = "Bearer telegram-test-token"
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, headers=headers, data={})
        where = f"{method} {url} ({'signed in' if signed_in else 'anonymous'})"
        # /readyz answers 503 by design here: the test database is made without migrations.
        assert response.status_code < 500 or endpoint == "readyz", where
        check_headers(response, where)
        cookies += _check_cookies(response, where)
        if response.mimetype in ("application/json", "application/problem+json"):
            assert response.content_type.endswith("; charset=utf-8"), where
        if response.mimetype == "text/html":
            # Pages as served (server-drawn charts and QR codes included) obey the CSP.
            _check_no_inline_code(response.get_data(as_text=True), where)
        response.close()
        seen += 1
    assert cookies, "no route set a cookie, so the flags were never checked"
    return seen


def test_every_route_sends_the_security_headers_and_safe_cookies(app):
    ids = route_data(app).ids
    client = app.test_client()
    assert _visit_all(app, client, ids, signed_in=False) >= 40


def test_every_route_signed_in_as_admin_too(app):
    data = route_data(app)
    client = app.test_client()
    response = sign_in(client, data.admin)
    assert response.status_code == 303
    assert _check_cookies(response, "sign-in") == 1
    check_headers(response, "sign-in")
    assert _visit_all(app, client, data.ids, signed_in=True) >= 40
    token = csrf_token(page(client, "/staff/"))
    response = client.post("/staff/logout", data={"csrf_token": token})
    check_headers(response, "sign-out")
    _check_cookies(response, "sign-out")


def test_errors_and_static_files_carry_the_headers(client):
    for url in ("/no-such-page", "/api/v1/no-such-thing", "/static/youth.css", "/healthz"):
        with client.get(url) as response:
            check_headers(response, url)
    check_headers(client.delete("/"), "DELETE /")


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.config["HSTS_SECONDS"] = 0
    assert "Strict-Transport-Security" not in client.get("/", base_url="https://localhost").headers


def test_no_template_needs_inline_script_or_style():
    """The CSP forbids inline code; this catches a template that would break under it."""
    templates = Path(webapp.__file__).parent / "templates"
    for path in templates.rglob("*.html"):
        if path.parent.name == "reports":
            continue  # drawn into a PDF on the server, never sent to a browser
        _check_no_inline_code(path.read_text(), str(path))


def test_the_language_cookie_is_host_only_and_secure_like_the_session(app):
    client = app.test_client()
    token = csrf_token(page(client, "/"))
    picked = client.post("/language", data={"csrf_token": token, "language": "pl", "back": "/"})
    (cookie,) = picked.headers.getlist("Set-Cookie")
    assert cookie.startswith("__Host-lang=pl;")
    assert _check_cookies(picked, "language picker") == 1
    assert 'lang="pl"' in client.get("/").get_data(as_text=True)

    # `youthvoice serve` on plain http turns Secure off after start-up; the names follow.
    app.config["SESSION_COOKIE_SECURE"] = False
    client = app.test_client()
    token = csrf_token(page(client, "/"))
    picked = client.post("/language", data={"csrf_token": token, "language": "ur", "back": "/"})
    (cookie,) = picked.headers.getlist("Set-Cookie")
    assert cookie.startswith("lang=ur;") and "secure" not in cookie.lower()
    assert 'lang="ur"' in client.get("/").get_data(as_text=True)
    assert client.get_cookie("session") is not None  # the form's CSRF session, unprefixed


def test_json_says_it_is_utf_8(client):
    for path in ("/api/v1/openapi.json", "/api/v1/consultations", "/my-data.json", "/healthz"):
        response = client.get(path)
        assert response.content_type in (
            "application/json; charset=utf-8",
            "application/problem+json; charset=utf-8",
        ), path
