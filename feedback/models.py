"""Subscriptions (an opted-in delivery address) and the outbox of messages waiting to go."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consultations.db import Base
from consultations.models import UTCDateTime, _enum, utcnow


class Subscription(Base):
    """A participant's opt-in to hear back, with the address their channel delivers to.

    The address (for Telegram, the private chat id) is the one raw channel identifier the
    platform keeps, and only while the young person wants messages: opting out blanks it.
    """

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why it stopped: "stopped" (the young person asked) or "blocked" (the channel refused).
    ended_reason: Mapped[str | None] = mapped_column(String(20))
    # The language their messages are written in (en, pl, ur); None is English.
    language: Mapped[str | None] = mapped_column(String(8))


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    # Will never be sent: the person stopped, blocked the bot, or it failed too often.
    DROPPED = "dropped"


class OutboxMessage(Base):
    """One message to one participant, written in the transaction that caused it.

    Workers lease rows, send, then acknowledge. A lease that runs out (the worker died)
    makes the row available again; the idempotency key stops the same message being
    written twice for one person.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))


# Workers look for the next pending rows of their channel, oldest first.
Index(
    "ix_outbox_message_due",
    OutboxMessage.status,
    OutboxMessage.channel,
    OutboxMessage.available_at,
)
