"""Results for staff: counts, breakdowns that pick nobody out, free text, trend, exports.

Public and API results stay on tallies (``queries.results``); these staff pages may scan
the answers themselves.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from consultations import areas, audit
from consultations.csv_export import csv_text
from consultations.db import db
from consultations.errors import InvalidEdit, InvalidRequest, NotFound
from consultations.models import (
    Answer,
    AnswerChoice,
    Consultation,
    Participant,
    Participation,
    Question,
    QuestionKind,
)
from consultations.moderation import review
from consultations.moderation.models import ModerationStatus
from consultations.moderation.rules import Rules
from consultations.respondent_groups import (
    NOT_GIVEN,
    UNKNOWN_WRITER,
    AboutWriter,
    group_name,
    shown_groups,
)
from consultations.staff_models import AnswerTag, Tag, User
from consultations.suppression import hidden_note, suppress

SMALL_GROUP_THRESHOLD = 5
DIMENSIONS = {"age_band": "Age band", "area": "Area", "channel": "Channel"}


@dataclass
class GroupRow:
    name: str
    people: int
    counts: list[tuple[int, float]]


@dataclass
class Breakdown:
    """One question split by a dimension, without the groups that could pick someone out.

    ``hidden_groups`` and ``hidden_people`` are None when no group is shown at all.
    """

    dimension: str
    options: list[str]
    groups: list[GroupRow]
    hidden_groups: int | None
    hidden_people: int | None
    nothing_shown: bool
    note: str
    threshold: int


def breakdown(
    question: Question, dimension: str, *, threshold: int = SMALL_GROUP_THRESHOLD
) -> Breakdown:
    """Per-group counts for a choice or scale question, hiding what could pick someone out.

    Groups under the threshold are hidden, and more if the hidden ones could otherwise be
    worked out from the question's totals (``suppression.suppress``).
    """
    if dimension not in DIMENSIONS:
        raise InvalidRequest("Break results down by age band, area or channel.")
    column = {
        "age_band": Participant.age_band,
        "area": areas.name_column(),
        "channel": Answer.channel,
    }[dimension]
    rows = db.session.execute(
        select(column, Answer.participant_id, AnswerChoice.option_id)
        .join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .join(Participant, Participant.id == Answer.participant_id)
        .where(Answer.question_id == question.id)
    )
    people: dict[str, set[int]] = defaultdict(set)
    picks: dict[str, Counter[int]] = defaultdict(Counter)
    for value, participant_id, option_id in rows:
        name = group_name(dimension, value)
        people[name].add(participant_id)
        picks[name][option_id] += 1
    sizes = {name: len(people[name]) for name in sorted(people, key=lambda n: (n == NOT_GIVEN, n))}
    hiding = suppress(sizes, threshold)
    groups = [
        GroupRow(
            name,
            sizes[name],
            [
                (picks[name][o.id], round(100 * picks[name][o.id] / sizes[name], 1))
                for o in question.options
            ],
        )
        for name in hiding.shown
    ]
    hidden_groups, hidden_people = hiding.said
    return Breakdown(
        dimension=dimension,
        options=[o.label for o in question.options],
        groups=groups,
        hidden_groups=hidden_groups,
        hidden_people=hidden_people,
        nothing_shown=hiding.nothing_shown,
        note=hidden_note(hiding),
        threshold=threshold,
    )


def free_text_question(question_id: int) -> Question:
    """A free-text question, for the staff-only answers page."""
    question = db.session.get(Question, question_id)
    if question is None or question.kind is not QuestionKind.FREE_TEXT:
        raise NotFound("There is no such free-text question.")
    return question


@dataclass
class TextAnswer:
    id: int
    text: str
    answered_at: datetime
    tags: list[Tag] = field(default_factory=list)
    status: ModerationStatus = ModerationStatus.PENDING
    about: AboutWriter = UNKNOWN_WRITER
    participant_id: int | None = None


def readable_answers(
    question: Question, *, search: str = "", rules: Rules | None = None
) -> list[TextAnswer]:
    """The written answers staff may read (redacted), newest first, without tags or writers.

    What the themes and the page's counts need: plain rows, not ORM objects, so a question
    with hundreds of answers is read in one cheap query. ``with_details`` adds the tags and
    writers of the few answers a page shows.
    """
    rows = db.session.execute(
        select(Answer.id, Answer.text, Answer.updated_at, Answer.participant_id)
        .where(Answer.question_id == question.id, Answer.text.is_not(None))
        .order_by(Answer.updated_at.desc(), Answer.id.desc())
    ).all()
    shown = review.staff_texts_by_id({r.id: r.text for r in rows}, rules)
    words = " ".join(search.split()).casefold()
    return [
        TextAnswer(
            r.id,
            shown[r.id].text,
            r.updated_at,
            status=shown[r.id].status,
            participant_id=r.participant_id,
        )
        for r in rows
        if not shown[r.id].held and (not words or words in shown[r.id].text.casefold())
    ]


def tagged_ids(question: Question, tag_id: int | None = None) -> set[int]:
    """The ids of the question's answers carrying ``tag_id`` (any tag when None)."""
    query = (
        select(AnswerTag.answer_id)
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .where(Answer.question_id == question.id)
    )
    if tag_id is not None:
        query = query.where(AnswerTag.tag_id == tag_id)
    return set(db.session.scalars(query))


