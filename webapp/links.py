"""Public links the back end sends out in messages (chat, "results are out")."""

from __future__ import annotations

from flask import current_app


def consultation_link(slug: str) -> str:
    """Where a young person sees a consultation and, once closed, what it found."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/c/{slug}"


def receipt_link(token: str) -> str:
    """A young person's private receipt page, on the site's public address."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/r/{token}"
