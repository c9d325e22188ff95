"""Consultations that have closed, with people who opted in, stopped, or asked to be forgotten."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.models import Answer, Consultation, Participant
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


@dataclass
class Spoken:
    """A closed consultation with known figures, themes and quotes, for "You said" drafts."""

    consultation: Consultation
    answers: dict[int, int] = field(default_factory=dict)  # person number -> written answer id
    tags: dict[str, int] = field(default_factory=dict)
    quote_ids: list[int] = field(default_factory=list)


# Person numbers per theme: two themes big enough to name, two that are not (the smallest is
# under the threshold; the next smallest is hidden with it so it cannot be worked out).
THEME_PEOPLE = {
    "Cheaper buses": range(0, 12),
    "Safe lighting": range(12, 19),
    "Later opening": range(19, 25),
    "Skate park": range(25, 28),
}
NOT_APPROVED_WORD = "zanzibarwombat"
APPROVED_UNQUOTED_WORD = "quokkaflavour"
QUOTED = "Buses cost too much for me"


def spoken_consultation(*, people: int = 30, themes: bool = True, quote: bool = True) -> Spoken:
    """30 young people answered a club consultation: figures chosen to test every rule.

    Which day (single choice): Saturday 20, Friday 6, Monday 4. Monday is under the
    threshold, and Friday is hidden with it, since 30 - 20 would give Monday away.
    What to do (multiple choice): Sport 15, Music 12, Cooking 9, Gaming 2.
    How much (1 to 5): 15 gave 5, 10 gave 4, 5 gave 2.
    """
    from consultations.moderation import review
    from consultations.results import tag_answer
    from consultations.staff_models import Role
    from feedback import outcomes
    from tests.staff.support import make_user

    closed_at = now() - timedelta(days=1)
    consultation = make_consultation(open_it=False, closes_in=None)
    services.open_consultation(consultation, now=closed_at - timedelta(days=10))
    day, todo, scale, written = consultation.questions
    monday, friday, saturday = day.options
    sport, music, gaming, cooking = todo.options
    steps = {o.value: o for o in scale.options}
    spoken = Spoken(consultation)
    for n in range(people):
        person = services.participant_for("web", f"spoken-{n}", key=KEY)
        chosen_day = saturday if n < 20 else friday if n < 26 else monday
        chosen = (
            (sport, n < 15),
            (music, 10 <= n < 22),
            (cooking, 20 <= n < 29),
            (gaming, n in (0, 29)),
        )
        picks = [option for option, picked in chosen if picked]
        value = 5 if n < 15 else 4 if n < 25 else 2
        text = f"Answer {n}: the bus home costs a lot"
        if n == 5:
            text = f"I think {NOT_APPROVED_WORD} would help"
        if n == 6:
            text = f"Make it {APPROVED_UNQUOTED_WORD} please"
        if n == 7:
            text = QUOTED
        services.submit_answers(
            consultation,
            person,
            [
                services.AnswerInput(day.id, option_ids=[chosen_day.id]),
                services.AnswerInput(todo.id, option_ids=[o.id for o in picks]),
                services.AnswerInput(scale.id, value=steps[value].value),
                services.AnswerInput(written.id, text=text),
            ],
            channel="web",
            now=closed_at - timedelta(days=5),
        )
        spoken.answers[n] = db.session.scalar(
            select(Answer.id).where(
                Answer.question_id == written.id, Answer.participant_id == person.id
            )
        )
    officer = make_user(Role.OFFICER)
    if themes:
        for name, who in THEME_PEOPLE.items():
            for n in who:
                if n < people:
                    spoken.tags[name] = tag_answer(officer, spoken.answers[n], name, now=now()).id
    admin = make_user(Role.ADMIN)
    if people > 6:
        review.decide(admin, spoken.answers[6], "approve", now=now())
    if quote and people > 7:
        review.decide(admin, spoken.answers[7], "approve", now=now())
    services.close_consultation(consultation, now=closed_at)
    if quote and people > 7:
        spoken.quote_ids.append(outcomes.mark_quote(officer, spoken.answers[7], now=now()).id)
    db.session.commit()
    return spoken
