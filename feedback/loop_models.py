"""Closing the loop: "you said, we did", its progress, quotes and forum recommendations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultations.db import Base
from consultations.models import Consultation, UTCDateTime, _enum, utcnow
from consultations.staff_models import User


class Outcome(Base):
    """The "you said" summary of one consultation; young people see it once published."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    you_said: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class WeDidStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self) -> str:
        return {
            "planned": "Planned",
            "in_progress": "In progress",
            "done": "Done",
            "not_possible": "Not possible",
        }[self.value]


class WeDidItem(Base):
    """One thing a partner does (or cannot do) because of what young people said."""

    __tablename__ = "we_did_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(300))
    partner: Mapped[str] = mapped_column(String(200))
    status: Mapped[WeDidStatus] = mapped_column(_enum(WeDidStatus), default=WeDidStatus.PLANNED)
    # Why it cannot happen (required for "not possible"), or a partly-accepted recommendation.
    reason: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship()
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="item", order_by="ProgressUpdate.id", cascade="all, delete-orphan"
    )


class ProgressUpdate(Base):
    """A dated step in a "we did" item's story: its status then, and what happened."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("we_did_item.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[WeDidStatus] = mapped_column(_enum(WeDidStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[WeDidItem] = relationship(back_populates="updates")


class PublishedQuote(Base):
    """A written answer an officer chose to show publicly, kept exactly as it was published.

    It goes with the answer: a young person who asks to be forgotten takes their quote too.
    """

    __tablename__ = "published_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecommendationStatus(enum.StrEnum):
    # Forum members are voting on it.
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    # The partnership has answered it.
    RESPONDED = "responded"

    @property
    def label(self) -> str:
        return {
            "voting": "Forum is voting",
            "adopted": "Adopted, waiting for the partnership",
            "rejected": "Not adopted by the forum",
            "responded": "The partnership has responded",
        }[self.value]


class LspResponse(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self) -> str:
        labels = {"accepted": "Accepted", "partly": "Partly accepted"}
        return labels.get(self.value, "Not accepted")


class RecommendationCitation(Base):
    """A consultation whose results a recommendation rests on."""

    __tablename__ = "recommendation_citation"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True
    )
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Recommendation(Base):
    """The youth forum's advice to the Local Strategic Partnership, and the answer it got."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RecommendationStatus] = mapped_column(
        _enum(RecommendationStatus), default=RecommendationStatus.VOTING
    )
    drafted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[LspResponse | None] = mapped_column(_enum(LspResponse))
    response_reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    cited: Mapped[list[Consultation]] = relationship(
        secondary="recommendation_citation", order_by="Consultation.id"
    )
    votes: Mapped[list[RecommendationVote]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan"
    )


class RecommendationVote(Base):
    """One forum member's vote on one recommendation; voting again replaces it."""

    __tablename__ = "recommendation_vote"
    __table_args__ = (UniqueConstraint("recommendation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    in_favour: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="votes")
