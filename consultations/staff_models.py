"""Staff accounts, sign-in failures, the audit log, access codes, free-text tags and themes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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


class AnalysisState(enum.StrEnum):
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class ThemeStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    DISCARDED = "discarded"


class ThemeAnalysis(Base):
    """The themes found among one question's written answers, and what officers made of them.

    One per question (the unique key is the guard against two analyses at once): running it
    again updates this row and keeps the officers' edits.
    """

    __tablename__ = "theme_analysis"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (consultation_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A question's analysis, or (question_id None) one over all of a consultation's written
    # answers (``consultation_themes``).
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), unique=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[AnalysisState] = mapped_column(_enum(AnalysisState))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    why_no_themes: Mapped[str | None] = mapped_column(String(30))
    # Each run's ThemeModel.to_json, by run number, for the runs whose themes are kept:
    # new answers are placed into kept themes with the model they were found by.
    model_json: Mapped[str] = mapped_column(Text, default="{}")

    by: Mapped[User | None] = relationship()


class FoundTheme(Base):
    """One theme of an analysis: the engine's suggestion and the officer's decision on it."""

    __tablename__ = "found_theme"
    __table_args__ = (UniqueConstraint("analysis_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("theme_analysis.id", ondelete="CASCADE"), index=True
    )
    # The engine's theme id (or a made one for merged and split themes), so a re-run can
    # tell a theme it found before.
    key: Mapped[str] = mapped_column(String(40))
    run: Mapped[int] = mapped_column(Integer)
    # The engine's theme ids whose profiles new answers are placed by (JSON list).
    profile_ids: Mapped[str] = mapped_column(Text, default="[]")
    language: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(200))
    officer_label: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[ThemeStatus] = mapped_column(_enum(ThemeStatus))
    # Merged or split by an officer: kept by a re-run as it is.
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id", ondelete="SET NULL"))

    @property
    def name(self) -> str:
        return self.officer_label or self.label

    @property
    def kept_by_rerun(self) -> bool:
        """What an officer decided on, which a re-run must not undo."""
        return self.status is not ThemeStatus.SUGGESTED or self.edited or bool(self.officer_label)


class ThemePlacement(Base):
    """Where one answer went in an analysis: a theme, or "other" (no theme).

    An answer has a place in its question's analysis and in its consultation's.
    """

    __tablename__ = "theme_placement"

    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("theme_analysis.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("found_theme.id", ondelete="SET NULL"), index=True
    )
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    language: Mapped[str] = mapped_column(String(10))
    # Put there by an officer: a re-run leaves it where it is.
    moved: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class AnswerVector(Base):
    """An answer's sentence vector, kept so a re-run only reads the answers that are new.

    ``digest`` is of the text the vector was made from (as staff read it, redacted), so an
    answer whose text changed gets a new one. 384 float16 numbers, 768 bytes.
    """

    __tablename__ = "answer_vector"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(32))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
