"""Writes: the only code that changes consultations, participants and answers.

Every function flushes and raises typed errors; the caller commits once
(see ``consultations.db.in_transaction``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Insert,
    Table,
    Update,
    bindparam,
    case,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consultations import access_codes, areas, words
from consultations.db import LostRace, db
from consultations.errors import (
    AnswerProblem,
    ConsultationClosed,
    InvalidAnswer,
    InvalidEdit,
    InvalidRequest,
    NotFound,
)
from consultations.glossary import default_terms
from consultations.models import (
    AGE_BANDS,
    OPTION_LABEL_MAX,
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
from consultations.moderation.models import AnswerModeration
from consultations.moderation.rules import Rules
from consultations.pseudonym import pseudonym
from consultations.queries import Questionnaire, QuestionRules, questionnaire
from consultations.themes import THEMES

CHANNEL_ID_MAX = 128
OPTION_TOO_LONG = f"Keep each option to {OPTION_LABEL_MAX} characters or fewer."
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


def _alias(channel: str, channel_user_id: str, key: bytes) -> str:
    """The keyed hash a channel identity is stored under, once the identity is checked."""
    channel_user_id = str(channel_user_id)
    if not channel or not channel_user_id or len(channel_user_id) > CHANNEL_ID_MAX:
        raise InvalidRequest("A participant needs a channel and an id on it.")
    return pseudonym(key, channel, channel_user_id)


def participant_for(
    channel: str, channel_user_id: str, *, key: bytes, is_demo: bool = False
) -> Participant:
    """The participant behind a channel identity, created on first contact."""
    alias = _alias(channel, channel_user_id, key)
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
        if not area:
            participant.area = None
        else:
            # Typed words become one entry of the council's list, so "ST1" and "Hanley"
            # are never counted apart; words that name no entry are refused, never kept.
            key = areas.resolve(area[:AREA_MAX])
            if key is None or len(area) > AREA_MAX:
                # Named once in English; each channel shows it in the language it asked for.
                named = areas.examples()
                raise InvalidAnswer(
                    words.unknown_area(named), said=partial(words.unknown_area, named)
                )
            participant.area = key
    db.session.flush()


def _check(question: QuestionRules, given: AnswerInput) -> str | None:
    """Why an answer does not fit its question, in plain words; None when it fits."""
    kind = question.kind
    option_ids = question.option_ids
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
    consultation: Consultation | Questionnaire,
    answers: Sequence[AnswerInput],
    *,
    complete: bool = False,
) -> list[AnswerProblem]:
    """Every problem with a submission; empty when it can be saved as a whole."""
    form = (
        consultation if isinstance(consultation, Questionnaire) else Questionnaire.of(consultation)
    )
    questions = {q.id: q for q in form.questions}
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
        for question in form.questions:
            if question.required and question.id not in seen:
                problems.append(
                    AnswerProblem(len(answers), question.id, "Please answer this question.")
                )
    return problems


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
    # The languages the answers that need a support message are written in ("pl", "ur"),
    # so the message also comes in the young person's own language.
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Respondent:
    """The participant a submission is saved for, with their row locked for it."""

    id: int
    area: str | None
    # Created in this transaction: they can have no answers, code or participation yet.
    is_new: bool


def submit_answers(
    consultation: Consultation,
    participant: Participant,
    answers: Sequence[AnswerInput],
    *,
    channel: str,
    now: datetime,
    complete: bool = False,
    access_code: str | None = None,
    rules: Rules | None = None,
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
        rules=rules,
    ).saved


def _check_submission(
    form: Questionnaire, answers: Sequence[AnswerInput], *, now: datetime, complete: bool
) -> None:
    if not form.accepting_answers(now):
        raise ConsultationClosed(
            "This consultation is not taking answers any more. Thank you for wanting to take part."
        )
    problems = validate_answers(form, answers, complete=complete)
    if problems:
        raise InvalidAnswer("Nothing was saved because some answers need another look.", problems)


def submit(
    consultation: Consultation,
    participant: Participant,
    answers: Sequence[AnswerInput],
    *,
    channel: str,
    now: datetime,
    complete: bool = False,
    access_code: str | None = None,
    rules: Rules | None = None,
) -> Submitted:
    """Save a submission as a whole, replacing earlier answers to the same questions.

    Every written answer is moderated in the same transaction, with ``rules`` (the
    deployment's moderation rules; the shipped ones when None). A consultation that needs
    an access code takes one on the first submission only.
    """
    form = Questionnaire.of(consultation)
    _check_submission(form, answers, now=now, complete=complete)
    # The statements below go straight to the connection: whatever the caller changed
    # through the ORM (a new participant, a profile) must reach the database first.
    db.session.flush()
    if not _lock_participant(db.session.connection(), participant.id):
        # Erased since the caller found them: run again, and they are a new participant.
        raise LostRace
    respondent = Respondent(participant.id, participant.area, is_new=False)
    return _save(
        form, respondent, answers, channel=channel, now=now, access_code=access_code, rules=rules
    )


def submit_as(
    slug: str,
    channel: str,
    channel_user_id: str,
    answers: Sequence[AnswerInput],
    *,
    key: bytes,
    now: datetime,
    access_code: str | None = None,
    rules: Rules | None = None,
) -> Submitted:
    """``submit`` for a chat channel, by consultation slug and the person's id on the channel.

    The channel API's busiest path, so it reads and writes with plain statements only: one
    query for the consultation, one to find or create the participant, then ``_save``.
    """
    form = questionnaire(slug)
    _check_submission(form, answers, now=now, complete=False)
    respondent = _claim_participant(channel, channel_user_id, key=key)
    return _save(
        form, respondent, answers, channel=channel, now=now, access_code=access_code, rules=rules
    )


_CONSULTATION = Consultation.__table__
_QUESTION = Question.__table__
_OPTION = Option.__table__
_PARTICIPANT = Participant.__table__
_ANSWER = Answer.__table__
_CHOICE = AnswerChoice.__table__

# Everything that changes one person's answers (a submission, an erasure) first locks that
# person's participant row, and only then reads what it will change. One lock order on both
# engines, so two such writers run one after the other and never deadlock over each other's
# rows; and each sees what the other committed, so counts move by exactly what changed.
#
# PostgreSQL: a row lock. SQLite has one writer at a time, but pysqlite opens SQLite's
# transaction only at the first INSERT, UPDATE or DELETE, so every SELECT before that reads
# outside any transaction, and another writer can commit between the read and the write.
# So on SQLite the lock is a write to the row (it changes nothing): it takes the database's
# write lock at once, whatever the connection did before, and holds it until commit.
_LOCK_PARTICIPANT = (
    select(_PARTICIPANT.c.id)
    .where(_PARTICIPANT.c.id == bindparam("participant_id"))
    .with_for_update()
)
_LOCK_PARTICIPANT_BY_WRITING = (
    update(_PARTICIPANT)
    .where(_PARTICIPANT.c.id == bindparam("participant_id"))
    .values(channel=_PARTICIPANT.c.channel)
    .returning(_PARTICIPANT.c.id)
)


def _lock_participant(conn: Connection, participant_id: int) -> bool:
    """Lock this participant's row until commit; False when it is not there (erased)."""
    postgresql = conn.dialect.name == "postgresql"
    lock = _LOCK_PARTICIPANT if postgresql else _LOCK_PARTICIPANT_BY_WRITING
    return conn.execute(lock, {"participant_id": participant_id}).first() is not None


_FIND_PARTICIPANT = select(_PARTICIPANT.c.id, _PARTICIPANT.c.area).where(
    _PARTICIPANT.c.pseudonym == bindparam("pseudonym")
)
_FIND_AND_LOCK_PARTICIPANT = _FIND_PARTICIPANT.with_for_update()


def _upsert(dialect: str) -> Callable[[Table], Any]:
    """The INSERT that can say ON CONFLICT, for the engine in use (both speak it alike)."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


@cache
def _create_participant(dialect: str) -> Insert:
    return (
        _upsert(dialect)(_PARTICIPANT)
        .on_conflict_do_nothing(index_elements=[_PARTICIPANT.c.pseudonym])
        .returning(_PARTICIPANT.c.id)
    )


def _claim_participant(channel: str, channel_user_id: str, *, key: bytes) -> Respondent:
    """Find or create the participant behind a channel identity, and lock their row.

    Insert first: on the first contact, which is most submissions in a busy ballot, that is
    the only statement, and the new row is ours alone until commit. A participant who
    already exists (or was created a moment ago by a racing request, which the insert waits
    for) is then read, and on PostgreSQL locked. On SQLite the insert is a write even when
    it inserts nothing, so it has already taken the write lock (see ``_lock_participant``):
    the participant comes first in both engines' lock order at no extra statement.
    """
    alias = _alias(channel, channel_user_id, key)
    conn = db.session.connection()
    postgresql = conn.dialect.name == "postgresql"
    find = _FIND_AND_LOCK_PARTICIPANT if postgresql else _FIND_PARTICIPANT
    # Twice at most: a participant erased between the two statements is simply created again.
    for _ in range(2):
        created = conn.scalar(
            _create_participant(conn.dialect.name), {"pseudonym": alias, "channel": channel}
        )
        if created is not None:
            return Respondent(created, area=None, is_new=True)
        found = conn.execute(find, {"pseudonym": alias}).first()
        if found is not None:
            return Respondent(found.id, found.area, is_new=False)
    # Created and erased again by others, twice over, while we looked: start afresh.
    raise LostRace


_EXISTING_ANSWERS = select(_ANSWER.c.id, _ANSWER.c.question_id, _ANSWER.c.text).where(
    _ANSWER.c.participant_id == bindparam("participant_id"),
    _ANSWER.c.question_id.in_(bindparam("question_ids", expanding=True)),
)
_NEW_ANSWERS = insert(_ANSWER).returning(_ANSWER.c.id, _ANSWER.c.question_id)
# The SET clause comes from the parameters' keys: channel, scale_value, text, updated_at.
_REPLACE_ANSWER = update(_ANSWER).where(_ANSWER.c.id == bindparam("answer_id"))
_REMOVE_CHOICES = (
    delete(_CHOICE)
    .where(_CHOICE.c.answer_id.in_(bindparam("answer_ids", expanding=True)))
    .returning(_CHOICE.c.option_id)
)
_ADD_CHOICES = insert(_CHOICE)


@dataclass
class _Rows:
    """A checked submission as rows for the answer tables, before any of them is written."""

    created: list[dict[str, Any]] = field(default_factory=list)  # new answers
    replaced: list[dict[str, Any]] = field(default_factory=list)  # new values by answer_id
    chosen: dict[int, list[int]] = field(default_factory=dict)  # question id -> option ids
    texts: dict[int, str] = field(default_factory=dict)  # question id -> written answer


def _rows(
    form: Questionnaire,
    respondent: Respondent,
    answers: Sequence[AnswerInput],
    existing: Mapping[int, tuple[int, str | None]],
    *,
    channel: str,
    now: datetime,
) -> _Rows:
    questions = {q.id: q for q in form.questions}
    rows = _Rows()
    for given in answers:
        assert given.question_id is not None
        question = questions[given.question_id]
        is_scale = question.kind is QuestionKind.SCALE
        is_text = question.kind is QuestionKind.FREE_TEXT
        text = without_nul(given.text).strip() if is_text and given.text else None
        values = {
            "channel": channel,
            "scale_value": given.value if is_scale else None,
            "text": text,
            "updated_at": now,
        }
        if text is not None:
            rows.texts[question.id] = text
        if is_scale:
            assert given.value is not None
            rows.chosen[question.id] = [question.scale_options[given.value]]
        else:
            rows.chosen[question.id] = sorted(set(given.option_ids))
        if question.id in existing:
            rows.replaced.append({"answer_id": existing[question.id][0], **values})
        else:
            rows.created.append(
                {"participant_id": respondent.id, "question_id": question.id, "created_at": now}
                | values
            )
    return rows


def _save(
    form: Questionnaire,
    respondent: Respondent,
    answers: Sequence[AnswerInput],
    *,
    channel: str,
    now: datetime,
    access_code: str | None,
    rules: Rules | None,
) -> Submitted:
    """Write a checked submission for a locked participant: answers, choices, counts,
    participation and moderation, with one statement per table for the whole submission."""
    conn = db.session.connection()
    if not form.requires_access_code:
        if access_code:
            access_codes.count_for_club(
                form.id, respondent.id, access_code, channel=channel, now=now
            )
    else:
        access_codes.redeem(
            form.id,
            respondent.id,
            access_code,
            channel=channel,
            now=now,
            first_contact=respondent.is_new,
        )
    # question id -> (answer id, its text) of the answers this submission replaces
    existing: dict[int, tuple[int, str | None]] = {}
    if not respondent.is_new:
        found = conn.execute(
            _EXISTING_ANSWERS,
            {"participant_id": respondent.id, "question_ids": [a.question_id for a in answers]},
        )
        existing = {question_id: (answer_id, text) for answer_id, question_id, text in found}
    rows = _rows(form, respondent, answers, existing, channel=channel, now=now)

    answer_ids = {question_id: answer_id for question_id, (answer_id, _) in existing.items()}
    if rows.created:
        # A lost race for a first answer fails here on the unique key, and is run again.
        answer_ids.update((q, a) for a, q in conn.execute(_NEW_ANSWERS, rows.created))
    removed: list[int] = []
    if rows.replaced:
        conn.execute(_REPLACE_ANSWER, rows.replaced)
        # Count down exactly the choices that were really removed, as the database saw them.
        replaced_ids = [r["answer_id"] for r in rows.replaced]
        removed = list(conn.scalars(_REMOVE_CHOICES, {"answer_ids": replaced_ids}))
    choices = [
        {"answer_id": answer_ids[question_id], "option_id": option_id}
        for question_id, option_ids in rows.chosen.items()
        for option_id in option_ids
    ]
    if choices:
        conn.execute(_ADD_CHOICES, choices)
    _move_tallies(conn, added=[c["option_id"] for c in choices], removed=removed)
    _count_new_answers(conn, [row["question_id"] for row in rows.created])
    _record_participation(conn, form.id, respondent, channel=channel, now=now)
    found_in_text = review.moderate_saved_answers(
        [
            review.WrittenAnswer(
                answer_id=answer_ids[question_id],
                text=text,
                channel=channel,
                previous_text=existing[question_id][1] if question_id in existing else None,
                is_new=question_id not in existing,
            )
            for question_id, text in rows.texts.items()
        ],
        participant_id=respondent.id,
        area=respondent.area,
        consultation_id=form.id,
        now=now,
        rules=rules,
    )
    _expire_loaded_answers()
    return Submitted(
        saved=len(answers),
        safeguarding=found_in_text.safeguarding,
        tension=found_in_text.tension,
        new_concern=found_in_text.new_concern,
        languages=found_in_text.languages,
    )


def _expire_loaded_answers() -> None:
    """Answers and moderation records the session already holds were just rewritten by
    plain statements: reload them on next use rather than show what they were."""
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Answer | AnswerModeration):
            db.session.expire(loaded)


def _counter_rows(table: Table, dialect: str) -> ColumnElement[bool]:
    """WHERE for the counter rows whose ids are bound as ``ids``, for an UPDATE of them.

    On PostgreSQL the rows are first locked in id order (a CTE, FOR NO KEY UPDATE: the lock
    the UPDATE takes anyway, which leaves foreign-key checks free). An UPDATE on its own
    locks rows in the order it happens to find them, so two writers moving overlapping sets
    of counters could each hold a row the other waits for; in one order they queue instead.
    Same statement count; SQLite has a single writer and needs no order.
    """
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    if dialect != "postgresql":
        return table.c.id.in_(ids)
    locked = (
        select(table.c.id)
        .where(table.c.id.in_(ids))
        .order_by(table.c.id)
        .with_for_update(key_share=True)
        .cte(f"locked_{table.name}")
    )
    return table.c.id == locked.c.id


@cache
def _move_tallies_by_one(dialect: str) -> Update:
    return (
        update(_OPTION)
        .where(_counter_rows(_OPTION, dialect))
        .values(
            tally=_OPTION.c.tally
            + case((_OPTION.c.id.in_(bindparam("up", expanding=True)), 1), else_=-1)
        )
    )


@cache
def _add_to_counter(table: Table, column: str, by: int, dialect: str) -> Update:
    return update(table).where(_counter_rows(table, dialect)).values({column: table.c[column] + by})


def _bump(conn: Connection, table: Table, column: str, ids: Sequence[int], by: int) -> None:
    """Move one counter of several rows by ``by`` in one statement (each id once)."""
    # Counters move in SQL, not in Python, so concurrent writers never lose an increment.
    if ids:
        statement = _add_to_counter(table, column, by, conn.dialect.name)
        conn.execute(statement, {"ids": sorted(ids)})


def _move_tallies(conn: Connection, *, added: Sequence[int], removed: Sequence[int]) -> None:
    """One UPDATE for every option whose tally changes; an option picked again is left alone.

    In one submission an option is added at most once and removed at most once.
    """
    up = set(added) - set(removed)
    down = set(removed) - set(added)
    if up or down:
        statement = _move_tallies_by_one(conn.dialect.name)
        conn.execute(statement, {"ids": sorted(up | down), "up": sorted(up)})


def _count_new_answers(conn: Connection, question_ids: Sequence[int]) -> None:
    _bump(conn, _QUESTION, "answer_count", question_ids, 1)


@cache
def _add_participation(dialect: str) -> Insert:
    # Insert-if-absent in one statement; only a row really inserted counts a new respondent.
    participation = Participation.__table__
    return (
        _upsert(dialect)(participation)
        .on_conflict_do_nothing(index_elements=["consultation_id", "participant_id"])
        .returning(participation.c.id)
    )


_COUNT_RESPONDENT = (
    update(_CONSULTATION)
    .where(_CONSULTATION.c.id == bindparam("consultation_id"))
    .values(respondent_count=_CONSULTATION.c.respondent_count + 1)
)


def _record_participation(
    conn: Connection, consultation_id: int, respondent: Respondent, *, channel: str, now: datetime
) -> None:
    inserted = conn.scalar(
        _add_participation(conn.dialect.name),
        {
            "consultation_id": consultation_id,
            "participant_id": respondent.id,
            "channel": channel,
            "created_at": now,
        },
    )
    if inserted is not None:
        conn.execute(_COUNT_RESPONDENT, {"consultation_id": consultation_id})


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
            raise InvalidEdit("A choice question needs between 2 and 12 options.")
        labels = [label.strip() for label in spec.options]
        if any(len(label) > OPTION_LABEL_MAX for label in labels):
            raise InvalidEdit(OPTION_TOO_LONG)
        question.options = [Option(label=label, position=i) for i, label in enumerate(labels)]
    consultation.questions.append(question)
    db.session.flush()
    return question


def theme_by_key(key: str) -> Theme:
    theme = db.session.scalar(select(Theme).where(Theme.key == key))
    if theme is None:
        raise NotFound(f"There is no theme called {key!r}.")
    return theme


def seed_reference_data() -> None:
    """Themes from the strategy's six priorities, the city's areas (when the council has no
    list yet) and the shipped glossary; safe to run twice."""
    areas.seed_stoke_on_trent()
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


_OPEN_CONSULTATIONS = select(_CONSULTATION.c.id).where(
    _CONSULTATION.c.status == ConsultationStatus.OPEN
)
_OPEN_QUESTIONS = select(_QUESTION.c.id).where(_QUESTION.c.consultation_id.in_(_OPEN_CONSULTATIONS))
_CHOSEN_IN_OPEN = (
    select(_CHOICE.c.option_id)
    .join(_ANSWER, _ANSWER.c.id == _CHOICE.c.answer_id)
    .where(
        _ANSWER.c.participant_id == bindparam("participant_id"),
        _ANSWER.c.question_id.in_(_OPEN_QUESTIONS),
    )
)
_ANSWERED_IN_OPEN = select(_ANSWER.c.question_id).where(
    _ANSWER.c.participant_id == bindparam("participant_id"),
    _ANSWER.c.question_id.in_(_OPEN_QUESTIONS),
)
_TOOK_PART_IN_OPEN = select(Participation.__table__.c.consultation_id).where(
    Participation.__table__.c.participant_id == bindparam("participant_id"),
    Participation.__table__.c.consultation_id.in_(_OPEN_CONSULTATIONS),
)
_ERASE_PARTICIPANT = delete(_PARTICIPANT).where(_PARTICIPANT.c.id == bindparam("participant_id"))


def forget_participant(participant: Participant) -> None:
    """Erase a young person: answers, profile, opt-in and messages, everything under them.

    Counts of consultations still open are taken back so their results stay true; counts
    of closed consultations stay as they are, because those results were already published
    and hold nothing that points back to anyone.

    The participant's row is locked before anything is read, as a submission locks it, so
    a submission racing the erasure either finishes first (and its answers are taken back
    with the rest) or starts after it (and saves for a new participant): the counts taken
    back are always exactly the rows the delete removes.
    """
    participant_id = participant.id
    db.session.flush()
    conn = db.session.connection()
    if _lock_participant(conn, participant_id):
        keys = {"participant_id": participant_id}
        # Each option is chosen at most once per person, each question answered once.
        # Counters in the same order as a submission moves them: tallies, answer counts,
        # respondent counts.
        _bump(conn, _OPTION, "tally", list(conn.scalars(_CHOSEN_IN_OPEN, keys)), -1)
        _bump(conn, _QUESTION, "answer_count", list(conn.scalars(_ANSWERED_IN_OPEN, keys)), -1)
        took_part = list(conn.scalars(_TOOK_PART_IN_OPEN, keys))
        _bump(conn, _CONSULTATION, "respondent_count", took_part, -1)
        # The database cascades the delete to answers, participations, the subscription,
        # the outbox and anything else that hangs off the participant. A used access code
        # only loses who used it: it stays used (see ``access_codes.redeem``).
        conn.execute(_ERASE_PARTICIPANT, keys)
    if participant in db.session:
        db.session.expunge(participant)