def with_details(
    question: Question, answers: list[TextAnswer], *, threshold: int = SMALL_GROUP_THRESHOLD
) -> list[TextAnswer]:
    """``answers`` with their tags and their writers' groups (where big enough to name)."""
    if not answers:
        return []
    ids = [a.id for a in answers]
    tags_by_answer: dict[int, list[Tag]] = defaultdict(list)
    for answer_id, tag in db.session.execute(
        select(AnswerTag.answer_id, Tag)
        .join(Tag, Tag.id == AnswerTag.tag_id)
        .where(AnswerTag.answer_id.in_(ids))
        .order_by(Tag.name)
    ):
        tags_by_answer[answer_id].append(tag)
    writers = {
        pid: (band, area)
        for pid, band, area in db.session.execute(
            select(Participant.id, Participant.age_band, Participant.area).where(
                Participant.id.in_({a.participant_id for a in answers})
            )
        )
    }
    groups = shown_groups([question.consultation_id], threshold)

    def about(answer: TextAnswer) -> AboutWriter:
        writer = writers.get(answer.participant_id or 0)
        if writer is None:
            return UNKNOWN_WRITER
        return groups.about(question.consultation_id, writer[0], writer[1])

    return [
        TextAnswer(
            a.id,
            a.text,
            a.answered_at,
            tags_by_answer[a.id],
            a.status,
            about(a),
            a.participant_id,
        )
        for a in answers
    ]


def free_text_answers(
    question: Question,
    *,
    search: str = "",
    tag_id: int | None = None,
    untagged: bool = False,
    threshold: int = SMALL_GROUP_THRESHOLD,
    rules: Rules | None = None,
) -> list[TextAnswer]:
    """The written answers as staff may read them (redacted), newest first.

    Answers held for moderation (abusive, possible disclosures, hidden, escalated) are left
    out; see ``review.held_count``. Search looks only at the redacted words, so it cannot
    find an answer by a name or number that was taken out. Each carries its writer's age
    band and area only where that group is big enough to name (``respondent_groups``).
    """
    answers = filtered_answers(
        question, search=search, tag_id=tag_id, untagged=untagged, rules=rules
    )
    return with_details(question, answers, threshold=threshold)


def filtered_answers(
    question: Question,
    *,
    search: str = "",
    tag_id: int | None = None,
    untagged: bool = False,
    rules: Rules | None = None,
) -> list[TextAnswer]:
    """``readable_answers`` narrowed to a tag, or to the answers with no tag yet."""
    answers = readable_answers(question, search=search, rules=rules)
    if tag_id is not None:
        carrying = tagged_ids(question, tag_id)
        answers = [a for a in answers if a.id in carrying]
    if untagged:
        tagged = tagged_ids(question)
        answers = [a for a in answers if a.id not in tagged]
    return answers


