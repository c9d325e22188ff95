"""Demo data: six consultations from “Sticking Together” with synthetic answers marked as demo.

It sits in feedback, the top of the domain, because a demo has the whole loop: answers
(consultations) and the “you said, we did” that followed (feedback).
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from consultations import accounts, areas, services, translations
from consultations.db import db
from consultations.demo_content import DEMO_CONSULTATIONS
from consultations.models import AGE_BANDS, Consultation, Participant, QuestionKind
from consultations.staff_models import Role, User
from feedback import outcomes

# Wards and postcode districts from the city's list (``consultations.stoke_areas``), as
# people type them, so area breakdowns look real: "Hanley" and "ST1" count as one place.
DEMO_AREAS = [
    "Hanley Park and Shelton",
    "Burslem Central",
    "Fenton West and Mount Pleasant",
    "Meir North",
    "Tunstall",
    "Longton",
    "Hanley",
    "ST1",
    "ST3",
    "ST4",
    "ST6",
    "prefer_not_to_say",
]
DEMO_VIEWS = [
    "More things to do in the evenings that don't cost money.",
    "Listen to us before you decide, not after.",
    "The buses stop too early so we can't get anywhere.",
    "I'd like to meet people from other schools and backgrounds.",
    "Make it easier to find out what's going on, like on social media.",
    "Some places feel unsafe at night because of the lighting.",
    "Ask young people in every area, not just the centre.",
    "Youth clubs closing has made a big difference to us.",
]


def demo_loaded() -> bool:
    return (
        db.session.scalar(select(Consultation.id).where(Consultation.is_demo).limit(1)) is not None
    )


def load_demo(*, now: datetime, key: bytes, participants: int = 80, seed: int = 2026) -> int:
    """Create the demo consultations and answers; returns how many answers were saved.

    Besides the open ones, two have closed: one with its "you said, we did" published, one
    whose feedback is late, so the public board and the tracker have something to show.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic demo answers, not secrets
    areas.seed_stoke_on_trent()
    consultations = [_create(spec, now=now) for spec in DEMO_CONSULTATIONS]
    closed = [(_create_closed(spec, now=now), spec) for spec in CLOSED_DEMOS]
    saved = 0
    for n in range(participants):
        person = services.participant_for("demo", f"demo-{n}", key=key, is_demo=True)
        services.update_profile(
            person, age_band=rng.choice(list(AGE_BANDS)), area=rng.choice(DEMO_AREAS)
        )
        for consultation in consultations:
            if rng.random() < 0.7:
                saved += _answer_randomly(consultation, person, rng, now=now)
        for consultation, spec in closed:
            if rng.random() < 0.6:
                answered = now - timedelta(weeks=spec["closed_weeks_ago"] + 2)
                saved += _answer_randomly(consultation, person, rng, now=answered)
    saved += _written_answers(_create(WRITTEN_DEMO, now=now), rng, key=key, now=now)
    for consultation, spec in closed:
        services.close_consultation(
            consultation, now=now - timedelta(weeks=spec["closed_weeks_ago"])
        )
        if spec.get("feedback"):
            _publish_demo_feedback(consultation, spec["feedback"], now=now)
    return saved


# Written answers to try themes on: the training part of the themes corpus (the held-out
# part is never used outside its test), in English, Polish and Urdu as young people type.
WRITTEN_ANSWERS = Path(__file__).with_name("demo_written_answers.json")

WRITTEN_DEMO: dict[str, Any] = {
    "slug": "one-thing-that-would-make-life-better",
    "theme": "young_people",
    "title": "What young people want changed where they live",
    "original_text": (
        "The partnership will gather young people's priorities for their neighbourhoods "
        "to inform the next strategy."
    ),
    "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
    "source_organisation": "Stoke-on-Trent City Council",
    "youth_title": "One thing that would make life better",
    "youth_summary": (
        "Tell us one thing that would make life better for young people where you live. "
        "It can be big or small. We read every answer."
    ),
    "audience_min_age": 11,
    "audience_max_age": 25,
    "questions": [
        {
            "kind": "free_text",
            "prompt": "What is one thing that would make life better for you here?",
            "max_length": 500,
        },
        {
            "kind": "scale",
            "prompt": "How good is it to be young here?",
            "scale_min_label": "Not good at all",
            "scale_max_label": "Very good",
        },
    ],
    "translations": {
        "pl": {
            "youth_title": "Jedna rzecz, która poprawiłaby życie",
            "youth_summary": (
                "Napisz jedną rzecz, która poprawiłaby życie młodych ludzi tam, gdzie "
                "mieszkasz. Może być duża albo mała. Czytamy każdą odpowiedź."
            ),
            "questions": [
                {"prompt": "Co jedno poprawiłoby tu twoje życie?"},
                {
                    "prompt": "Jak dobrze jest być tu młodym?",
                    "scale_min_label": "Wcale nie dobrze",
                    "scale_max_label": "Bardzo dobrze",
                },
            ],
        },
        "ur": {
            "youth_title": "ایک چیز جو زندگی بہتر بنا دے",
            "youth_summary": (
                "ہمیں ایک چیز بتائیں جو آپ کے علاقے میں نوجوانوں کی زندگی بہتر بنا دے۔ "
                "یہ بڑی ہو یا چھوٹی۔ ہم ہر جواب پڑھتے ہیں۔"
            ),
            "questions": [
                {"prompt": "کون سی ایک چیز یہاں آپ کی زندگی بہتر بنا دے گی؟"},
                {
                    "prompt": "یہاں نوجوان ہونا کتنا اچھا ہے؟",
                    "scale_min_label": "بالکل اچھا نہیں",
                    "scale_max_label": "بہت اچھا",
                },
            ],
        },
    },
}


