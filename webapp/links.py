"""Public links the back end sends out in messages (chat, "results are out")."""

from __future__ import annotations

from flask import current_app

from consultations.models import Consultation
from feedback.invitations import Links


def consultation_link(slug: str) -> str:
    """Where a young person sees a consultation and, once closed, what it found."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/c/{slug}"


def receipt_link(token: str) -> str:
    """A young person's private receipt page, on the site's public address."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/r/{token}"


def invitation_links(consultation: Consultation) -> Links:
    """Where an invitation leads: the web page, and on Telegram a deep link into the bot."""
    bot = current_app.config.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@")
    return Links(
        web=consultation_link(consultation.slug),
        telegram=f"https://t.me/{bot}?start=c_{consultation.slug}" if bot else None,
    )
