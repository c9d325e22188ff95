"""Feedback's part of a participant's copy of their data: their opt-in and our messages.

Registered with ``consultations.privacy`` when the feedback package is imported, so a copy
made anywhere the feedback tables exist includes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from consultations import privacy
from consultations.db import db
from consultations.models import Participant
from feedback.models import OutboxMessage, Subscription


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def updates_export(participant: Participant) -> dict[str, Any] | None:
    """Whether they asked to hear back, on which channel and address, since when."""
    subscription = db.session.scalar(
        select(Subscription).where(Subscription.participant_id == participant.id)
    )
    if subscription is None:
        return None
    return {
        "on": subscription.active,
        "channel": subscription.channel,
        "address": subscription.address,
        "since": _iso(subscription.created_at),
        "changed_at": _iso(subscription.changed_at),
    }


def messages_export(participant: Participant) -> list[dict[str, Any]]:
    """Every message written to them, sent or not, in the order it was written."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.participant_id == participant.id)
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "kind": m.kind,
            "text": m.text,
            "link": m.link,
            "status": m.status.value,
            "written_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in messages
    ]


def register() -> None:
    privacy.register_export_part("updates", updates_export, empty=None)
    privacy.register_export_part("messages", messages_export, empty=[])
