"""What a channel shows a young person after a disclosure or a tension signal, and the email.

The domain decides which help applies and in which languages
(``consultations.moderation.support``) and says it (``consultations.words``), so the web
form, Telegram and Rasa say the same.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Iterable
from typing import Any

from flask import current_app

from consultations import words
from consultations.moderation.notify import MailSettings, send_concern_notice
from consultations.moderation.support import support_for as choose_support
from consultations.services import Submitted
from webapp.i18n import current_language

log = logging.getLogger(__name__)

CHILDLINE_PHONE = "0800 1111"
EMERGENCY_PHONE = "999"


def support_payload(outcome: Submitted) -> dict[str, Any] | None:
    """The API's ``support`` object; None when the submission needs no message."""
    return support_for(
        safeguarding=outcome.safeguarding, tension=outcome.tension, written_in=outcome.languages
    )


def support_for(
    *, safeguarding: bool, tension: bool, written_in: Iterable[str] = ()
) -> dict[str, Any] | None:
    """The help a disclosure (``safeguarding``) or a tension signal calls for; None if neither.

    The domain chooses the languages: the page's or channel's, then the one written in.
    """
    support = choose_support(
        safeguarding=safeguarding,
        tension=tension,
        page_language=current_language(),
        written_in=written_in,
    )
    if support is None:
        return None
    return {
        "safeguarding": safeguarding,
        "tension": tension,
        # Help must be understood: in the channel's language and in the one written in.
        "message": "\n\n".join(
            words.support_message(safeguarding=safeguarding, tension=tension, lang=lang)
            for lang in support.languages
        ),
        "languages": list(support.languages),
        "childline": CHILDLINE_PHONE if safeguarding else None,
        "emergency": EMERGENCY_PHONE if safeguarding else None,
        "hate_reporting": words.HATE_REPORTING_URL if tension else None,
    }


def _mail_settings() -> MailSettings | None:
    config = current_app.config
    if not config.get("SMTP_HOST") or not config.get("SAFEGUARDING_EMAIL"):
        return None
    return MailSettings(
        host=config["SMTP_HOST"],
        port=int(config.get("SMTP_PORT", 587)),
        sender=config.get("SMTP_FROM") or "youthvoice@localhost",
        recipient=config["SAFEGUARDING_EMAIL"],
        username=config.get("SMTP_USERNAME", ""),
        password=config.get("SMTP_PASSWORD", ""),
        starttls=bool(config.get("SMTP_STARTTLS", True)),
    )


def _send(settings: MailSettings, queue_url: str) -> None:
    try:
        send_concern_notice(settings, queue_url)
    except (OSError, smtplib.SMTPException) as error:
        # The banner on the staff console still shows the concern; log only the kind of failure.
        log.warning("safeguarding email not sent: %s", type(error).__name__)


def notify_new_concern(outcome: Submitted) -> threading.Thread | None:
    """Email the safeguarding lead when this submission put a concern in the queue."""
    return notify_concern_waiting() if outcome.new_concern else None


def notify_concern_waiting() -> threading.Thread | None:
    """Email the safeguarding lead (when SMTP is set up) once a concern is committed.

    Sent on a thread so a slow mail server never keeps a young person waiting for help.
    """
    settings = _mail_settings()
    if settings is None:
        return None
    queue_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/staff/safeguarding"
    thread = threading.Thread(target=_send, args=(settings, queue_url), daemon=True)
    thread.start()
    return thread
