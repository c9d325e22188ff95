"""The officers' daily digest: printed always, mailed through SMTP when it is configured."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from consultations.staff_models import Role
from tests.feedback.support import closed_consultation
from tests.helpers import now
from tests.staff.support import make_user


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, remember it."""

    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server = self.server
        self._say("220 localhost test SMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 localhost")
            elif verb == "MAIL":
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(part.decode())
                server.received.append((recipients, "".join(body)))  # type: ignore[attr-defined]
                self._say("250 OK queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("250 OK")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_digest_prints_late_feedback(app):
    crowd = closed_consultation(closed_at=now() - timedelta(weeks=9))
    result = app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    assert "Feedback is late (1):" in result.output
    assert crowd.consultation.youth_title in result.output
    assert f"/staff/consultations/{crowd.consultation.id}/feedback" in result.output


def test_digest_with_nothing_to_report(app):
    result = app.test_cli_runner().invoke(args=["digest"])
    assert "Nothing is late and nothing is waiting" in result.output


def test_digest_is_mailed_to_officers_when_smtp_is_configured(app, smtp_server):
    closed_consultation(closed_at=now() - timedelta(weeks=9))
    officer = make_user(Role.OFFICER)
    make_user(Role.FORUM_MEMBER)
    # The test server speaks plain SMTP on loopback, as a local relay would.
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.server_address[1], SMTP_STARTTLS=False
    )
    result = app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received) == 1  # type: ignore[attr-defined]
    recipients, message = smtp_server.received[0]  # type: ignore[attr-defined]
    assert recipients == [officer.email]  # officers and admins, not forum members
    assert "Subject: Youth Voice daily digest" in message
    assert "Feedback is late (1):" in message


def test_digest_mail_failure_is_one_plain_line(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, DIGEST_TO="x@example.org")
    result = app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code != 0
    assert "Could not send the digest" in result.output and "Traceback" not in result.output
