"""Factories for test data (``make_*``) and small helpers shared by the tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import BinaryIO

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from consultations import services
from consultations.db import db
from consultations.models import Consultation, QuestionKind

_serial = count(1)

EASY_TEXT = (
    "The council wants to hear from you. We plan to open a new youth club. "
    "Tell us what you would like to do there. We will read every answer."
)


def now() -> datetime:
    return datetime.now(UTC)


def make_consultation(
    *,
    slug: str | None = None,
    youth_summary: str = EASY_TEXT,
    questions: list[services.QuestionSpec] | None = None,
    open_it: bool = True,
    closes_in: timedelta | None = timedelta(days=14),
    theme: str = "young_people",
) -> Consultation:
    """A consultation with one question of each kind, open unless told otherwise."""
    n = next(_serial)
    consultation = Consultation(
        slug=slug or f"consultation-{n}",
        title=f"Consultation {n}",
        original_text="The Local Strategic Partnership will facilitate stakeholder engagement.",
        source_document="Test strategy",
        source_organisation="Test council",
        youth_title=f"Have your say {n}",
        youth_summary=youth_summary,
        theme=services.theme_by_key(theme),
        closes_at=(now() + closes_in) if closes_in else None,
    )
    db.session.add(consultation)
    specs = (
        questions
        if questions is not None
        else [
            services.QuestionSpec(
                QuestionKind.SINGLE_CHOICE,
                "Which day is best?",
                required=True,
                options=["Monday", "Friday", "Saturday"],
            ),
            services.QuestionSpec(
                QuestionKind.MULTIPLE_CHOICE,
                "What would you do there?",
                options=["Sport", "Music", "Gaming", "Cooking"],
            ),
            services.QuestionSpec(
                QuestionKind.SCALE,
                "How much do you want it?",
                scale_min_label="Not at all",
                scale_max_label="A lot",
            ),
            services.QuestionSpec(QuestionKind.FREE_TEXT, "Anything else?", max_length=200),
        ]
    )
    for spec in specs:
        services.add_question(consultation, spec)
    if open_it:
        services.open_consultation(consultation, now=now() - timedelta(minutes=1))
    db.session.commit()
    return consultation


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def counts_that_disagree() -> list[str]:
    """Every published counter that is not the count of the rows it stands for, in words.

    Empty when option tallies equal ``COUNT(*)`` of their answer choices, answer counts that
    of their answers, and respondent counts that of participations, for every consultation.
    Reads rows, not loaded objects, so it sees what other connections have committed.
    """
    from sqlalchemy import func, select

    from consultations.models import Answer, AnswerChoice, Option, Participation, Question

    chosen = (
        select(func.count())
        .select_from(AnswerChoice)
        .where(AnswerChoice.option_id == Option.id)
        .scalar_subquery()
    )
    answered = (
        select(func.count())
        .select_from(Answer)
        .where(Answer.question_id == Question.id)
        .scalar_subquery()
    )
    took_part = (
        select(func.count())
        .select_from(Participation)
        .where(Participation.consultation_id == Consultation.id)
        .scalar_subquery()
    )
    wrong = [
        f"option {i}: tally {n}, chosen {rows}"
        for i, n, rows in db.session.execute(
            select(Option.id, Option.tally, chosen).where(Option.tally != chosen)
        )
    ]
    wrong += [
        f"question {i}: answer_count {n}, answers {rows}"
        for i, n, rows in db.session.execute(
            select(Question.id, Question.answer_count, answered).where(
                Question.answer_count != answered
            )
        )
    ]
    wrong += [
        f"consultation {i}: respondent_count {n}, participations {rows}"
        for i, n, rows in db.session.execute(
            select(Consultation.id, Consultation.respondent_count, took_part).where(
                Consultation.respondent_count != took_part
            )
        )
    ]
    return wrong


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def assert_safe_in_any_spreadsheet(text: str) -> None:
    """No cell a spreadsheet could make of this CSV starts a formula or hides its direction.

    Split the way the least careful reader would: on commas, on semicolons (Excel set to
    Polish), on tabs and on every line break, with no regard for quotes.
    """
    assert not any(ch in text for ch in BIDI_CONTROLS), "a bidirectional control was exported"
    for line in re.split(r"\r\n|\r|\n", text):
        for piece in re.split(r"[,;\t]", line):
            cell = piece.lstrip(' "')
            assert not cell.startswith(("=", "+", "-", "@")), (piece, line)


PLACEHOLDER = re.compile(r"\{\w+\}")


def translated_like_the_source(catalog: Catalog, source: str | tuple[str, ...]) -> None:
    """One message of a word catalogue is translated, keeping its placeholders and lines.

    Words around a number have a form per plural category of the language, the first for 1.
    """
    entry = catalog[source]
    lang = catalog.locale_identifier
    assert entry is not None and "fuzzy" not in entry.flags, (lang, source)
    plural = isinstance(source, tuple)
    forms = entry.string if plural else (entry.string,)
    sources = source if plural else (source,)
    assert len(forms) == (catalog.num_plurals if plural else 1), (lang, source)
    for n, form in enumerate(forms):
        like = sources[min(n, len(sources) - 1)]
        assert form.strip(), (lang, source, n)
        assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(like)), (lang, n)
        assert form.count("\n") == like.count("\n"), (lang, source, n)


def compiled_messages(mo: BinaryIO) -> dict[object, object]:
    """A compiled catalogue's messages; a counted one's id and forms as tuples, not lists."""

    def key(text: object) -> object:
        return tuple(text) if isinstance(text, list | tuple) else text

    return {key(m.id): key(m.string) for m in read_mo(mo) if m.id}
