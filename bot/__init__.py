"""Chat channels: clients of the back end's ``/api/v1`` (Telegram, Rasa actions, terminal)."""


def api_root(url: str) -> str:
    """``YOUTHVOICE_API_URL`` as the site's address or its ``/api/v1``: both mean the API."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v1") else f"{url}/api/v1"
