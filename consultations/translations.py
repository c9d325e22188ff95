"""Officer-written translations of a consultation's youth text and questions.

A translation changes only the words shown: questions and options keep their ids, so an
answer given in Polish or Urdu lands on the very same question as one given in English.
Anything a translation leaves out shows in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from consultations.db import db
from consultations.errors import InvalidAnswer
from consultations.models import Consultation, Question, UTCDateTime, utcnow

LANGUAGES = ("pl", "ur")


class ConsultationTranslation(db.Model):
    """One language's version of the words young people read."""

    __tablename__ = "consultation_translation"
    __table_args__ = (UniqueConstraint("consultation_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    youth_title: Mapped[str] = mapped_column(String(200))
    youth_summary: Mapped[str] = mapped_column(Text)
    # {"<question id>": {"prompt": str, "options": {"<option id>": str},
    #  "scale_min_label": str, "scale_max_label": str}}
    questions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def save_translation(
    consultation: Consultation,
    language: str,
    *,
    youth_title: str,
    youth_summary: str,
    questions: dict[int, dict[str, Any]] | None = None,
    now: datetime,
) -> ConsultationTranslation:
    """Write (or rewrite) one language's version; question ids must be this consultation's."""
    if language not in LANGUAGES:
        raise InvalidAnswer(f"Translations can be in {', '.join(LANGUAGES)}.")
    if not youth_title.strip() or not youth_summary.strip():
        raise InvalidAnswer("A translation needs a title and a summary.")
    known = {q.id: q for q in consultation.questions}
    cleaned: dict[str, Any] = {}
    for qid, words in (questions or {}).items():
        question = known.get(int(qid))
        if question is None:
            raise InvalidAnswer("That question is not part of this consultation.")
        option_ids = {o.id for o in question.options}
        options = {str(k): v for k, v in (words.get("options") or {}).items()}
        if any(int(k) not in option_ids for k in options):
            raise InvalidAnswer("That option is not part of this question.")
        cleaned[str(question.id)] = {**words, "options": options}
    row = db.session.scalar(
        select(ConsultationTranslation).where(
            ConsultationTranslation.consultation_id == consultation.id,
            ConsultationTranslation.language == language,
        )
    )
    if row is None:
        row = ConsultationTranslation(consultation_id=consultation.id, language=language)
        db.session.add(row)
    row.youth_title = youth_title.strip()
    row.youth_summary = youth_summary.strip()
    row.questions = cleaned
    row.updated_at = now
    db.session.flush()
    return row


@dataclass
class Translated:
    """The words to show for one consultation in one language, English where none is given."""

    consultation: Consultation
    row: ConsultationTranslation | None = None
    _questions: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str | None:
        return self.row.language if self.row else None

    @property
    def youth_title(self) -> str:
        return self.row.youth_title if self.row else self.consultation.youth_title

    @property
    def youth_summary(self) -> str | None:
        """The translated summary, or None when the English one (with its glossary) applies."""
        return self.row.youth_summary if self.row else None

    @property
    def summary_line(self) -> str | None:
        if not self.row:
            return None
        first = self.row.youth_summary.strip().split("\n", 1)[0]
        return first if len(first) <= 220 else first[:219].rstrip() + "…"

    def _words(self, question: Question) -> dict[str, Any]:
        return self._questions.get(str(question.id)) or {}

    def has_prompt(self, question: Question) -> bool:
        """Whether this question's words are translated (else they show in English)."""
        return bool(self._words(question).get("prompt"))

    def prompt(self, question: Question) -> str:
        return self._words(question).get("prompt") or question.prompt

    def option(self, question: Question, option_id: object, english: str) -> str:
        return self._words(question).get("options", {}).get(str(option_id)) or english

    def scale_min_label(self, question: Question) -> str:
        return self._words(question).get("scale_min_label") or question.scale_min_label or ""

    def scale_max_label(self, question: Question) -> str:
        return self._words(question).get("scale_max_label") or question.scale_max_label or ""


def translated(consultation: Consultation, language: str | None) -> Translated:
    """This consultation in the given language, falling back to English word by word."""
    if language not in LANGUAGES:
        return Translated(consultation)
    row = db.session.scalar(
        select(ConsultationTranslation).where(
            ConsultationTranslation.consultation_id == consultation.id,
            ConsultationTranslation.language == language,
        )
    )
    return Translated(consultation, row, dict(row.questions or {}) if row else {})
