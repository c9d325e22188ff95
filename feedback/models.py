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
    # Long enough for a Web Push endpoint, the address browser notifications go to.
    address: Mapped[str | None] = mapped_column(String(1024))
    # For Web Push only: the browser's public key and auth secret that encrypt each message
    # (JSON, as the browser's PushSubscription gives them); blanked with the address.
    push_keys: Mapped[str | None] = mapped_column(String(300))
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
    # A button under the message (Telegram): its words; ``link`` is where it goes.
    button: Mapped[str | None] = mapped_column(String(60))
    # The invitation it was queued for, so each invitation's reach can be counted.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )


# Workers look for the next pending rows of their channel, oldest first.
Index(
    "ix_outbox_message_due",
    OutboxMessage.status,
    OutboxMessage.channel,
    OutboxMessage.available_at,
)


class ReceiptLink(Base):
    """A private link that shows a web participant what came of what they answered.

    Only a hash of the token is kept: the link is shown once and cannot be read back, so a
    copy of the database opens nobody's receipts. It goes with the participant on erasure.
    """

    __tablename__ = "receipt_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvitationStatus(enum.StrEnum):
    # Waiting for its time (the scheduler queues it then).
    SCHEDULED = "scheduled"
    QUEUED = "queued"


class Invitation(Base):
    """An invitation to an open consultation: who to (counts and choices, never names), what
    it says, when it goes, and how many it was queued for.

    The messages themselves are outbox rows keyed ``invite:<consultation>:<participant>``,
    so however many invitations are made for one consultation, nobody gets two.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    # JSON: {"en": "...", "pl": "..."}; English is always there.
    texts: Mapped[str] = mapped_column(Text)
    # JSON lists; an empty list means "any".
    areas: Mapped[str] = mapped_column(Text, default="[]")
    age_bands: Mapped[str] = mapped_column(Text, default="[]")
    languages: Mapped[str] = mapped_column(Text, default="[]")
    channels: Mapped[str] = mapped_column(Text, default="[]")
    # Theme keys; someone who follows no topic hears about every topic.
    topics: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[InvitationStatus] = mapped_column(
        _enum(InvitationStatus), default=InvitationStatus.SCHEDULED
    )
    audience: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


Index("ix_invitation_due", Invitation.status, Invitation.send_at)


class ScheduledJob(Base):
    """One periodic job of ``youthvoice scheduler``: when it runs next, and who holds it.

    The state is here, not in a process: a restarted scheduler carries on where the last
    one stopped, and of two schedulers only the one whose guarded UPDATE took the row runs
    the job.
    """

    __tablename__ = "scheduled_job"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_token: Mapped[str | None] = mapped_column(String(36))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the last run did, in words for the operator ("closed 2"), or why it failed.
    last_result: Mapped[str | None] = mapped_column(String(200))
    runs: Mapped[int] = mapped_column(Integer, default=0)
