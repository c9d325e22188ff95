"""Telling the safeguarding lead by email that a concern is waiting.

The message never holds what the young person wrote, where they are or which channel
they used: only that something is waiting, and the link to the queue behind sign-in.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

SUBJECT = "Youth Voice: a safeguarding concern is waiting"


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    recipient: str
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 10.0


def concern_notice(settings: MailSettings, queue_url: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.sender
    message["To"] = settings.recipient
    message.set_content(
        "A young person's answer has been put in the safeguarding queue and needs to be "
        "looked at as soon as possible.\n\n"
        f"Sign in to read it: {queue_url}\n\n"
        "This email holds no details on purpose. Please do not forward it.\n"
    )
    return message


def send_concern_notice(settings: MailSettings, queue_url: str) -> None:
    """Send the notice; raises ``OSError``/``smtplib.SMTPException`` when it cannot."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(concern_notice(settings, queue_url))
