"""Writing consultations: drafts, questions, the publish gate, scheduling and the glossary.

Every change is written to the audit log in the same transaction. Edits that would make
results untrue (removing a question or an option someone answered) are refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from consultations import audit, readability, services
from consultations.db import db
from consultations.errors import InvalidEdit, NotAllowed, NotFound
from consultations.glossary import GlossaryEntry, check_aliases, find_terms
from consultations.models import (
    OPTION_LABEL_MAX,
    Answer,
    AnswerChoice,
    Consultation,
    ConsultationStatus,
    GlossaryTerm,
    Option,
    Question,
    QuestionKind,
)
from consultations.staff_models import User

MAX_OPTIONS = 12


@dataclass
class ConsultationDraft:
    """What an officer types in the editor."""

    title: str
    youth_title: str
    original_text: str = ""
    youth_summary: str = ""
    source_document: str = ""
    source_organisation: str = ""
    theme_key: str | None = None
    reading_age_target: int = readability.DEFAULT_TARGET_AGE
    audience_min_age: int = 11
    audience_max_age: int = 25
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass
class QuestionEdit:
    """A changed question: prompt, whether it must be answered, and its option labels."""

    prompt: str
    required: bool = False
    options: list[str] = field(default_factory=list)
    scale_min_label: str = ""
    scale_max_label: str = ""
    max_length: int = 500


def slugify(text: str) -> str:
    """A short, readable address part made from a title."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-") or "consultation"


