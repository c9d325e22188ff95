"""Writes: the only code that changes consultations, participants and answers.

Every function flushes and raises typed errors; the caller commits once
(see ``consultations.db.in_transaction``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consultations import access_codes
from consultations.db import db
from consultations.errors import (
    AnswerProblem,
    ConsultationClosed,
    InvalidAnswer,
    NotFound,
)
from consultations.glossary import default_terms
from consultations.models import (
    AGE_BANDS,
    Answer,
    AnswerChoice,
    Consultation,
    ConsultationStatus,
    GlossaryTerm,
    Option,
    Participant,
    Participation,
    Question,
    QuestionKind,
    Theme,
)
from consultations.moderation import review
from consultations.pseudonym import pseudonym
from consultations.themes import THEMES

CHANNEL_ID_MAX = 128
AREA_MAX = 60


@dataclass
class AnswerInput:
    """One answer as any channel sends it: options, a scale value or text."""

    question_id: int | None
    option_ids: list[int] = field(default_factory=list)
    value: int | None = None
    text: str | None = None


def without_nul(text: str) -> str:
    """Text without NUL characters, which PostgreSQL cannot store and nobody means to type."""
    return text.replace("\x00", "")


def participant_for(
    channel: str, channel_user_id: str, *, key: bytes, is_demo: bool = False
) -> Participant:
    """The participant behind a channel identity, created on first contact."""
    channel_user_id = str(channel_user_id)
    if not channel or not channel_user_id or len(channel_user_id) > CHANNEL_ID_MAX:
        raise InvalidAnswer("A participant needs a channel and an id on it.")
    alias = pseudonym(key, channel, channel_user_id)
    found = db.session.scalar(select(Participant).where(Participant.pseudonym == alias))
    if found is not None:
        return found
    created = Participant(pseudonym=alias, channel=channel, is_demo=is_demo)
    db.session.add(created)
    db.session.flush()
    return created


def find_participant(channel: str, channel_user_id: str, *, key: bytes) -> Participant | None:
    alias = pseudonym(key, channel, str(channel_user_id))
    return db.session.scalar(select(Participant).where(Participant.pseudonym == alias))


def update_profile(participant: Participant, *, age_band: str | None, area: str | None) -> None:
    """Set the optional age band and area; ``None`` leaves a field as it was."""
    if age_band is not None:
        if age_band not in AGE_BANDS:
            raise InvalidAnswer("Pick one of the age bands, or “prefer not to say”.")
        participant.age_band = age_band
    if area is not None:
        area = " ".join(without_nul(area).split())
        if len(area) > AREA_MAX:
            raise InvalidAnswer("Give just your ward or the first part of your postcode.")
        participant.area = area or None
    db.session.flush()


def _check(question: Question, given: AnswerInput) -> str | None:
    """Why an answer does not fit its question, in plain words; None when it fits."""
    kind = question.kind
    option_ids = {o.id for o in question.options}
    if kind is QuestionKind.SINGLE_CHOICE:
        if len(given.option_ids) != 1 or given.value is not None or given.text is not None:
            return "Pick exactly one option."
        if given.option_ids[0] not in option_ids:
            return "That option is not one of this question's choices."
    elif kind is QuestionKind.MULTIPLE_CHOICE:
        if not given.option_ids or given.value is not None or given.text is not None:
            return "Pick at least one option."
        if len(set(given.option_ids)) != len(given.option_ids):
            return "Each option can be picked only once."
        if not set(given.option_ids) <= option_ids:
            return "That option is not one of this question's choices."
    elif kind is QuestionKind.SCALE:
        if given.option_ids or given.text is not None:
            return "Give a number from 1 to 5."
        if isinstance(given.value, bool) or not isinstance(given.value, int):
            return "Give a number from 1 to 5."
        if not 1 <= given.value <= 5:
            return "Give a number from 1 to 5."
    else:
        if given.option_ids or given.value is not None or not isinstance(given.text, str):
            return "Write your answer as text."
        text = without_nul(given.text).strip()
        if not text:
            return "Write something, or skip this question."
        if len(text) > question.max_length:
            return f"Keep it under {question.max_length} characters (yours is {len(text)})."
    return None


def validate_answers(
    consultation: Consultation, answers: Sequence[AnswerInput], *, complete: bool = False
) -> list[AnswerProblem]:
    """Every problem with a submission; empty when it can be saved as a whole."""
    questions = {q.id: q for q in consultation.questions}
    problems: list[AnswerProblem] = []
    seen: set[int] = set()
    if not answers:
        problems.append(AnswerProblem(0, None, "There are no answers to save."))
    for index, given in enumerate(answers):
        question = questions.get(given.question_id) if given.question_id is not None else None
        if question is None:
            problems.append(
                AnswerProblem(index, given.question_id, "There is no such question here.")
            )
            continue
        if question.id in seen:
            problems.append(AnswerProblem(index, question.id, "This question is answered twice."))
            continue
        seen.add(question.id)
        reason = _check(question, given)
        if reason:
            problems.append(AnswerProblem(index, question.id, reason))
    if complete:
        for question in consultation.questions:
            if question.required and question.id not in seen:
                problems.append(
                    AnswerProblem(len(answers), question.id, "Please answer this question.")
                )
    return problems


def _scale_option(question: Question, value: int) -> Option:
    return next(o for o in question.options if o.value == value)


def _bump(
    model: type[Option] | type[Question] | type[Consultation],
    column: str,
    ids: Sequence[int],
    by: int,
) -> None:
    # Counters move in SQL, not in Python, so concurrent writers never lose an increment.
    # A plain table UPDATE: the ORM's bulk-update bookkeeping costs more than the statement.
    if ids:
        table = model.__table__
        db.session.execute(
            update(table).where(table.c.id.in_(ids)).values({column: table.c[column] + by})
        )


@dataclass(frozen=True)
class Submitted:
    """A saved submission, and what the channel must show the young person because of it.

    ``safeguarding`` and ``tension`` are set whenever a written answer in it carries a
    disclosure or a tension signal; no setting of the participant's can turn them off.
    """

    saved: int
    safeguarding: bool = False
    tension: bool = False
    # A concern was added to the safeguarding queue now (so staff are told once).
    new_concern: bool = False


def submit_answers(
    consultation: Consultation,
    participant: Participant,
    answers: Sequence[AnswerInput],
    *,
    channel: str,
    now: datetime,
    complete: bool = False,
    access_code: str | None = None,
) -> int:
    """Save a submission as a whole; how many answers were saved (see ``submit``)."""
    return submit(
        consultation,
        participant,
        answers,
        channel=channel,
        now=now,
        complete=complete,
        access_code=access_code,
    ).saved


def submit(
    consultation: Consultation,
    participant: Participant,
    answers: Sequence[AnswerInput],
    *,
    channel: str,
    now: datetime,
    complete: bool = False,
    access_code: str | None = None,
) -> Submitted:
    """Save a submission as a whole, replacing earlier answers to the same questions.

    Every written answer is moderated in the same transaction. A consultation that needs
    an access code takes one on the first submission only.
    """
    if not consultation.accepting_answers(now):
        raise ConsultationClosed(
            "This consultation is not taking answers any more. Thank you for wanting to take part."
        )
    problems = validate_answers(consultation, answers, complete=complete)
    if problems:
        raise InvalidAnswer("Nothing was saved because some answers need another look.", problems)

    # One person's submissions run one at a time (a row lock on PostgreSQL; SQLite has a
    # single writer anyway), so a replacement always sees the answer it replaces.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Participant.id).where(Participant.id == participant.id).with_for_update()
        )
    access_codes.redeem(consultation, participant, access_code, channel=channel, now=now)
    questions = {q.id: q for q in consultation.questions}
    existing = {
        a.question_id: a
        for a in db.session.scalars(
            select(Answer).where(
                Answer.participant_id == participant.id,
                Answer.question_id.in_([a.question_id for a in answers]),
            )
        )
    }
    chosen: dict[int, list[int]] = {}
    replaced: list[int] = []
    new_answers: list[int] = []
    stored: list[Answer] = []
    previous_text: dict[int, str | None] = {}
    for given in answers:
        assert given.question_id is not None
        question = questions[given.question_id]
        answer = existing.get(question.id)
        if answer is None:
            answer = Answer(participant_id=participant.id, question_id=question.id, created_at=now)
            db.session.add(answer)
            new_answers.append(question.id)
        else:
            replaced.append(answer.id)
            previous_text[question.id] = answer.text
        answer.channel = channel
        answer.updated_at = now
        is_scale = question.kind is QuestionKind.SCALE
        answer.scale_value = given.value if is_scale else None
        is_text = question.kind is QuestionKind.FREE_TEXT
        answer.text = without_nul(given.text).strip() if is_text and given.text else None
        if is_scale:
            assert given.value is not None
            chosen[question.id] = [_scale_option(question, given.value).id]
        else:
            chosen[question.id] = sorted(set(given.option_ids))
        stored.append(answer)
    db.session.flush()  # new answers get their ids; a lost race fails here on the unique key

    # Count down exactly the choices that were really removed, as the database saw them.
    removed: list[int] = []
    if replaced:
        removed = list(
            db.session.scalars(
                delete(AnswerChoice)
                .where(AnswerChoice.answer_id.in_(replaced))
                .returning(AnswerChoice.option_id),
                execution_options={"synchronize_session": False},
            )
        )
    rows = [
        {"answer_id": a.id, "option_id": option_id}
        for a in stored
        for option_id in chosen[a.question_id]
    ]
    if rows:
        db.session.execute(insert(AnswerChoice), rows)
    for answer in stored:
        db.session.expire(answer, ["choices"])
    _bump(Option, "tally", removed, -1)
    _bump(Option, "tally", [row["option_id"] for row in rows], +1)
    _bump(Question, "answer_count", new_answers, +1)
    _record_participation(consultation, participant, channel=channel, now=now)
    created = set(new_answers)
    found = [
        review.moderate_saved_answer(
            answer,
            previous_text=previous_text.get(answer.question_id),
            participant=participant,
            consultation=consultation,
            now=now,
            is_new=answer.question_id in created,
        )
        for answer in stored
        if answer.text is not None
    ]
    return Submitted(
        saved=len(answers),
        safeguarding=any(f.safeguarding for f in found),
        tension=any(f.tension for f in found),
        new_concern=any(f.new_concern for f in found),
    )


def _record_participation(
    consultation: Consultation, participant: Participant, *, channel: str, now: datetime
) -> None:
    # Insert-if-absent in one statement; only a row really inserted counts a new respondent.
    dialect = db.session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    inserted = db.session.scalar(
        upsert(Participation.__table__)
        .values(
            consultation_id=consultation.id,
            participant_id=participant.id,
            channel=channel,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["consultation_id", "participant_id"])
        .returning(Participation.__table__.c.id)
    )
    if inserted is not None:
        _bump(Consultation, "respondent_count", [consultation.id], +1)


def open_consultation(
    consultation: Consultation, *, now: datetime, override_reason: str | None = None
) -> None:
    """Open for answers, through the reading-age gate."""
    consultation.open(now, override_reason=override_reason)
    db.session.flush()


def close_consultation(consultation: Consultation, *, now: datetime) -> None:
    consultation.close(now)
    db.session.flush()


@dataclass
class QuestionSpec:
    """A question as an author writes it, before it has ids."""

    kind: QuestionKind
    prompt: str
    required: bool = False
    options: list[str] = field(default_factory=list)
    scale_min_label: str = ""
    scale_max_label: str = ""
    max_length: int = 500


def add_question(consultation: Consultation, spec: QuestionSpec) -> Question:
    """Append a question with its options (a scale gets its five steps)."""
    question = Question(
        kind=spec.kind,
        prompt=spec.prompt.strip(),
        required=spec.required,
        max_length=spec.max_length,
        scale_min_label=spec.scale_min_label,
        scale_max_label=spec.scale_max_label,
        position=len(consultation.questions),
    )
    if spec.kind is QuestionKind.SCALE:
        question.options = [Option(label=str(v), value=v, position=v) for v in range(1, 6)]
    elif spec.kind.has_options:
        if not 2 <= len(spec.options) <= 12:
            raise InvalidAnswer("A choice question needs between 2 and 12 options.")
        question.options = [
            Option(label=label.strip(), position=i) for i, label in enumerate(spec.options)
        ]
    consultation.questions.append(question)
    db.session.flush()
    return question


def theme_by_key(key: str) -> Theme:
    theme = db.session.scalar(select(Theme).where(Theme.key == key))
    if theme is None:
        raise NotFound(f"There is no theme called {key!r}.")
    return theme


def seed_reference_data() -> None:
    """Themes from the strategy's six priorities and the shipped glossary; safe to run twice."""
    have = set(db.session.scalars(select(Theme.key)))
    for position, (key, name, description) in enumerate(THEMES):
        if key not in have:
            db.session.add(Theme(key=key, name=name, description=description, position=position))
    terms = {t.lower() for t in db.session.scalars(select(GlossaryTerm.term))}
    for entry in default_terms():
        if entry.term.lower() not in terms:
            db.session.add(
                GlossaryTerm(
                    term=entry.term,
                    explanation=entry.explanation,
                    aliases=json.dumps(list(entry.aliases)),
                )
            )
    db.session.flush()


