"""Reads: what the web form, the channels and the results pages show."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from consultations import readability
from consultations.db import db
from consultations.errors import NotFound
from consultations.glossary import GlossaryEntry, find_terms
from consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    GlossaryTerm,
    Participant,
    Question,
)
from consultations.readability import plain_text, sentences


def glossary_entries() -> list[GlossaryEntry]:
    """The glossary as officers keep it."""
    return [
        GlossaryEntry(t.term, t.explanation, tuple(json.loads(t.aliases or "[]")))
        for t in db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.term))
    ]


def open_consultations(now: datetime) -> list[Consultation]:
    """Consultations taking answers now, closing soonest first."""
    rows = db.session.scalars(
        select(Consultation)
        .where(
            Consultation.status == ConsultationStatus.OPEN,
            or_(Consultation.opens_at.is_(None), Consultation.opens_at <= now),
            or_(Consultation.closes_at.is_(None), Consultation.closes_at > now),
        )
        .options(selectinload(Consultation.theme))
        .order_by(Consultation.closes_at.is_(None), Consultation.closes_at, Consultation.id)
    )
    return list(rows)


def consultation_by_slug(slug: str, *, include_drafts: bool = False) -> Consultation:
    """A consultation with its questions and options loaded; drafts are hidden by default."""
    consultation = (
        db.session.scalars(
            select(Consultation)
            .where(Consultation.slug == slug)
            # One round trip for the whole shape: every submission starts here.
            .options(joinedload(Consultation.questions).joinedload(Question.options))
        )
        .unique()
        .one_or_none()
    )
    if consultation is None or (
        consultation.status is ConsultationStatus.DRAFT and not include_drafts
    ):
        raise NotFound("We could not find that consultation. It may have moved or been removed.")
    return consultation


def summary_line(consultation: Consultation) -> str:
    """The first sentence of the youth text: the one line shown in lists."""
    found = sentences(plain_text(consultation.youth_summary))
    return found[0] if found else consultation.youth_title


def minutes_to_read(consultation: Consultation) -> int:
    return readability.minutes_to_read(readability.word_count(consultation.youth_text_for_gate()))


@lru_cache(maxsize=256)
def _score(text: str, target: int) -> readability.Readability:
    # Pages are read far more often than written: score each text once per process.
    return readability.analyse(text, target=target)


def youth_reading(consultation: Consultation, glossary: list[GlossaryEntry]) -> dict[str, object]:
    """Reading age, minutes to read and the glossary terms of the youth text."""
    score = _score(consultation.youth_text_for_gate(), consultation.reading_age_target)
    return {
        "reading_age": score.reading_age,
        "minutes_to_read": score.minutes_to_read,
        "glossary": find_terms(consultation.youth_summary, glossary),
    }


@dataclass
class OptionResult:
    id: int
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    id: int
    kind: str
    prompt: str
    answers: int
    options: list[OptionResult]


def results(consultation: Consultation) -> list[QuestionResult]:
    """Per-question totals and per-option counts, from the tallies kept as answers arrive."""
    out: list[QuestionResult] = []
    for question in consultation.questions:
        total = question.answer_count
        out.append(
            QuestionResult(
                id=question.id,
                kind=question.kind.value,
                prompt=question.prompt,
                answers=total,
                options=[
                    OptionResult(
                        o.id, o.label, o.tally, round(100 * o.tally / total, 1) if total else 0.0
                    )
                    for o in question.options
                ],
            )
        )
    return out


def answers_of(consultation: Consultation, participant: Participant | None) -> list[Answer]:
    """A participant's own answers to one consultation, in question order."""
    if participant is None:
        return []
    question_ids = [q.id for q in consultation.questions]
    rows = db.session.scalars(
        select(Answer)
        .where(Answer.participant_id == participant.id, Answer.question_id.in_(question_ids))
        .options(selectinload(Answer.choices))
    )
    order = {qid: i for i, qid in enumerate(question_ids)}
    return sorted(rows, key=lambda a: order[a.question_id])