def _written_answers(
    consultation: Consultation, rng: random.Random, *, key: bytes, now: datetime
) -> int:
    """A few hundred written answers, one per demo young person, for officers to theme."""
    question, scale = consultation.questions
    saved = 0
    rows = json.loads(WRITTEN_ANSWERS.read_text("utf-8"))
    for n, row in enumerate(rows):
        person = services.participant_for("demo", f"demo-written-{n}", key=key, is_demo=True)
        services.update_profile(
            person, age_band=rng.choice(list(AGE_BANDS)), area=rng.choice(DEMO_AREAS)
        )
        saved += services.submit_answers(
            consultation,
            person,
            [
                services.AnswerInput(question.id, text=row["text"][: question.max_length or 500]),
                services.AnswerInput(scale.id, value=rng.choice([1, 2, 2, 3, 3, 4, 5])),
            ],
            channel="demo",
            now=now - timedelta(hours=rng.randrange(1, 70)),
        )
    return saved


def _create_closed(spec: dict[str, Any], *, now: datetime) -> Consultation:
    weeks = spec["closed_weeks_ago"]
    consultation = Consultation(
        slug=spec["slug"],
        title=spec["title"],
        original_text=spec["original_text"],
        source_document="Sticking Together",
        source_organisation="Stoke-on-Trent City Council",
        youth_title=spec["youth_title"],
        youth_summary=spec["youth_summary"],
        theme=services.theme_by_key(spec["theme"]),
        closes_at=now - timedelta(weeks=weeks),
        is_demo=True,
    )
    db.session.add(consultation)
    for q in spec["questions"]:
        services.add_question(
            consultation,
            services.QuestionSpec(
                kind=QuestionKind(q["kind"]),
                prompt=q["prompt"],
                options=q.get("options", []),
                scale_min_label=q.get("scale_min_label", ""),
                scale_max_label=q.get("scale_max_label", ""),
            ),
        )
    services.open_consultation(consultation, now=now - timedelta(weeks=weeks + 4))
    return consultation


def _publish_demo_feedback(
    consultation: Consultation, feedback: dict[str, Any], *, now: datetime
) -> None:
    published = now - timedelta(weeks=1)
    outcomes.save_you_said(None, consultation, feedback["you_said"], now=published)
    for action, partner, status, reason in feedback["we_did"]:
        item = outcomes.add_we_did(
            None,
            consultation,
            action=action,
            partner=partner,
            reason=reason if status == "not_possible" else "",
            status="planned" if status != "not_possible" else status,
            due_date=(now + timedelta(weeks=6)).date(),
            now=published,
        )
        if status not in ("planned", "not_possible"):
            outcomes.update_status(None, item, status=status, note=reason, now=now)
    outcomes.publish_feedback(None, consultation, now=published)


def _create(spec: dict[str, Any], *, now: datetime) -> Consultation:
    consultation = Consultation(
        slug=spec["slug"],
        title=spec["title"],
        original_text=spec["original_text"],
        source_document=spec["source_document"],
        source_organisation=spec["source_organisation"],
        youth_title=spec["youth_title"],
        youth_summary=spec["youth_summary"],
        theme=services.theme_by_key(spec["theme"]),
        audience_min_age=spec["audience_min_age"],
        audience_max_age=spec["audience_max_age"],
        closes_at=now + timedelta(weeks=4 + len(spec["slug"]) % 5),
        is_demo=True,
    )
    db.session.add(consultation)
    for q in spec["questions"]:
        services.add_question(
            consultation,
            services.QuestionSpec(
                kind=QuestionKind(q["kind"]),
                prompt=q["prompt"],
                required=q.get("required", False),
                options=q.get("options", []),
                scale_min_label=q.get("scale_min_label", ""),
                scale_max_label=q.get("scale_max_label", ""),
                max_length=q.get("max_length", 500),
            ),
        )
    for language, words in spec.get("translations", {}).items():
        _translate(consultation, language, words, now=now)
    # The demo texts pass the reading-age gate; no override.
    services.open_consultation(consultation, now=now - timedelta(days=3))
    return consultation


