"""The back end as the action server reaches it: its address and token, and who is speaking."""

from __future__ import annotations

import hashlib
import os

from bot.client import ApiClient
from channel_api.payloads import PARTICIPANT_ID_MAX

CHANNEL = "rasa"
DEFAULT_API_URL = "http://127.0.0.1:5000/api/v1"


def api_token_from_env() -> str:
    """The ``rasa`` channel token: YOUTHVOICE_RASA_TOKEN, or the rasa entry of the token list."""
    token = os.environ.get("YOUTHVOICE_RASA_TOKEN", "").strip()
    if token:
        return token
    for item in os.environ.get("YOUTHVOICE_CHANNEL_TOKENS", "").split(","):
        name, sep, value = item.strip().partition(":")
        if sep and name.strip() == CHANNEL and value.strip():
            return value.strip()
    return ""


def connect() -> ApiClient:
    """A client of ``/api/v1`` as the ``rasa`` channel, with the address and token set for it."""
    return ApiClient(
        os.environ.get("YOUTHVOICE_API_URL", DEFAULT_API_URL), api_token_from_env(), channel=CHANNEL
    )


def participant_id(input_channel: str | None, sender_id: str) -> str:
    """One id per conversation on one Rasa channel; the back end turns it into a pseudonym."""
    raw = f"{input_channel or 'unknown'}:{sender_id}"
    if len(raw) <= PARTICIPANT_ID_MAX:
        return raw
    # The API refuses longer ids; a digest of it fits and stays the same for the conversation.
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()
