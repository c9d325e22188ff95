"""Reads: what the web form, the channels and the results pages show."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypedDict

from sqlalchemy import bindparam, or_, select
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
    Option,
    Participant,
    Participation,
    Question,
    QuestionKind,
    takes_answers,
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


NOT_FOUND = "We could not find that consultation. It may have moved or been removed."


def consultation_by_slug(slug: str, *, include_drafts: bool = False) -> Consultation:
    """A consultation with its questions and options loaded; drafts are hidden by default."""
    consultation = (
        db.session.scalars(
            select(Consultation)
            .where(Consultation.slug == slug)
            # One round trip for the whole shape: every page and web form starts here.
            .options(joinedload(Consultation.questions).joinedload(Question.options))
        )
        .unique()
        .one_or_none()
    )
    if consultation is None or (
        consultation.status is ConsultationStatus.DRAFT and not include_drafts
    ):
        raise NotFound(NOT_FOUND)
    return consultation


@dataclass(frozen=True)
class QuestionRules:
    """What an answer to one question must fit: its kind, limits and option ids."""

    id: int
    kind: QuestionKind
    required: bool
    max_length: int
    option_ids: frozenset[int]
    # A scale question's option for each value (1-5): the tally a scale answer counts in.
    scale_options: Mapping[int, int]

    @classmethod
    def of(cls, question: Question) -> QuestionRules:
        return cls(
            id=question.id,
            kind=question.kind,
            required=question.required,
            max_length=question.max_length,
            option_ids=frozenset(o.id for o in question.options),
            scale_options={o.value: o.id for o in question.options if o.value is not None},
        )


@dataclass(frozen=True)
class Questionnaire:
    """A consultation as a submission is checked against: its state and its questions' rules.

    Plain values rather than ORM objects, so the channel API can read them with one plain
    query per submission (see ``questionnaire``).
    """

    id: int
    status: ConsultationStatus
    opens_at: datetime | None
    closes_at: datetime | None
    requires_access_code: bool
    questions: tuple[QuestionRules, ...]  # in the order young people see them

    @classmethod
    def of(cls, consultation: Consultation) -> Questionnaire:
        return cls(
            id=consultation.id,
            status=consultation.status,
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            requires_access_code=consultation.requires_access_code,
            questions=tuple(QuestionRules.of(q) for q in consultation.questions),
        )

    def accepting_answers(self, now: datetime) -> bool:
        return takes_answers(self.status, self.opens_at, self.closes_at, now)


_CONSULTATION = Consultation.__table__
_QUESTION = Question.__table__
_OPTION = Option.__table__

# The consultation and every question and option, one row per option, in one round trip.
# Read afresh for every submission rather than cached: staff may edit questions and options
# at any time, even while a consultation is open, and a closed one must refuse at once.
_QUESTIONNAIRE = (
    select(
        _CONSULTATION.c.id.label("consultation_id"),
        _CONSULTATION.c.status,
        _CONSULTATION.c.opens_at,
        _CONSULTATION.c.closes_at,
        _CONSULTATION.c.requires_access_code,
        _QUESTION.c.id.label("question_id"),
        _QUESTION.c.kind,
        _QUESTION.c.required,
        _QUESTION.c.max_length,
        _OPTION.c.id.label("option_id"),
        _OPTION.c.value,
    )
    .select_from(_CONSULTATION)
    .outerjoin(_QUESTION, _QUESTION.c.consultation_id == _CONSULTATION.c.id)
    .outerjoin(_OPTION, _OPTION.c.question_id == _QUESTION.c.id)
    .where(_CONSULTATION.c.slug == bindparam("slug"))
    .order_by(_QUESTION.c.position, _QUESTION.c.id, _OPTION.c.position, _OPTION.c.id)
)


def questionnaire(slug: str) -> Questionnaire:
    """What answers to a consultation must fit, read with one query; drafts are not found."""
    rows = db.session.connection().execute(_QUESTIONNAIRE, {"slug": slug}).all()
    if not rows or rows[0].status is ConsultationStatus.DRAFT:
        raise NotFound(NOT_FOUND)
    # question id -> (its first row, its options' (id, scale value)), in question order
    questions: dict[int, tuple[Any, list[tuple[int, int | None]]]] = {}
    for row in rows:
        if row.question_id is None:
            continue  # a consultation without questions yet
        _, options = questions.setdefault(row.question_id, (row, []))
        if row.option_id is not None:
            options.append((row.option_id, row.value))
    first = rows[0]
    return Questionnaire(
        id=first.consultation_id,
        status=first.status,
        opens_at=first.opens_at,
        closes_at=first.closes_at,
        requires_access_code=first.requires_access_code,
        questions=tuple(
            QuestionRules(
                id=question_id,
                kind=row.kind,
                required=row.required,
                max_length=row.max_length,
                option_ids=frozenset(option_id for option_id, _ in options),
                scale_options={
                    value: option_id for option_id, value in options if value is not None
                },
            )
            for question_id, (row, options) in questions.items()
        ),
    )


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


class YouthReading(TypedDict):
    reading_age: float
    minutes_to_read: int
    glossary: list[GlossaryEntry]


def youth_reading(consultation: Consultation, glossary: list[GlossaryEntry]) -> YouthReading:
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
    scale_min_label: str = ""
    scale_max_label: str = ""
    # The average score of a 1-5 scale; None for other kinds and before anyone answered.
    mean: float | None = None

    def option_caption(self, option: OptionResult) -> str:
        """An option as a chart or table names it: a scale's ends carry their labels."""
        if self.kind == QuestionKind.SCALE.value:
            end = {"1": self.scale_min_label, "5": self.scale_max_label}.get(option.label)
            return f"{option.label} – {end}" if end else option.label
        return option.label


def _mean(question: Question) -> float | None:
    if question.kind is not QuestionKind.SCALE or not question.answer_count:
        return None
    total = sum((o.value or 0) * o.tally for o in question.options)
    return round(total / question.answer_count, 1)


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
                scale_min_label=question.scale_min_label or "",
                scale_max_label=question.scale_max_label or "",
                mean=_mean(question),
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


def answered_consultation_ids(participant: Participant | None) -> set[int]:
    """The consultations this participant has taken part in (to mark them on the home page)."""
    if participant is None:
        return set()
    return set(
        db.session.scalars(
            select(Participation.consultation_id).where(
                Participation.participant_id == participant.id
            )
        )
    )
