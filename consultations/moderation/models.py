"""What moderation stored: one record per written answer, safeguarding concerns, tension signals.

The answer keeps what the young person wrote. Staff and the forum read ``redacted_text``;
only the safeguarding role reads the original (on a concern, which keeps its own copy so
it outlives the answer being replaced).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultations.db import Base
from consultations.models import Answer, UTCDateTime, _enum, utcnow
from consultations.staff_models import User


class ModerationStatus(enum.StrEnum):
    # Waiting for a moderator; nothing is public until someone approves it.
    PENDING = "pending"
    # Publishable as the machine-redacted text.
    APPROVED = "approved"
    # Publishable as a moderator's own redaction.
    REDACTED = "redacted"
    # Never shown, not even to staff reading results.
    HIDDEN = "hidden"
    # With the safeguarding lead: held until they or a moderator decide otherwise.
    ESCALATED = "escalated"

    @property
    def publishable(self) -> bool:
        return self in (ModerationStatus.APPROVED, ModerationStatus.REDACTED)


def _kinds(value: str) -> tuple[str, ...]:
    return tuple(k for k in value.split(",") if k)


class AnswerModeration(Base):
    """The moderation of one written answer; re-made whenever the answer's text changes."""

    __tablename__ = "answer_moderation"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ModerationStatus] = mapped_column(
        _enum(ModerationStatus), default=ModerationStatus.PENDING, index=True
    )
    redacted_text: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated kinds, as the rules name them (``self_harm,abuse``).
    safeguarding: Mapped[str] = mapped_column(String(200), default="")
    tension: Mapped[str] = mapped_column(String(200), default="")
    personal_data: Mapped[str] = mapped_column(String(200), default="")
    profanity: Mapped[bool] = mapped_column(Boolean, default=False)
    abusive: Mapped[bool] = mapped_column(Boolean, default=False)
    moderated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The status before the last decision, so that an approve or hide can be undone exactly.
    previous_status: Mapped[ModerationStatus | None] = mapped_column(_enum(ModerationStatus))

    answer: Mapped[Answer] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def safeguarding_kinds(self) -> tuple[str, ...]:
        return _kinds(self.safeguarding)

    @property
    def tension_kinds(self) -> tuple[str, ...]:
        return _kinds(self.tension)

    @property
    def personal_data_kinds(self) -> tuple[str, ...]:
        return _kinds(self.personal_data)

    @property
    def held(self) -> bool:
        """Abusive, a disclosure, hidden or escalated: only moderators see it."""
        return is_held(self.status, abusive=self.abusive, safeguarding=self.safeguarding)


def is_held(status: ModerationStatus, *, abusive: bool, safeguarding: str) -> bool:
    """Abusive, a disclosure, hidden or escalated: only moderators see it."""
    if status in (ModerationStatus.HIDDEN, ModerationStatus.ESCALATED):
        return True
    return status is ModerationStatus.PENDING and (abusive or bool(safeguarding))


class SafeguardingConcern(Base):
    """An urgent item for the safeguarding lead; it stays until someone marks it handled.

    It keeps its own copy of what was written, so replacing the answer, closing the
    consultation or deleting the answer never takes a disclosure out of the queue.
    """

    __tablename__ = "safeguarding_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answer.id", ondelete="SET NULL"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(20))
    original_text: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(String(200), default="")
    # "detected" by the rules, or "escalated" by a moderator.
    source: Mapped[str] = mapped_column(String(20), default="detected")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why a moderator escalated it, for the safeguarding lead (empty when the rules raised it).
    reason: Mapped[str] = mapped_column(Text, default="")

    handled_by: Mapped[User | None] = relationship()

    @property
    def category_kinds(self) -> tuple[str, ...]:
        return _kinds(self.categories)


Index("ix_safeguarding_concern_open", SafeguardingConcern.handled_at, SafeguardingConcern.id)


class TensionSignal(Base):
    """A written answer mentioning community tension, counted by area and ISO week.

    Kept when the answer itself is deleted, so the counts outlive the words.
    """

    __tablename__ = "tension_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answer.id", ondelete="SET NULL"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    category: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(60))
    # ISO 8601 week, "2026-W48": sorts as text and means the same in every time zone.
    week: Mapped[str] = mapped_column(String(8), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