def _translate(
    consultation: Consultation, language: str, words: dict[str, Any], *, now: datetime
) -> None:
    db.session.flush()  # question and option ids
    questions: dict[int, dict[str, Any]] = {}
    for question, given in zip(consultation.questions, words["questions"], strict=True):
        entry = {k: v for k, v in given.items() if k != "options"}
        labels = given.get("options") or []
        if labels:
            pairs = zip(question.options, labels, strict=True)
            entry["options"] = {str(option.id): label for option, label in pairs}
        questions[question.id] = entry
    translations.save_translation(
        consultation,
        language,
        youth_title=words["youth_title"],
        youth_summary=words["youth_summary"],
        questions=questions,
        now=now,
    )


def _answer_randomly(
    consultation: Consultation, person: Participant, rng: random.Random, *, now: datetime
) -> int:
    answers: list[services.AnswerInput] = []
    for q in consultation.questions:
        if q.kind is QuestionKind.SINGLE_CHOICE:
            weights = [len(q.options) - i for i in range(len(q.options))]
            answers.append(
                services.AnswerInput(q.id, option_ids=[rng.choices(q.options, weights)[0].id])
            )
        elif q.kind is QuestionKind.MULTIPLE_CHOICE:
            picked = rng.sample(q.options, rng.randint(1, min(3, len(q.options))))
            answers.append(services.AnswerInput(q.id, option_ids=[o.id for o in picked]))
        elif q.kind is QuestionKind.SCALE:
            answers.append(services.AnswerInput(q.id, value=rng.choice([1, 2, 3, 3, 4, 4, 5])))
        elif rng.random() < 0.4:
            answers.append(services.AnswerInput(q.id, text=rng.choice(DEMO_VIEWS)))
    return services.submit_answers(consultation, person, answers, channel="demo", now=now)


CLOSED_DEMOS: list[dict[str, Any]] = [
    {
        "slug": "a-place-to-meet-after-school",
        "theme": "young_people",
        "title": "Youth provision in the evenings",
        "original_text": (
            "We will listen to young people's views and provide them with support to address "
            "what matters to them."
        ),
        "youth_title": "A place to meet after school",
        "youth_summary": (
            "The council runs youth clubs. Some close at six. We want to know when you would "
            "use them. Tell us what you would like to do there."
        ),
        "closed_weeks_ago": 3,
        "questions": [
            {
                "kind": "single_choice",
                "prompt": "When would you go to a youth club?",
                "options": ["After school", "Friday night", "Saturday", "I would not go"],
            },
            {
                "kind": "multiple_choice",
                "prompt": "What would you do there?",
                "options": ["Sport", "Music", "Gaming", "Just hang out"],
            },
            {"kind": "free_text", "prompt": "Anything else we should know?"},
        ],
        "feedback": {
            "you_said": (
                "Most of you said you would go after school or on Friday nights. "
                "Sport and just hanging out were picked the most. "
                "Many of you said clubs close too early."
            ),
            "we_did": [
                (
                    "Hanley youth club now stays open until 9pm on Fridays",
                    "Youth Service",
                    "done",
                    "Open from this month.",
                ),
                (
                    "A sports session after school at Fenton",
                    "Leisure Trust",
                    "in_progress",
                    "Coaches are being trained.",
                ),
                (
                    "Free late buses home from every club",
                    "Bus operator",
                    "not_possible",
                    "There is no money for extra buses this year. We will ask again next year.",
                ),
            ],
        },
    },
    {
        "slug": "your-say-on-local-parks",
        "theme": "engagement",
        "title": "Community spaces and parks",
        "original_text": (
            "We will open up contacts between communities and work with them to build trust by "
            "showing how to consult, interact and feedback."
        ),
        "youth_title": "Your say on local parks",
        "youth_summary": (
            "Parks are for everyone. We want to make them better for young people. "
            "Tell us what would make you use your park more."
        ),
        "closed_weeks_ago": 10,
        "questions": [
            {
                "kind": "single_choice",
                "prompt": "What would make you use your park more?",
                "options": ["Better lights", "Places to sit", "Sports courts", "Free wifi"],
            },
            {
                "kind": "scale",
                "prompt": "How safe do you feel in your park?",
                "scale_min_label": "Not safe",
                "scale_max_label": "Very safe",
            },
        ],
    },
]


DEMO_STAFF = [
    ("admin@demo.youthvoice.invalid", Role.ADMIN),
    ("officer@demo.youthvoice.invalid", Role.OFFICER),
    ("youthworker@demo.youthvoice.invalid", Role.YOUTH_WORKER),
    ("forum@demo.youthvoice.invalid", Role.FORUM_MEMBER),
    ("safeguarding@demo.youthvoice.invalid", Role.SAFEGUARDING_LEAD),
]


def create_demo_staff(*, now: datetime) -> list[tuple[str, str, str]]:
    """One demo account per role with a fresh random password, returned once to be shown."""
    made: list[tuple[str, str, str]] = []
    for email, role in DEMO_STAFF:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        password = secrets.token_urlsafe(12)
        accounts.create_user(email, password, role, now=now)
        made.append((email, role.value, password))
    return made
