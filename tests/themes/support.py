"""Written answers to make themes of: the training part of the themes corpus, by subject."""

from __future__ import annotations

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.models import Answer, Consultation, QuestionKind
from tests.helpers import make_consultation, now
from tests.insight.support import corpus

KEY = b"test-pseudonym-key"
AREAS = ("ST1", "ST4", "ST6")
BANDS = ("14-15", "16-17", "18-21")


def training(theme: str, language: str = "en") -> list[str]:
    """Answers of the corpus's training part ("dev") about one subject, never the held-out."""
    return [r["text"] for r in corpus("dev") if r["theme"] == theme and r["language"] == language]


def free_text_consultation() -> Consultation:
    return make_consultation(
        questions=[
            services.QuestionSpec(QuestionKind.FREE_TEXT, "What would help?", max_length=2500)
        ]
    )


def answer(
    consultation: Consultation, uid: str, text: str, *, band: str = "16-17", area: str = "ST4"
) -> int:
    """One young person's written answer; returns the answer's id."""
    person = services.participant_for("telegram", uid, key=KEY)
    services.update_profile(person, age_band=band, area=area)
    question = consultation.questions[0]
    services.submit_answers(
        consultation,
        person,
        [services.AnswerInput(question.id, text=text)],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    return db.session.scalar(
        select(Answer.id).where(
            Answer.participant_id == person.id, Answer.question_id == question.id
        )
    )


def answer_many(consultation: Consultation, texts: list[str], prefix: str = "p") -> list[int]:
    return [
        answer(consultation, f"{prefix}{i}", text, band=BANDS[i % 3], area=AREAS[i % 3])
        for i, text in enumerate(texts)
    ]


def two_question_consultation() -> Consultation:
    return make_consultation(
        questions=[
            services.QuestionSpec(QuestionKind.FREE_TEXT, "What would help?", max_length=2500),
            services.QuestionSpec(QuestionKind.FREE_TEXT, "What worries you?", max_length=2500),
        ]
    )


def answer_both(
    consultation: Consultation, uid: str, first: str, second: str, *, band: str, area: str
) -> tuple[int, int]:
    """One young person's written answers to the first two questions; returns their ids."""
    person = services.participant_for("telegram", uid, key=KEY)
    services.update_profile(person, age_band=band, area=area)
    q1, q2 = consultation.questions[0], consultation.questions[1]
    services.submit_answers(
        consultation,
        person,
        [services.AnswerInput(q1.id, text=first), services.AnswerInput(q2.id, text=second)],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    ids = dict(
        db.session.execute(
            select(Answer.question_id, Answer.id).where(Answer.participant_id == person.id)
        ).all()
    )
    return ids[q1.id], ids[q2.id]


def both_subjects_in_both_questions() -> tuple[Consultation, list[tuple[int, int]]]:
    """Twenty people each write about one subject (transport or safety) in both questions;
    the consultation and each person's two answer ids."""
    c = two_question_consultation()
    transport, safety = training("transport"), training("safety")
    pairs = [(transport[i], transport[10 + i]) for i in range(10)]
    pairs += [(safety[i], safety[10 + i]) for i in range(10)]
    ids = [
        answer_both(c, f"p{i}", first, second, band=BANDS[i % 3], area=AREAS[i % 2])
        for i, (first, second) in enumerate(pairs)
    ]
    return c, ids
