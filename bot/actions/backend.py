"""The back end as the action server reaches it: its address and token, and who is speaking."""

from __future__ import annotations

import hashlib

from bot.client import ApiClient
from channel_api.payloads import PARTICIPANT_ID_MAX
from youthvoice_settings import Settings

CHANNEL = "rasa"


def connect(settings: Settings) -> ApiClient:
    """A client of ``/api/v1`` as the ``rasa`` channel, with the address and token set for it."""
    return ApiClient(settings.api_url, settings.channel_token(CHANNEL), channel=CHANNEL)


def participant_id(input_channel: str | None, sender_id: str) -> str:
    """One id per conversation on one Rasa channel; the back end turns it into a pseudonym."""
    raw = f"{input_channel or 'unknown'}:{sender_id}"
    if len(raw) <= PARTICIPANT_ID_MAX:
        return raw
    # The API refuses longer ids; a digest of it fits and stays the same for the conversation.
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()