def tag_counts(question: Question) -> list[tuple[Tag, int]]:
    """Every tag of the consultation with how many of this question's answers carry it."""
    tags = list(
        db.session.scalars(
            select(Tag).where(Tag.consultation_id == question.consultation_id).order_by(Tag.name)
        )
    )
    counted = Counter(
        db.session.scalars(
            select(AnswerTag.tag_id)
            .join(Answer, Answer.id == AnswerTag.answer_id)
            .where(Answer.question_id == question.id)
        )
    )
    return sorted(((t, counted[t.id]) for t in tags), key=lambda pair: (-pair[1], pair[0].name))


@dataclass(frozen=True)
class ThemeCount:
    """An accepted theme (a tag) and how many people's written answers carry it."""

    tag_id: int
    name: str
    people: int


@dataclass(frozen=True)
class ThemeCounts:
    """A consultation's themes that may be named, biggest first, and how many may not."""

    shown: list[ThemeCount]
    hidden: int


def theme_counts(consultation: Consultation, *, threshold: int) -> ThemeCounts:
    """The accepted themes with how many people wrote each, small ones hidden.

    A theme is a group like any other, so the same rule hides a small one (and another
    with it where one alone would stand out). Themes overlap (one answer can carry two),
    so their people are never added up.
    """
    rows = db.session.execute(
        select(Tag.id, Tag.name, Answer.participant_id)
        .join(AnswerTag, AnswerTag.tag_id == Tag.id)
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .where(Tag.consultation_id == consultation.id)
    )
    people: dict[tuple[int, str], set[int]] = defaultdict(set)
    for tag_id, name, participant_id in rows:
        people[(tag_id, name)].add(participant_id)
    sizes = dict(
        sorted(((key, len(p)) for key, p in people.items()), key=lambda kv: (-kv[1], kv[0][1]))
    )
    hiding = suppress(sizes, threshold)
    return ThemeCounts(
        shown=[ThemeCount(tag_id, name, sizes[(tag_id, name)]) for tag_id, name in hiding.shown],
        hidden=len(hiding.hidden),
    )


def tag_answer(actor: User, answer_id: int, name: str, *, now: datetime) -> Tag:
    """Put a written answer under a theme, creating the tag the first time it is used."""
    name = " ".join(name.split())
    if not name or len(name) > 60:
        raise InvalidEdit("Give the tag a short name (up to 60 characters).")
    answer = db.session.scalar(
        select(Answer).where(Answer.id == answer_id).options(selectinload(Answer.question))
    )
    if answer is None or answer.text is None:
        raise NotFound("There is no such written answer.")
    consultation_id = answer.question.consultation_id
    tag = db.session.scalar(
        select(Tag).where(Tag.consultation_id == consultation_id, Tag.name.ilike(name))
    )
    if tag is None:
        tag = Tag(consultation_id=consultation_id, name=name)
        db.session.add(tag)
        db.session.flush()
    linked = db.session.get(AnswerTag, (answer.id, tag.id))
    if linked is None:
        db.session.add(AnswerTag(answer_id=answer.id, tag_id=tag.id))
        db.session.flush()
        audit.record(actor, "tagged", "answer", answer.id, now=now, detail=tag.name)
    return tag


def answers_by_id(
    question: Question, answer_ids: list[int], rules: Rules | None = None
) -> list[TextAnswer]:
    """The ticked answers of one question as staff read them (held ones left out)."""
    wanted = set(answer_ids)
    return [a for a in free_text_answers(question, rules=rules) if a.id in wanted]


def tag_answers(actor: User, answer_ids: list[int], name: str, *, now: datetime) -> int:
    """Put several written answers under one theme at once; returns how many."""
    if not answer_ids:
        raise InvalidEdit("Tick the answers to tag first.")
    for answer_id in sorted(set(answer_ids)):
        tag_answer(actor, answer_id, name, now=now)
    return len(set(answer_ids))


def untag_answer(actor: User, answer_id: int, tag_id: int, *, now: datetime) -> None:
    """Take a tag off a written answer."""
    db.session.execute(
        delete(AnswerTag).where(AnswerTag.answer_id == answer_id, AnswerTag.tag_id == tag_id)
    )
    audit.record(actor, "untagged", "answer", answer_id, now=now, detail=str(tag_id))


