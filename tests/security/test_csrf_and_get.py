"""Every form POST without a CSRF token is refused; no GET anywhere changes stored data."""

from __future__ import annotations

from tests.security.support import as_new_request, route_data, routes, snapshot, url_for_rule
from tests.staff.support import sign_in

# The channel API authenticates with a bearer token and sets no cookie: nothing to forge.
TOKEN_AUTHENTICATED = "api."


def _post_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (endpoint, rule)
        for endpoint, rule, method in routes(app)
        if method == "POST" and not endpoint.startswith(TOKEN_AUTHENTICATED)
    ]


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app):
    data = route_data(app)
    client = app.test_client()
    assert sign_in(client, data.admin).status_code == 303
    posts = _post_routes(app)
    assert len(posts) >= 20
    # Staff routes are posted signed in as an admin, so only the token stands in the way.
    before = snapshot(skip=frozenset({"audit_entry"}))
    for endpoint, rule in posts:
        url = url_for_rule(rule, data.ids)
        # Everything a real form would send, except the token.
        response = client.post(url, data={"text": "x", "name": "x", "email": "a@b.cd"})
        assert response.status_code == 400, f"{endpoint} {url}: {response.status_code}"
        response = client.post(url, data={"csrf_token": "forged", "text": "x"})
        assert response.status_code == 400, f"{endpoint} {url} with a forged token"
    assert snapshot(skip=frozenset({"audit_entry"})) == before
    # Still signed in: the refusals did not sign anybody out.
    assert client.get("/staff/").status_code == 200


def test_csrf_refusal_is_a_kind_page_not_a_stack_trace(client):
    response = client.post("/forget-me")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_no_get_changes_anything(app):
    """Every GET route, anonymous and as an admin, leaves every table as it was.

    Exports are the one GET that writes: the audit log notes who downloaded answers,
    which records the read rather than changing the data read.
    """
    data = route_data(app)
    anonymous = app.test_client()
    admin = app.test_client()
    assert sign_in(admin, data.admin).status_code == 303
    before = snapshot(skip=frozenset({"audit_entry"}))
    audit_before = len(snapshot()["audit_entry"])
    gets = [(e, r) for e, r, m in routes(app) if m == "GET"]
    assert len(gets) >= 25
    for endpoint, rule in gets:
        url = url_for_rule(rule, data.ids)
        headers = {"Authorization": "Bearer telegram-test-token"} if endpoint[:4] == "api." else {}
        for client in (anonymous, admin):
            query = {"channel": "telegram", "id": "42"}
            as_new_request()
            with client.get(url, headers=headers, query_string=query) as response:
                if client is admin and endpoint.startswith("staff."):
                    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert snapshot(skip=frozenset({"audit_entry"})) == before
    exports = [e for e, _ in gets if e.startswith("staff.export")]
    assert len(snapshot()["audit_entry"]) == audit_before + len(exports)
