"""The private receipt link: what came of each consultation a web participant answered.

No cookie and no personal data: a long random token in the link is the only key. It is
shown once (only its hash is stored), making a new one ends the old one, and erasure
deletes it with everything else.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from consultations.db import db
from consultations.models import Consultation, Participant, Participation
from feedback import outcomes
from feedback.models import ReceiptLink

# 32 random bytes: far beyond guessing, and still a link that fits on a phone screen.
TOKEN_BYTES = 32
TOKEN_MAX = 100


def _changed(statement: Any) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a CursorResult)."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_receipt_link(participant: Participant, *, now: datetime) -> str:
    """A new token for ``participant``'s receipt page; any earlier link stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    found = db.session.scalar(
        select(ReceiptLink).where(ReceiptLink.participant_id == participant.id)
    )
    if found is None:
        found = ReceiptLink(participant_id=participant.id)
        db.session.add(found)
    found.token_hash = _hash(token)
    found.created_at = now
    db.session.flush()
    return token


def has_receipt_link(participant: Participant | None) -> bool:
    if participant is None:
        return False
    return (
        db.session.scalar(
            select(ReceiptLink.id).where(ReceiptLink.participant_id == participant.id)
        )
        is not None
    )


def receipt_link_of(participant: Participant | None) -> ReceiptLink | None:
    if participant is None:
        return None
    return db.session.scalar(
        select(ReceiptLink).where(ReceiptLink.participant_id == participant.id)
    )


def holder_of(token: str) -> Participant | None:
    """Whose receipt link this is, or None for a token that is wrong, old or erased."""
    token = (token or "").strip()
    if not token or len(token) > TOKEN_MAX:
        return None
    return db.session.scalar(
        select(Participant)
        .join(ReceiptLink, ReceiptLink.participant_id == Participant.id)
        .where(ReceiptLink.token_hash == _hash(token))
    )


def end_receipt_link(participant: Participant) -> bool:
    """The link stops working now. True if there was one."""
    ended = _changed(delete(ReceiptLink).where(ReceiptLink.participant_id == participant.id))
    return bool(ended)


@dataclass(frozen=True)
class ReceiptEntry:
    """One consultation the holder answered and where its feedback has got to."""

    consultation: Consultation
    answered_at: datetime
    # None while the consultation is still open.
    feedback: outcomes.BoardEntry | None


def receipts_for(participant: Participant, *, now: datetime) -> list[ReceiptEntry]:
    """Every consultation the participant answered, newest first, with its feedback."""
    rows = db.session.execute(
        select(Consultation, Participation.created_at)
        .join(Participation, Participation.consultation_id == Consultation.id)
        .where(Participation.participant_id == participant.id)
        .order_by(Participation.created_at.desc(), Consultation.id.desc())
    ).all()
    return [
        ReceiptEntry(consultation, answered_at, outcomes.entry_of(consultation, now))
        for consultation, answered_at in rows
    ]
