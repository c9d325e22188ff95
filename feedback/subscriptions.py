"""Opting in and out of messages. Off by default; stopping takes effect at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from consultations.db import db
from consultations.errors import InvalidRequest
from consultations.models import Participant
from feedback.models import OutboxMessage, OutboxStatus, Subscription

ADDRESS_MAX = 128


def subscription_of(participant: Participant) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(Subscription.participant_id == participant.id)
    )


def is_subscribed(participant: Participant) -> bool:
    found = subscription_of(participant)
    return found is not None and found.active


def subscribe(
    participant: Participant, *, address: str, now: datetime, language: str | None = None
) -> Subscription:
    """Opt in to messages on the participant's own channel, delivered to ``address``.

    ``language`` is the one their messages are written in; subscribing again changes it.
    """
    address = str(address).strip()
    if not address or len(address) > ADDRESS_MAX:
        raise InvalidRequest("A delivery address of up to 128 characters is needed to opt in.")
    found = subscription_of(participant)
    if found is None:
        found = Subscription(participant_id=participant.id, channel=participant.channel)
        db.session.add(found)
    found.address = address
    found.language = language if language and language != "en" else None
    found.active = True
    found.ended_reason = None
    found.changed_at = now
    db.session.flush()
    return found


def _end(participant_id: int, *, reason: str, now: datetime) -> bool:
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    ended = cast(
        CursorResult[Any],
        db.session.execute(
            update(Subscription)
            .where(Subscription.participant_id == participant_id, Subscription.active.is_(True))
            .values(active=False, address=None, ended_reason=reason, changed_at=now)
        ),
    ).rowcount
    # Whatever was still waiting for them will not be sent.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.participant_id == participant_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.DROPPED, last_error=reason, leased_until=None)
    )
    return bool(ended)


def unsubscribe(participant: Participant, *, now: datetime) -> bool:
    """Stop messages now; the address is forgotten. True if they were subscribed."""
    return _end(participant.id, reason="stopped", now=now)


def mark_blocked(participant_id: int, *, now: datetime) -> None:
    """The channel says the person blocked us: stop trying, forget the address."""
    _end(participant_id, reason="blocked", now=now)
