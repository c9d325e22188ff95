"""A young person's rights over their data: a copy of it (subject access), and retention.

Erasure is ``services.forget_participant``: the database cascades it to every table that
hangs off the participant, whichever package owns it. Retention deletes what people wrote
once it has been kept long enough, and leaves every count, so published results stay true.

The copy is made of parts. This module makes the profile and the answers; a package built
on this one (``feedback``: the opt-in and the messages) adds its own part with
``register_export_part``, so nothing here needs to know the packages above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from consultations import areas
from consultations.db import db
from consultations.models import (
    AGE_BANDS,
    Answer,
    Consultation,
    ConsultationStatus,
    FollowedTopic,
    Option,
    Participant,
    Participation,
    Question,
    QuestionKind,
    Theme,
)
from consultations.moderation.models import AnswerModeration, SafeguardingConcern
from consultations.staff_models import AccessCode

EXPORT_FORMAT = "youthvoice-participant-export/1"


@dataclass(frozen=True)
class ExportPart:
    """One package's part of the copy: how it reads it, and what it is for nobody known."""

    read: Callable[[Participant], Any]
    empty: Any


_PARTS: dict[str, ExportPart] = {}


def register_export_part(key: str, read: Callable[[Participant], Any], *, empty: Any) -> None:
    """Add ``key`` to every participant's copy: ``read(participant)``, or ``empty`` for none.

    Registering a key again replaces it, so a package imported twice (a reload) adds it once.
    """
    if key in ("format", "known", "profile", "consultations"):
        raise ValueError(f"{key!r} is this module's own part of the export")
    _PARTS[key] = ExportPart(read, empty)


