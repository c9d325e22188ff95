"""Staff accounts, sign-in failures, the audit log, access codes and free-text tags."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultations.db import Base
from consultations.models import UTCDateTime, _enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    YOUTH_WORKER = "youth_worker"
    FORUM_MEMBER = "forum_member"
    # The designated safeguarding lead: reads disclosures in full and handles concerns.
    SAFEGUARDING_LEAD = "safeguarding_lead"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class User(Base):
    """A member of staff (or of the youth forum) who signs in to the console."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's id (``get_id``): raising it ends every session of the account,
    # on every device, whoever holds a copy of the cookie.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Flask-Login's user protocol, spelt out so the domain needs no Flask import.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What a session stores for this account: its id and the current session epoch."""
        return f"{self.id}:{self.session_epoch}"


class LoginFailure(Base):
    """One failed sign-in, kept briefly so throttling works across processes."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both keys are SHA-256 digests: the table never holds an address or an email in clear.
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEntry(Base):
    """Who did what to which object, and when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()


Index("ix_audit_entry_object", AuditEntry.object_type, AuditEntry.object_id)


class AccessCode(Base):
    """A one-time code for one consultation, stored hashed; bound to whoever used it first."""

    __tablename__ = "access_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(20))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tag(Base):
    """A theme an officer groups free-text answers under."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("consultation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))


class AnswerTag(Base):
    __tablename__ = "answer_tag"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
