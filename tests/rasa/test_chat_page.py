"""The web chat page: a self-hosted socket.io widget when Rasa is set up, the web form if not."""

from __future__ import annotations

import re
from html import unescape

from bot import wording


def test_with_a_rasa_server_the_page_loads_the_self_hosted_widget(app, client):
    app.config["RASA_SOCKET_URL"] = "https://rasa.example.org"
    page = client.get("/chat")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-socket-url="https://rasa.example.org"' in html
    assert 'data-socket-path="/socket.io"' in html
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    # Only files from this site, nothing inline (the site's CSP allows no inline script).
    assert [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts] == [
        "/static/vendor/socket.io/socket.io.min.js",
        "/static/chat.js",
    ]
    assert all(body.strip() == "" for _, body in scripts)
    assert "//cdn" not in html and "https://" not in html.replace("https://rasa.example.org", "")
    widget = client.get("/static/vendor/socket.io/socket.io.min.js")
    assert widget.status_code == 200 and b"Socket.IO v4" in widget.data
    widget.close()
    licence = client.get("/static/vendor/socket.io/LICENSE")
    assert b"MIT" in licence.data or b"Permission is hereby granted" in licence.data
    licence.close()
    script = client.get("/static/chat.js")
    assert b"textContent" in script.data and b"innerHTML" not in script.data
    script.close()


def test_without_a_rasa_server_the_page_points_to_the_web_form(app, client):
    app.config["RASA_SOCKET_URL"] = ""
    html = unescape(client.get("/chat").get_data(as_text=True))
    assert wording.WEB_CHAT_OFF in html
    assert 'href="/">Have your say on the website' in html
    assert "<script" not in html


def test_every_page_links_to_the_chat_only_when_it_is_switched_on(app, client):
    app.config["RASA_SOCKET_URL"] = "https://rasa.example.org"
    assert 'href="/chat"' in client.get("/").get_data(as_text=True)
    # With no Rasa server a "Chat" link would only lead to "chat is not switched on".
    app.config["RASA_SOCKET_URL"] = ""
    for path in ("/", "/privacy", "/you-said-we-did"):
        assert 'href="/chat"' not in client.get(path).get_data(as_text=True), path
    assert client.get("/chat").status_code == 200  # an old link still explains


def test_the_content_policy_lets_the_chat_reach_only_its_rasa_server(tmp_path):
    from tests.conftest import app_config
    from webapp import create_app

    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'chat.db'}")
    config["RASA_SOCKET_URL"] = "https://rasa.example.org"
    policy = create_app(config).test_client().get("/chat").headers["Content-Security-Policy"]
    connect = next(d for d in policy.split("; ") if d.startswith("connect-src"))
    assert connect == "connect-src 'self' https://rasa.example.org wss://rasa.example.org"
    assert "script-src 'self';" in policy  # still no script from anywhere else
