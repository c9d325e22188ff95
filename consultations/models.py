"""Consultations, their questions, the pseudonymous participants and what they answered."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultations.db import Base
from consultations.errors import IllegalTransition, ReadingAgeTooHigh
from consultations.readability import Readability, analyse

FEEDBACK_PROMISE = timedelta(weeks=8)
# Dates anyone means when they plan a consultation or ask for a report. Far-off dates are
# typing slips, and a few days past 9999-12-31 is past what a date can hold.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
DATE_RANGE_WORDS = "Give a date between 2000 and 2099."


# An option's label fits a button on a phone and a bar on the big screen; the column holds
# no more, and PostgreSQL refuses a longer one outright.
OPTION_LABEL_MAX = 120


def date_in_range(day: date) -> bool:
    """True for a date the platform plans and reports with (see ``EARLIEST_DATE``)."""
    return EARLIEST_DATE <= day <= LATEST_DATE


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python on every engine (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as short strings with no database enum type: one migration fits both engines.
    return Enum(
        cls,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class ConsultationStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    FREE_TEXT = "free_text"

    @property
    def has_options(self) -> bool:
        return self is not QuestionKind.FREE_TEXT


SCALE_VALUES = range(1, 6)
PREFER_NOT_TO_SAY = "prefer_not_to_say"
AGE_BANDS: dict[str, str] = {
    "11-13": "11 to 13",
    "14-15": "14 to 15",
    "16-17": "16 to 17",
    "18-21": "18 to 21",
    "22-25": "22 to 25",
    PREFER_NOT_TO_SAY: "Prefer not to say",
}


def takes_answers(
    status: ConsultationStatus, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> bool:
    """Whether a consultation in this state takes answers at ``now``: open and in its dates."""
    if status is not ConsultationStatus.OPEN:
        return False
    if opens_at is not None and now < opens_at:
        return False
    return closes_at is None or now < closes_at


class Theme(Base):
    """A priority of the community strategy that consultations belong to."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class AreaKind(enum.StrEnum):
    WARD = "ward"
    POSTCODE_DISTRICT = "postcode_district"
    # The one entry that is not a place: "prefer not to say", so a participant's area is
    # always a reference to this table or nothing at all.
    WITHHELD = "withheld"


