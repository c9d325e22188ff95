"""Officer-written translations of a consultation's youth text and questions.

A translation changes only the words shown: questions and options keep their ids, so an
answer given in Polish or Urdu lands on the very same question as one given in English.
Anything a translation leaves out shows in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, and_, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from consultations import audit
from consultations.db import Base, db
from consultations.errors import InvalidEdit
from consultations.models import Consultation, Question, QuestionKind, UTCDateTime, utcnow
from consultations.staff_models import AuditEntry, User
from youthvoice_settings import TRANSLATED_LANGUAGES

# The languages staff translate into (they write in English).
LANGUAGES = TRANSLATED_LANGUAGES

# The English fields' limits with a quarter more room, as Polish in particular runs longer
# than English; all within what the column and the youth pages hold.
TITLE_MAX = 150  # English youth title: 120 (the column holds 200)
SUMMARY_MAX = 20_000  # the English text has no limit; no real one comes near this
PROMPT_MAX = 375  # English question: 300
OPTION_MAX = 150  # English option: 120
SCALE_LABEL_MAX = 75  # English scale label: 60

# Audit actions that change the English words young people read. "edited" is any save of
# the editor, so it can also be a change of dates or theme: staleness is a hint, not proof.
ENGLISH_EDITS = ("edited", "question_added", "question_deleted")
QUESTION_EDITS = ("question_edited",)


class ConsultationTranslation(Base):
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


def _as_id(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _words(value: object, limit: int, what: str) -> str:
    """One translated phrase on one line, or "" when left empty (the English then shows)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidEdit(f"The {what} must be text.")
    # NUL is dropped as the web forms drop it: PostgreSQL cannot store it in text.
    text = " ".join(value.replace("\x00", "").split())
    if len(text) > limit:
        raise InvalidEdit(f"Keep the {what} to {limit} characters or fewer.")
    return text


def _question_words(question: Question, words: object) -> dict[str, Any]:
    if not isinstance(words, dict):
        raise InvalidEdit("A question's words must be a set of fields.")
    cleaned: dict[str, Any] = {}
    prompt = _words(words.get("prompt"), PROMPT_MAX, "question")
    if prompt:
        cleaned["prompt"] = prompt
    # Scale labels only show on a scale; kept elsewhere they would be words nobody reads.
    if question.kind is QuestionKind.SCALE:
        for key in ("scale_min_label", "scale_max_label"):
            label = _words(words.get(key), SCALE_LABEL_MAX, "scale label")
            if label:
                cleaned[key] = label
    option_ids = {o.id for o in question.options}
    raw_options = words.get("options") or {}
    if not isinstance(raw_options, dict):
        raise InvalidEdit("A question's options must be a set of fields.")
    options: dict[str, str] = {}
    for key, value in raw_options.items():
        option_id = _as_id(key)
        if option_id is None or option_id not in option_ids:
            raise InvalidEdit("That option is not part of this question.")
        label = _words(value, OPTION_MAX, "option")
        if label:
            options[str(option_id)] = label
    cleaned["options"] = options
    return cleaned