def unique_slug(text: str) -> str:
    """A slug not used by any consultation yet."""
    base = slugify(text)
    taken = set(
        db.session.scalars(select(Consultation.slug).where(Consultation.slug.like(f"{base}%")))
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def consultations_for_staff() -> list[Consultation]:
    """Every consultation and poll, newest first, for the console's front page."""
    return list(
        db.session.scalars(
            select(Consultation)
            .options(selectinload(Consultation.theme))
            .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        )
    )


def consultation_for_editing(consultation_id: int) -> Consultation:
    """One consultation with its questions and options, drafts included."""
    found = db.session.scalar(
        select(Consultation)
        .where(Consultation.id == consultation_id)
        .options(selectinload(Consultation.questions).selectinload(Question.options))
    )
    if found is None:
        raise NotFound("There is no such consultation.")
    return found


def question_for_editing(question_id: int) -> Question:
    found = db.session.get(Question, question_id)
    if found is None:
        raise NotFound("There is no such question.")
    return found


def _check_schedule(draft: ConsultationDraft) -> None:
    if draft.opens_at and draft.closes_at and draft.closes_at <= draft.opens_at:
        raise InvalidEdit("The closing date must be after the opening date.")
    if not draft.audience_min_age <= draft.audience_max_age:
        raise InvalidEdit("The youngest age must not be above the oldest.")


def _apply(consultation: Consultation, draft: ConsultationDraft) -> None:
    consultation.title = draft.title.strip()
    consultation.youth_title = draft.youth_title.strip()
    consultation.original_text = draft.original_text
    consultation.youth_summary = draft.youth_summary
    consultation.source_document = draft.source_document.strip()
    consultation.source_organisation = draft.source_organisation.strip()
    consultation.theme = services.theme_by_key(draft.theme_key) if draft.theme_key else None
    consultation.reading_age_target = draft.reading_age_target
    consultation.audience_min_age = draft.audience_min_age
    consultation.audience_max_age = draft.audience_max_age
    consultation.opens_at = draft.opens_at
    consultation.closes_at = draft.closes_at


def create_consultation(actor: User, draft: ConsultationDraft, *, now: datetime) -> Consultation:
    """Start a draft consultation from the editor."""
    _check_schedule(draft)
    consultation = Consultation(slug=unique_slug(draft.youth_title), created_at=now)
    _apply(consultation, draft)
    db.session.add(consultation)
    db.session.flush()
    audit.record(actor, "created", "consultation", consultation.id, now=now)
    return consultation


def update_consultation(
    actor: User, consultation: Consultation, draft: ConsultationDraft, *, now: datetime
) -> Consultation:
    """Save the editor: texts, theme, audience, target and schedule."""
    _check_schedule(draft)
    if (
        consultation.status is ConsultationStatus.OPEN
        and draft.closes_at is not None
        and draft.closes_at <= now
    ):
        raise InvalidEdit("To stop answers now, use “Close now” instead of a past date.")
    _apply(consultation, draft)
    db.session.flush()
    audit.record(actor, "edited", "consultation", consultation.id, now=now)
    return consultation


def add_question(
    actor: User, consultation: Consultation, spec: services.QuestionSpec, *, now: datetime
) -> Question:
    """Append a question of any kind."""
    if not spec.prompt.strip():
        raise InvalidEdit("Write the question.")
    question = services.add_question(consultation, spec)
    audit.record(
        actor, "question_added", "consultation", consultation.id, now=now, detail=spec.prompt
    )
    return question


def has_answers(question: Question) -> bool:
    """Whether anyone has answered this question (counted from the answers themselves)."""
    return bool(db.session.scalar(select(exists().where(Answer.question_id == question.id))))


def _option_has_votes(option: Option) -> bool:
    return bool(db.session.scalar(select(exists().where(AnswerChoice.option_id == option.id))))


def _clean_labels(labels: list[str]) -> list[str]:
    cleaned = [" ".join(label.split()) for label in labels if label.strip()]
    if len({c.lower() for c in cleaned}) != len(cleaned):
        raise InvalidEdit("Each option must be different.")
    if any(len(c) > OPTION_LABEL_MAX for c in cleaned):
        raise InvalidEdit(services.OPTION_TOO_LONG)
    return cleaned


def _edit_options(question: Question, labels: list[str]) -> None:
    labels = _clean_labels(labels)
    current = [o.label for o in question.options]
    if labels == current:
        return
    if not 2 <= len(labels) <= MAX_OPTIONS:
        raise InvalidEdit(f"A choice question needs between 2 and {MAX_OPTIONS} options.")
    voted = [o for o in question.options if _option_has_votes(o)]
    if not voted:
        question.options.clear()
        db.session.flush()
        question.options.extend(Option(label=label, position=i) for i, label in enumerate(labels))
        return
    # Votes point at options, so with votes in, only fixing a label's wording keeps them true.
    if len(labels) != len(current):
        raise NotAllowed(
            "People have already answered this question, so options cannot be added or "
            "removed: their votes would count for different choices. You can fix the wording "
            "of an option, or close this consultation and start a new one."
        )
    lowered = [c.lower() for c in current]
    for position, label in enumerate(labels):
        elsewhere = label.lower() in lowered and lowered.index(label.lower()) != position
        if elsewhere:
            raise NotAllowed(
                "People have already answered this question, so options cannot be moved: "
                f"“{label}” would take the votes of another option. You can fix the wording "
                "of an option in its place."
            )
    for option, label in zip(question.options, labels, strict=True):
        option.label = label


def update_question(actor: User, question: Question, edit: QuestionEdit, *, now: datetime) -> None:
    """Change a question's wording and options, guarded so existing answers stay true."""
    prompt = " ".join(edit.prompt.split())
    if not prompt:
        raise InvalidEdit("Write the question.")
    if len(prompt) > 300:
        raise InvalidEdit("Keep the question under 300 characters.")
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        _edit_options(question, edit.options)
    question.prompt = prompt
    question.required = edit.required
    if question.kind is QuestionKind.SCALE:
        question.scale_min_label = edit.scale_min_label.strip()
        question.scale_max_label = edit.scale_max_label.strip()
    if question.kind is QuestionKind.FREE_TEXT:
        question.max_length = edit.max_length
    db.session.flush()
    audit.record(actor, "question_edited", "question", question.id, now=now, detail=prompt)


def move_question(actor: User, question: Question, offset: int, *, now: datetime) -> None:
    """Move a question up (-1) or down (+1); the order young people see changes, not answers."""
    questions = list(question.consultation.questions)
    index = questions.index(question)
    target = index + offset
    if not 0 <= target < len(questions):
        return
    questions[index], questions[target] = questions[target], questions[index]
    for position, q in enumerate(questions):
        q.position = position
    db.session.flush()
    db.session.expire(question.consultation, ["questions"])
    audit.record(actor, "question_moved", "question", question.id, now=now)


def delete_question(actor: User, question: Question, *, now: datetime) -> None:
    """Remove a question nobody has answered yet."""
    if has_answers(question):
        raise NotAllowed(
            "People have already answered this question, so it cannot be deleted: their "
            "answers are part of the results. You can reword it, or close the consultation."
        )
    consultation = question.consultation
    consultation.questions.remove(question)
    for position, q in enumerate(consultation.questions):
        q.position = position
    db.session.flush()
    audit.record(
        actor, "question_deleted", "consultation", consultation.id, now=now, detail=question.prompt
    )


def publish(
    actor: User, consultation: Consultation, *, now: datetime, override_reason: str | None = None
) -> None:
    """Open for answers through the reading-age gate; an override is logged with its reason."""
    passes = consultation.readability().passes
    services.open_consultation(consultation, now=now, override_reason=override_reason)
    audit.record(actor, "opened", "consultation", consultation.id, now=now)
    if not passes:
        audit.record(
            actor,
            "override",
            "consultation",
            consultation.id,
            now=now,
            detail=(override_reason or "").strip(),
        )


def close(actor: User, consultation: Consultation, *, now: datetime) -> None:
    """Stop answers now, early or on time."""
    services.close_consultation(consultation, now=now)
    audit.record(actor, "closed", "consultation", consultation.id, now=now)


def reopen(
    actor: User, consultation: Consultation, *, now: datetime, closes_at: datetime | None = None
) -> None:
    """Take answers again after closing."""
    consultation.reopen(now, closes_at=closes_at)
    db.session.flush()
    audit.record(actor, "reopened", "consultation", consultation.id, now=now)


def glossary_terms() -> list[GlossaryTerm]:
    return list(db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.term)))


