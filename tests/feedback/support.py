"""Consultations that have closed, with people who opted in, stopped, or asked to be forgotten."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from consultations import services
from consultations.db import db
from consultations.models import Consultation, Participant
from feedback import subscriptions
from tests.helpers import make_consultation, now

KEY = b"test-pseudonym-key"


@dataclass
class Crowd:
    consultation: Consultation
    subscribed: list[Participant] = field(default_factory=list)
    stopped: list[Participant] = field(default_factory=list)
    silent: list[Participant] = field(default_factory=list)


def _answer(
    consultation: Consultation, who: str, n: int, *, at: datetime, **profile
) -> Participant:  # type: ignore[no-untyped-def]
    person = services.participant_for("telegram", f"{who}-{n}", key=KEY)
    if profile:
        services.update_profile(person, **profile)
    q = consultation.questions[0]
    services.submit_answers(
        consultation,
        person,
        [
            services.AnswerInput(q.id, option_ids=[q.options[n % len(q.options)].id]),
            services.AnswerInput(consultation.questions[-1].id, text=f"My view number {n}"),
        ],
        channel="telegram",
        now=at,
    )
    return person


def closed_consultation(
    *,
    subscribed: int = 3,
    stopped: int = 1,
    forgotten: int = 1,
    silent: int = 2,
    closed_at: datetime | None = None,
    slug: str | None = None,
    profile: dict | None = None,  # type: ignore[type-arg]
) -> Crowd:
    """A consultation that took answers and then closed (feedback due eight weeks later)."""
    closed_at = closed_at or now() - timedelta(days=1)
    consultation = make_consultation(slug=slug, open_it=False, closes_in=None)
    services.open_consultation(consultation, now=closed_at - timedelta(days=10))
    at = closed_at - timedelta(days=5)
    crowd = Crowd(consultation)
    for n in range(subscribed):
        person = _answer(consultation, "sub", n, at=at, **(profile or {}))
        subscriptions.subscribe(person, address=str(5000 + n), now=at)
        crowd.subscribed.append(person)
    for n in range(stopped):
        person = _answer(consultation, "stop", n, at=at)
        subscriptions.subscribe(person, address=str(6000 + n), now=at)
        subscriptions.unsubscribe(person, now=at)
        crowd.stopped.append(person)
    for n in range(forgotten):
        person = _answer(consultation, "gone", n, at=at)
        subscriptions.subscribe(person, address=str(7000 + n), now=at)
        services.forget_participant(person)
    for n in range(silent):
        crowd.silent.append(_answer(consultation, "quiet", n, at=at))
    services.close_consultation(consultation, now=closed_at)
    db.session.commit()
    return crowd
