"""Live polls: one question run in a room, joined with a short code, results on a big screen."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consultations import audit, services
from consultations.db import db
from consultations.errors import InvalidEdit, NotFound
from consultations.models import Consultation, ConsultationStatus, Question, QuestionKind
from consultations.staff_models import User

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
JOIN_CODE_LENGTH = 6
MIN_OPTIONS, MAX_OPTIONS = 2, 6


def new_join_code() -> str:
    """A short random code that no other poll uses."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken = db.session.scalar(select(Consultation.id).where(Consultation.join_code == code))
        if taken is None:
            return code


def normalise_code(code: str) -> str:
    """What people type, as stored: no spaces or dashes, capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_poll(
    actor: User,
    question: str,
    options: list[str],
    *,
    now: datetime,
    multiple: bool = False,
    override_reason: str | None = None,
) -> Consultation:
    """Create and open a one-question poll with 2–6 options."""
    question = " ".join(question.split())
    labels = [" ".join(o.split()) for o in options if o.strip()]
    if not question:
        raise InvalidEdit("Write the question.")
    if len(question) > 120:
        raise InvalidEdit("Keep the question under 120 characters so it fits the screen.")
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise InvalidEdit(f"Give between {MIN_OPTIONS} and {MAX_OPTIONS} options.")
    if len({label.lower() for label in labels}) != len(labels):
        raise InvalidEdit("Each option must be different.")
    code = new_join_code()
    poll = Consultation(
        slug=f"poll-{code.lower()}",
        title=f"Live poll: {question}",
        youth_title=question,
        youth_summary="",
        is_live_poll=True,
        join_code=code,
        created_at=now,
    )
    db.session.add(poll)
    kind = QuestionKind.MULTIPLE_CHOICE if multiple else QuestionKind.SINGLE_CHOICE
    services.add_question(
        poll, services.QuestionSpec(kind, question, required=True, options=labels)
    )
    audit.record(actor, "poll_created", "consultation", poll.id, now=now, detail=question)
    passes = poll.readability().passes
    services.open_consultation(poll, now=now, override_reason=override_reason)
    if not passes:
        audit.record(
            actor, "override", "consultation", poll.id, now=now, detail=override_reason or ""
        )
    return poll


def _loaded(query):  # type: ignore[no-untyped-def]
    return query.options(selectinload(Consultation.questions).selectinload(Question.options))


def poll_by_code(code: str) -> Consultation:
    """The poll young people join with this code."""
    found = db.session.scalar(
        _loaded(select(Consultation)).where(
            Consultation.join_code == normalise_code(code),
            Consultation.is_live_poll.is_(True),
            Consultation.status != ConsultationStatus.DRAFT,
        )
    )
    if found is None:
        raise NotFound("There is no poll with that code. Check the code on the screen.")
    return found


def poll_for_staff(poll_id: int) -> Consultation:
    """A live poll by id, for the staff pages that run it."""
    found = db.session.scalar(
        _loaded(select(Consultation)).where(
            Consultation.id == poll_id, Consultation.is_live_poll.is_(True)
        )
    )
    if found is None:
        raise NotFound("There is no such live poll.")
    return found


def polls() -> list[Consultation]:
    """Every live poll, newest first."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.is_live_poll.is_(True))
            .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        )
    )


def close_poll(actor: User, poll: Consultation, *, now: datetime) -> None:
    """Stop votes, for example to talk the results through."""
    services.close_consultation(poll, now=now)
    audit.record(actor, "poll_closed", "consultation", poll.id, now=now)


def reopen_poll(actor: User, poll: Consultation, *, now: datetime) -> None:
    """Take votes again, with no closing time."""
    poll.reopen(now)
    db.session.flush()
    audit.record(actor, "poll_reopened", "consultation", poll.id, now=now)


@dataclass
class LiveOption:
    id: int
    label: str
    count: int
    percent: float


@dataclass
class LiveResults:
    """What the big screen shows, from the tallies kept as votes arrive."""

    question: str
    status: str
    voters: int
    options: list[LiveOption]

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "status": self.status,
            "voters": self.voters,
            "options": [o.__dict__ for o in self.options],
        }


def live_results(poll: Consultation) -> LiveResults:
    """Counts and percentages of voters per option, read fresh from the database."""
    db.session.refresh(poll)
    question = poll.questions[0]
    for option in question.options:
        db.session.refresh(option)
    voters = poll.respondent_count
    return LiveResults(
        question=question.prompt,
        status=poll.status.value,
        voters=voters,
        options=[
            LiveOption(o.id, o.label, o.tally, round(100 * o.tally / voters, 1) if voters else 0.0)
            for o in question.options
        ],
    )
