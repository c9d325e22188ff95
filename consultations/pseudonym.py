"""Participants are stored under a keyed hash, never under their channel id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(key: bytes, channel: str, channel_user_id: str) -> str:
    """HMAC-SHA256 of ``channel:id`` under the server's pseudonym key, as hex."""
    message = f"{channel}:{channel_user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