def forget_participant(participant: Participant) -> None:
    """Erase a young person: answers, profile, opt-in and messages, everything under them.

    Counts of consultations still open are taken back so their results stay true; counts
    of closed consultations stay as they are, because those results were already published
    and hold nothing that points back to anyone.
    """
    open_ids = select(Consultation.id).where(Consultation.status == ConsultationStatus.OPEN)
    open_questions = select(Question.id).where(Question.consultation_id.in_(open_ids))
    answer_ids = list(
        db.session.scalars(
            select(Answer.id).where(
                Answer.participant_id == participant.id, Answer.question_id.in_(open_questions)
            )
        )
    )
    if answer_ids:
        chosen = list(
            db.session.scalars(
                select(AnswerChoice.option_id).where(AnswerChoice.answer_id.in_(answer_ids))
            )
        )
        _bump(Option, "tally", chosen, -1)
        question_ids = list(
            db.session.scalars(select(Answer.question_id).where(Answer.id.in_(answer_ids)))
        )
        _bump(Question, "answer_count", question_ids, -1)
    took_part = list(
        db.session.scalars(
            select(Participation.consultation_id).where(
                Participation.participant_id == participant.id,
                Participation.consultation_id.in_(open_ids),
            )
        )
    )
    _bump(Consultation, "respondent_count", took_part, -1)
    # The database cascades the delete to answers, participations, the subscription,
    # the outbox and anything else that hangs off the participant.
    db.session.execute(
        delete(Participant).where(Participant.id == participant.id),
        execution_options={"synchronize_session": False},
    )
    db.session.expunge(participant)
    db.session.flush()
