"""Chat channels: clients of the back end's ``/api/v1`` (Telegram, Rasa actions, terminal)."""

import os

# python-telegram-bot 22.2+ warns on every 429 unless durations come as timedelta, which the
# delivery worker already reads (bot/delivery.py _seconds): take the future behaviour now.
os.environ.setdefault("PTB_TIMEDELTA", "1")


def api_root(url: str) -> str:
    """``YOUTHVOICE_API_URL`` as the site's address or its ``/api/v1``: both mean the API."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v1") else f"{url}/api/v1"