def save_translation(
    consultation: Consultation,
    language: str,
    *,
    youth_title: str,
    youth_summary: str,
    questions: dict[int, dict[str, Any]] | None = None,
    now: datetime,
    actor: User | None = None,
) -> ConsultationTranslation:
    """Write (or rewrite) one language's version; question ids must be this consultation's.

    Empty words are left out, so they show in English. The audit log notes who saved which
    language (never the words: they are on the page for anyone who may read them).
    """
    if language not in LANGUAGES:
        raise InvalidEdit(f"Translations can be in {', '.join(LANGUAGES)}.")
    title = " ".join((youth_title or "").replace("\x00", "").split())
    summary = (youth_summary or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not title or not summary:
        raise InvalidEdit("A translation needs a title and a summary.")
    if len(title) > TITLE_MAX:
        raise InvalidEdit(f"Keep the title to {TITLE_MAX} characters or fewer.")
    if len(summary) > SUMMARY_MAX:
        raise InvalidEdit(f"Keep the text to {SUMMARY_MAX} characters or fewer.")
    known = {q.id: q for q in consultation.questions}
    cleaned: dict[str, Any] = {}
    for qid, words in (questions or {}).items():
        question_id = _as_id(qid)
        question = known.get(question_id) if question_id is not None else None
        if question is None:
            raise InvalidEdit("That question is not part of this consultation.")
        kept = _question_words(question, words)
        if any(kept.values()):
            cleaned[str(question.id)] = kept
    row = translation_for(consultation, language)
    if row is None:
        row = ConsultationTranslation(consultation_id=consultation.id, language=language)
        db.session.add(row)
    row.youth_title = title
    row.youth_summary = summary
    row.questions = cleaned
    row.updated_at = now
    db.session.flush()
    audit.record(
        actor, "translation_saved", "consultation", consultation.id, now=now, detail=language
    )
    return row


def translation_for(consultation: Consultation, language: str) -> ConsultationTranslation | None:
    """The stored translation into one language, if there is one."""
    return db.session.scalar(
        select(ConsultationTranslation).where(
            ConsultationTranslation.consultation_id == consultation.id,
            ConsultationTranslation.language == language,
        )
    )


def languages_of(consultation: Consultation) -> list[str]:
    """The languages this consultation has been translated into, in the platform's order."""
    stored = set(
        db.session.scalars(
            select(ConsultationTranslation.language).where(
                ConsultationTranslation.consultation_id == consultation.id
            )
        )
    )
    return [code for code in LANGUAGES if code in stored]


def delete_translation(
    consultation: Consultation, language: str, *, now: datetime, actor: User | None = None
) -> bool:
    """Remove one language's version (young people then read English); False if there was none."""
    row = translation_for(consultation, language)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    audit.record(
        actor, "translation_deleted", "consultation", consultation.id, now=now, detail=language
    )
    return True


def question_state(question: Question, words: dict[str, Any] | None) -> str:
    """ "complete", "partial" or "english": how much of one question has a translation."""
    if question_is_translated(question, words):
        return "complete"
    words = words or {}
    started = any(v for k, v in words.items() if k != "options") or any(
        (words.get("options") or {}).values()
    )
    return "partial" if started else "english"


def question_is_translated(question: Question, words: dict[str, Any] | None) -> bool:
    """Whether every word of this question young people read has a translation."""
    words = words or {}
    needed: list[object] = [words.get("prompt")]
    options = words.get("options") or {}
    if question.kind is QuestionKind.SCALE:
        # The steps are the numbers 1 to 5; only the labels at the ends are words.
        if question.scale_min_label:
            needed.append(words.get("scale_min_label"))
        if question.scale_max_label:
            needed.append(words.get("scale_max_label"))
    elif question.kind.has_options:
        needed.extend(options.get(str(o.id)) for o in question.options)
    return all(needed)


def english_changed_at(consultation: Consultation) -> datetime | None:
    """When the English youth text or questions last changed, as the audit log tells it.

    Neither questions nor the youth text carry a time of their own (the consultation's
    ``updated_at`` moves with every answer, through its respondent count), so the audit
    log's entries for editor saves and question changes are the record.
    """
    question_ids = [q.id for q in consultation.questions]
    conditions = [
        and_(
            AuditEntry.object_type == "consultation",
            AuditEntry.object_id == consultation.id,
            AuditEntry.action.in_(ENGLISH_EDITS),
        )
    ]
    if question_ids:
        conditions.append(
            and_(
                AuditEntry.object_type == "question",
                AuditEntry.object_id.in_(question_ids),
                AuditEntry.action.in_(QUESTION_EDITS),
            )
        )
    return db.session.scalar(select(func.max(AuditEntry.at)).where(or_(*conditions)))


@dataclass(frozen=True)
class TranslationStatus:
    """How far one language's version has got, for the staff list."""

    language: str
    row: ConsultationTranslation | None
    translated_questions: int
    total_questions: int
    english_changed_at: datetime | None

    @property
    def state(self) -> str:
        """ "not_started", "partial" or "complete"."""
        if self.row is None:
            return "not_started"
        if self.translated_questions < self.total_questions:
            return "partial"
        return "complete"

    @property
    def updated_at(self) -> datetime | None:
        return self.row.updated_at if self.row else None

    @property
    def stale(self) -> bool:
        """Whether the English changed after this translation was last saved."""
        changed = self.english_changed_at
        return self.row is not None and changed is not None and changed > self.row.updated_at


def translation_statuses(consultation: Consultation) -> list[TranslationStatus]:
    """Every language's status, in the order of ``LANGUAGES``."""
    rows = {
        row.language: row
        for row in db.session.scalars(
            select(ConsultationTranslation).where(
                ConsultationTranslation.consultation_id == consultation.id
            )
        )
    }
    changed = english_changed_at(consultation) if rows else None
    statuses = []
    for language in LANGUAGES:
        row = rows.get(language)
        words = dict(row.questions or {}) if row else {}
        done = sum(
            1 for q in consultation.questions if question_is_translated(q, words.get(str(q.id)))
        )
        statuses.append(
            TranslationStatus(
                language=language,
                row=row,
                translated_questions=done if row else 0,
                total_questions=len(consultation.questions),
                english_changed_at=changed,
            )
        )
    return statuses


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
    return translated_all([consultation], language)[0]


def translated_all(consultations: Sequence[Consultation], language: str | None) -> list[Translated]:
    """``translated`` for a whole list (the open consultations) with one query, not one each."""
    if language not in LANGUAGES or not consultations:
        return [Translated(c) for c in consultations]
    rows = {
        row.consultation_id: row
        for row in db.session.scalars(
            select(ConsultationTranslation).where(
                ConsultationTranslation.consultation_id.in_([c.id for c in consultations]),
                ConsultationTranslation.language == language,
            )
        )
    }
    found = [(c, rows.get(c.id)) for c in consultations]
    return [Translated(c, row, dict(row.questions or {}) if row else {}) for c, row in found]