def _per_day(stamps: list[datetime]) -> list[tuple[date, int]]:
    per_day = Counter(stamp.date() for stamp in stamps)
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    days = (last - first).days
    return [(first + timedelta(d), per_day[first + timedelta(d)]) for d in range(days + 1)]


def trend(consultation: Consultation) -> list[tuple[date, int]]:
    """Answers first given per day, from the first day to the last, gaps as zero."""
    question_ids = [q.id for q in consultation.questions]
    if not question_ids:
        return []
    return _per_day(
        list(
            db.session.scalars(
                select(Answer.created_at).where(Answer.question_id.in_(question_ids))
            )
        )
    )


def people_trend(consultation: Consultation) -> list[tuple[date, int]]:
    """People taking part per day (the day each first answered), gaps as zero.

    In people, as the staff page's other figures are: the days add up to who took part.
    """
    return _per_day(
        list(
            db.session.scalars(
                select(Participation.created_at).where(
                    Participation.consultation_id == consultation.id
                )
            )
        )
    )


EXPORT_FIELDS = [
    "respondent",
    "question_number",
    "question",
    "kind",
    "answer",
    "channel",
    "age_band",
    "area",
    "answered_at",
    "moderation",
]


def export_rows(
    consultation: Consultation, rules: Rules | None = None
) -> list[dict[str, str | int]]:
    """One row per stored answer, people numbered for this export only (no pseudonyms)."""
    questions = {q.id: q for q in consultation.questions}
    if not questions:
        return []
    answers = list(
        db.session.scalars(
            select(Answer)
            .where(Answer.question_id.in_(questions))
            .options(selectinload(Answer.choices))
            .order_by(Answer.participant_id, Answer.question_id)
        )
    )
    people = db.session.execute(
        select(Participant.id, Participant.age_band, areas.name_column()).where(
            Participant.id.in_({a.participant_id for a in answers})
        )
    )
    about = {pid: (band or "", area or "") for pid, band, area in people}
    numbers: dict[int, int] = {}
    rows: list[dict[str, str | int]] = []
    labels = {o.id: o.label for q in questions.values() for o in q.options}
    # Written answers leave as staff see them: redacted, and held ones not at all.
    shown = review.staff_texts(answers, rules)
    for answer in sorted(
        answers, key=lambda a: (a.participant_id, questions[a.question_id].position)
    ):
        question = questions[answer.question_id]
        number = numbers.setdefault(answer.participant_id, len(numbers) + 1)
        if question.kind is QuestionKind.SCALE:
            given = str(answer.scale_value)
        elif question.kind is QuestionKind.FREE_TEXT:
            given = "" if shown[answer.id].held else shown[answer.id].text
        else:
            given = "; ".join(labels[o] for o in answer.option_ids)
        band, area = about.get(answer.participant_id, ("", ""))
        rows.append(
            {
                "respondent": f"R{number:04d}",
                "question_number": question.position + 1,
                "question": question.prompt,
                "kind": question.kind.value,
                "answer": given,
                "channel": answer.channel,
                "age_band": band,
                "area": area,
                "answered_at": answer.updated_at.isoformat(),
                "moderation": shown[answer.id].status.value if answer.id in shown else "",
            }
        )
    return rows


def export(
    actor: User,
    consultation: Consultation,
    fmt: str,
    *,
    now: datetime,
    rules: Rules | None = None,
) -> str:
    """The answers as CSV or JSON text; the export itself is written to the audit log."""
    if fmt not in ("csv", "json"):
        raise NotFound("Export as csv or json.")
    rows = export_rows(consultation, rules)
    audit.record(actor, "exported", "consultation", consultation.id, now=now, detail=fmt)
    if fmt == "json":
        return json.dumps(
            {"consultation": consultation.slug, "exported_at": now.isoformat(), "answers": rows},
            ensure_ascii=False,
            indent=1,
        )
    return csv_text(EXPORT_FIELDS, ([row[k] for k in EXPORT_FIELDS] for row in rows))
