"""The safeguarding lead hears by email that a concern is waiting, and nothing more."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import make_consultation
from tests.moderation.support import CLEAN, DISCLOSURE, api_submit, web_submit
from webapp import support


class Inbox:
    """An SMTP handler that keeps what it receives and says when something came."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        self.arrived.set()
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_STARTTLS=False,
        SMTP_FROM="youthvoice@council.example",
        SAFEGUARDING_EMAIL="dsl@council.example",
    )
    try:
        yield handler
    finally:
        controller.stop()


def test_a_disclosure_emails_the_safeguarding_lead_without_the_words(client, inbox):
    c = make_consultation()
    response = api_submit(client, c, DISCLOSURE, uid="777000111")
    assert response.json["support"]["safeguarding"] is True
    assert inbox.arrived.wait(timeout=10), "no email arrived"
    [(recipients, message)] = inbox.messages
    assert recipients == ["dsl@council.example"]
    assert message["To"] == "dsl@council.example"
    assert "safeguarding concern is waiting" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "http://testserver/staff/safeguarding" in body
    for secret in ("kill myself", "777000111", "telegram", c.youth_title):
        assert secret not in body and secret not in str(message)


def test_the_web_form_notifies_too_but_a_clean_answer_does_not(client, inbox):
    c = make_consultation()
    web_submit(client, c, CLEAN)
    assert inbox.messages == []
    web_submit(client, c, DISCLOSURE)
    assert inbox.arrived.wait(timeout=10)
    assert len(inbox.messages) == 1


def test_no_email_without_an_smtp_host(app, client):
    assert not app.config.get("SMTP_HOST")
    with app.test_request_context():
        assert support.notify_concern_waiting() is None


def test_a_mail_server_that_is_down_never_stops_the_help(app, client, caplog):
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=_free_port(),  # nothing listens here
        SMTP_STARTTLS=False,
        SAFEGUARDING_EMAIL="dsl@council.example",
    )
    c = make_consultation()
    with caplog.at_level(logging.WARNING, logger="webapp.support"):
        response = api_submit(client, c, DISCLOSURE)
        assert response.status_code == 200
        assert response.json["support"]["safeguarding"] is True
        with app.test_request_context():
            thread = support.notify_concern_waiting()
        assert thread is not None
        thread.join(timeout=15)
    assert "safeguarding email not sent: ConnectionRefusedError" in caplog.text
    assert "kill myself" not in caplog.text