def export_parts() -> tuple[str, ...]:
    """The keys the other packages have added, in the order they were registered."""
    return tuple(_PARTS)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _answer_entry(answer: Answer, question: Question, labels: dict[int, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "question": question.prompt,
        "kind": question.kind.value,
        "answered_at": _iso(answer.created_at),
        "changed_at": _iso(answer.updated_at),
    }
    if question.kind is QuestionKind.SCALE:
        entry["value"] = answer.scale_value
    elif question.kind is QuestionKind.FREE_TEXT:
        # None once the retention period has removed it; the answer's date stays.
        entry["text"] = answer.text
    else:
        entry["choices"] = [labels.get(i, "") for i in answer.option_ids]
    return entry


def participant_export(participant: Participant | None) -> dict[str, Any]:
    """Everything held about one participant, in words they can read, as plain JSON data.

    No internal ids and no pseudonym: those mean nothing to the person and would only help
    someone match copies together. The delivery address is theirs, so it is included.
    """
    if participant is None:
        return {
            "format": EXPORT_FORMAT,
            "known": False,
            "profile": None,
            "consultations": [],
            **{key: part.empty for key, part in _PARTS.items()},
        }
    rows = db.session.execute(
        select(Answer, Question, Consultation)
        .join(Question, Answer.question_id == Question.id)
        .join(Consultation, Question.consultation_id == Consultation.id)
        .where(Answer.participant_id == participant.id)
        .order_by(Consultation.id, Question.position)
    ).all()
    option_ids = {i for answer, _q, _c in rows for i in answer.option_ids}
    labels = dict(
        db.session.execute(select(Option.id, Option.label).where(Option.id.in_(option_ids))).all()
    )
    took_part = db.session.execute(
        select(Consultation, Participation)
        .join(Participation, Participation.consultation_id == Consultation.id)
        .where(Participation.participant_id == participant.id)
        .order_by(Consultation.id)
    ).all()
    codes = dict(
        db.session.execute(
            select(AccessCode.consultation_id, AccessCode.used_at).where(
                AccessCode.participant_id == participant.id
            )
        ).all()
    )
    by_consultation: dict[int, dict[str, Any]] = {}
    for consultation, participation in took_part:
        by_consultation[consultation.id] = {
            "title": consultation.youth_title,
            "link": f"/c/{consultation.slug}",
            "took_part_at": _iso(participation.created_at),
            "channel": participation.channel,
            "used_access_code_at": _iso(codes.get(consultation.id)),
            "answers": [],
        }
    for answer, question, consultation in rows:
        entry = by_consultation.setdefault(
            consultation.id,
            {
                "title": consultation.youth_title,
                "link": f"/c/{consultation.slug}",
                "took_part_at": None,
                "channel": answer.channel,
                "used_access_code_at": _iso(codes.get(consultation.id)),
                "answers": [],
            },
        )
        entry["answers"].append(_answer_entry(answer, question, labels))
    return {
        "format": EXPORT_FORMAT,
        "known": True,
        "profile": {
            "channel": participant.channel,
            "first_seen_at": _iso(participant.created_at),
            "age_band": AGE_BANDS.get(participant.age_band or "", None),
            "area": areas.names().get(participant.area) if participant.area else None,
            "topics": [theme.name for theme in followed_themes(participant)],
        },
        "consultations": list(by_consultation.values()),
        **{key: part.read(participant) for key, part in _PARTS.items()},
    }


def followed_themes(participant: Participant) -> list[Theme]:
    """The themes they asked to hear about, in the strategy's order (none: every topic).

    The one query for it: their data copy names them, the channel API gives their keys.
    """
    return list(
        db.session.scalars(
            select(Theme)
            .join(FollowedTopic, FollowedTopic.theme_id == Theme.id)
            .where(FollowedTopic.participant_id == participant.id)
            .order_by(Theme.position, Theme.id)
        )
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the 30th…)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


@dataclass(frozen=True)
class RetentionResult:
    """What one retention run did."""

    closed_before: datetime
    consultations: int
    answers: int


RETAINED_NO_LONGER = "(deleted after the retention period)"


def delete_old_free_text(*, now: datetime, months: int) -> RetentionResult:
    """Delete written answers of consultations closed more than ``months`` ago.

    Only the text goes: the answer rows (so question counts, respondent counts and tags)
    stay, so results already published still add up. Choices and scales are counts, not
    words, and are kept.
    """
    cutoff = months_before(now, months)
    old = select(Consultation.id).where(
        Consultation.status == ConsultationStatus.CLOSED,
        Consultation.closes_at.is_not(None),
        Consultation.closes_at <= cutoff,
    )
    questions = select(Question.id).where(
        Question.consultation_id.in_(old), Question.kind == QuestionKind.FREE_TEXT
    )
    touched = (
        db.session.scalar(
            select(func.count(func.distinct(Question.consultation_id)))
            .join(Answer, Answer.question_id == Question.id)
            .where(Question.id.in_(questions), Answer.text.is_not(None))
        )
        or 0
    )
    old_answers = select(Answer.id).where(Answer.question_id.in_(questions))
    # The moderated copy staff read goes with the words it was made from.
    db.session.execute(
        update(AnswerModeration)
        .where(AnswerModeration.answer_id.in_(old_answers), AnswerModeration.redacted_text != "")
        .values(redacted_text=""),
        execution_options={"synchronize_session": False},
    )
    # A safeguarding concern keeps its words until someone has dealt with it: a disclosure
    # is never deleted unread. Once handled, it follows the same retention as the answer.
    db.session.execute(
        update(SafeguardingConcern)
        .where(
            SafeguardingConcern.consultation_id.in_(old),
            SafeguardingConcern.handled_at.is_not(None),
            SafeguardingConcern.original_text != RETAINED_NO_LONGER,
        )
        .values(original_text=RETAINED_NO_LONGER),
        execution_options={"synchronize_session": False},
    )
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Answer)
            .where(Answer.question_id.in_(questions), Answer.text.is_not(None))
            .values(text=None),
            execution_options={"synchronize_session": False},
        ),
    )
    db.session.flush()
    return RetentionResult(closed_before=cutoff, consultations=touched, answers=result.rowcount)