class Area(Base):
    """A ward or postcode district from the list the council keeps (``consultations.areas``).

    Areas are retired, never deleted: people who chose one keep it, and old counts stay.
    """

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind))
    # JSON list of other names that mean this area ("Hanley" for ST1).
    aliases: Mapped[str] = mapped_column(Text, default="[]")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Consultation(Base):
    """One question put to young people: the officers' text and its rewrite for them."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    original_text: Mapped[str] = mapped_column(Text, default="")
    source_document: Mapped[str] = mapped_column(String(200), default="")
    source_organisation: Mapped[str] = mapped_column(String(200), default="")
    youth_title: Mapped[str] = mapped_column(String(120))
    youth_summary: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    status: Mapped[ConsultationStatus] = mapped_column(
        _enum(ConsultationStatus), default=ConsultationStatus.DRAFT
    )
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience_min_age: Mapped[int] = mapped_column(Integer, default=11)
    audience_max_age: Mapped[int] = mapped_column(Integer, default=25)
    reading_age_target: Mapped[int] = mapped_column(Integer, default=12)
    reading_age_override: Mapped[str | None] = mapped_column(Text)
    feedback_due: Mapped[date | None] = mapped_column(Date)
    respondent_count: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # A live poll: one question run in a room, joined by a short code instead of the slug.
    is_live_poll: Mapped[bool] = mapped_column(Boolean, default=False)
    join_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    # One person, one vote for ballots: answers need a one-time code handed out in person.
    requires_access_code: Mapped[bool] = mapped_column(Boolean, default=False)
    # A poll on a projector: the worker may keep the results off the screen (and off the
    # voters' phones) until they reveal them, and move the screen on to the next poll.
    poll_hides_results: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    poll_next_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    theme: Mapped[Theme | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation", order_by="Question.position", cascade="all, delete-orphan"
    )

    def accepting_answers(self, now: datetime) -> bool:
        return takes_answers(self.status, self.opens_at, self.closes_at, now)

    def youth_text_for_gate(self) -> str:
        """Everything a young person reads: the rewrite and every question prompt."""
        return "\n\n".join([self.youth_summary, *(q.prompt for q in self.questions)])

    def readability(self) -> Readability:
        return analyse(self.youth_text_for_gate(), target=self.reading_age_target)

    def open(self, now: datetime, *, override_reason: str | None = None) -> None:
        """Start taking answers; refused when the youth text fails the reading-age gate."""
        if self.status is ConsultationStatus.OPEN:
            raise IllegalTransition("This consultation is already open.")
        if not self.questions:
            raise IllegalTransition("Add at least one question before opening.")
        if self.closes_at is not None and self.closes_at <= now:
            raise IllegalTransition("The closing date is in the past; choose a later one.")
        score = self.readability()
        if not score.passes:
            reason = (override_reason or "").strip()
            if not reason:
                raise ReadingAgeTooHigh(score.reading_age, score.target, score.hard_sentences)
            self.reading_age_override = reason
        self.status = ConsultationStatus.OPEN
        if self.opens_at is None:
            self.opens_at = now  # a later opens_at stays: the consultation is scheduled
        self._promise_feedback()

    def close(self, now: datetime) -> None:
        """Stop taking answers now (early or on time); feedback is then promised by its due date."""
        if self.status is not ConsultationStatus.OPEN:
            raise IllegalTransition("Only an open consultation can be closed.")
        self.status = ConsultationStatus.CLOSED
        if self.closes_at is None or self.closes_at > now:
            self.closes_at = now
        self._promise_feedback(reset=True)

    def reopen(self, now: datetime, *, closes_at: datetime | None = None) -> None:
        """Take answers again after closing (a poll run twice, a deadline extended)."""
        if self.status is not ConsultationStatus.CLOSED:
            raise IllegalTransition("Only a closed consultation can be reopened.")
        if closes_at is not None and closes_at <= now:
            raise IllegalTransition("The new closing date is in the past; choose a later one.")
        self.status = ConsultationStatus.OPEN
        self.closes_at = closes_at
        if self.opens_at is None or self.opens_at > now:
            self.opens_at = now
        self._promise_feedback(reset=True)

    def _promise_feedback(self, *, reset: bool = False) -> None:
        if self.closes_at is not None and (self.feedback_due is None or reset):
            self.feedback_due = (self.closes_at + FEEDBACK_PROMISE).date()


class Question(Base):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int] = mapped_column(Integer, default=500)
    scale_min_label: Mapped[str] = mapped_column(String(60), default="")
    scale_max_label: Mapped[str] = mapped_column(String(60), default="")
    answer_count: Mapped[int] = mapped_column(Integer, default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )


class Option(Base):
    """A choice, or one step of a 1–5 scale; ``tally`` keeps results fast at any size."""

    __tablename__ = "option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(OPTION_LABEL_MAX))
    value: Mapped[int | None] = mapped_column(Integer)
    tally: Mapped[int] = mapped_column(Integer, default=0)

    question: Mapped[Question] = relationship(back_populates="options")


class Participant(Base):
    """A young person, known only by a keyed hash of their channel and id on it."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    # The key of an entry in the council's list (or "prefer_not_to_say"), never free text.
    area: Mapped[str | None] = mapped_column(ForeignKey("area.key"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowedTopic(Base):
    """A strategy theme a participant who opted in to messages wants to hear about."""

    __tablename__ = "followed_topic"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Participation(Base):
    """That someone took part in a consultation, kept apart from what they said."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("consultation_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Answer(Base):
    """One participant's answer to one question; answering again replaces it."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("participant_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    scale_value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship()
    choices: Mapped[list[AnswerChoice]] = relationship(cascade="all, delete-orphan")

    @property
    def option_ids(self) -> list[int]:
        return sorted(c.option_id for c in self.choices)


class AnswerChoice(Base):
    """An option picked in an answer (several for multiple choice)."""

    __tablename__ = "answer_choice"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("option.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class GlossaryTerm(Base):
    """A word young people may not know, with a one-sentence explanation."""

    __tablename__ = "glossary_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(80), unique=True)
    aliases: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text)


Index("ix_consultation_status_closes", Consultation.status, Consultation.closes_at)