def glossary_term(term_id: int) -> GlossaryTerm:
    found = db.session.get(GlossaryTerm, term_id)
    if found is None:
        raise NotFound("There is no such glossary term.")
    return found


def save_glossary_term(
    actor: User,
    term_id: int | None,
    *,
    term: str,
    aliases: list[str],
    explanation: str,
    now: datetime,
) -> GlossaryTerm:
    """Add a term, or change one, with the plain-words explanation young people see."""
    term = " ".join(term.split())
    explanation = " ".join(explanation.split())
    if not term or not explanation:
        raise InvalidEdit("Give the term and a one-sentence explanation.")
    clash = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term.ilike(term)))
    if clash is not None and clash.id != term_id:
        raise InvalidEdit(f"“{clash.term}” is already in the glossary; edit that one instead.")
    kept_aliases = check_aliases(aliases)
    entry = glossary_term(term_id) if term_id is not None else GlossaryTerm()
    entry.term = term
    entry.explanation = explanation
    entry.aliases = json.dumps(kept_aliases)
    if term_id is None:
        db.session.add(entry)
    db.session.flush()
    action = "glossary_added" if term_id is None else "glossary_edited"
    audit.record(actor, action, "glossary_term", entry.id, now=now, detail=term)
    return entry


@dataclass
class SentenceScore:
    text: str
    words: int
    reading_age: float
    long: bool
    hard: bool


@dataclass
class ReadabilityReport:
    """The editor's readability panel: the score and every sentence marked."""

    score: readability.Readability
    sentences: list[SentenceScore]
    # No words of its own yet: a reading age of the questions alone would say "easy enough".
    empty: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            **self.score.as_dict(),
            "empty": self.empty,
            "glossary_terms": [
                {"term": t.term, "explanation": t.explanation} for t in self.score.glossary_terms
            ],
            "sentences": [s.__dict__ for s in self.sentences],
        }


def readability_report(
    text: str, *, target: int, glossary: list[GlossaryEntry], prompts: list[str] | None = None
) -> ReadabilityReport:
    """Score the youth text with the question prompts, as the publish gate will."""
    whole = "\n\n".join([text, *(prompts or [])])
    score = readability.analyse(whole, target=target, glossary=glossary)
    score.glossary_terms = find_terms(readability.plain_text(whole), glossary)
    marked = []
    for sentence in readability.sentences(readability.plain_text(whole)):
        words = readability.word_count(sentence)
        age = readability.reading_age(sentence)
        marked.append(
            SentenceScore(
                text=sentence,
                words=words,
                reading_age=age,
                long=words > readability.LONG_SENTENCE_WORDS,
                hard=age > target and words >= 4,
            )
        )
    empty = readability.word_count(readability.plain_text(text)) == 0
    return ReadabilityReport(score=score, sentences=marked, empty=empty)
