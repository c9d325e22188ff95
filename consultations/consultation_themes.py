"""Themes across every written answer of a consultation: one grouping over all its questions.

The same engine and the same stored analysis as one question's themes
(``theme_analysis``), kept as a ``ThemeAnalysis`` of the consultation rather than of a
question. Each theme says how many people, from which questions, up to three of its answers
as staff may read them (redacted, never what moderation holds) and its people by age band,
area and language under the small-group rule. Officers edit themes question by question;
here, finding themes again groups everything afresh.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from consultations import audit, results
from consultations.db import db
from consultations.insight import AnswerText, find_themes
from consultations.insight.text import guess_language
from consultations.models import Consultation, Question, QuestionKind
from consultations.moderation.rules import Rules
from consultations.staff_models import (
    AnalysisState,
    FoundTheme,
    ThemeAnalysis,
    ThemePlacement,
    ThemeStatus,
    User,
)
from consultations.theme_analysis import (
    BREAKDOWNS,
    LANGUAGE_NAMES,
    QUOTABLE,
    Quote,
    ThemeBreakdown,
    engine_options,
    ensure_vectors,
    placement_rows,
    theme_breakdown,
    why_in_words,
    writer_groups,
)

NO_FREE_TEXT = "This consultation asks no free-text question, so there are no written answers."


@dataclass(frozen=True)
class QuestionShare:
    """How many of a theme's answers came from one question."""

    question_id: int
    position: int
    prompt: str
    answers: int


@dataclass(frozen=True)
class ConsultationTheme:
    id: int
    name: str
    people: int
    answers: int
    questions: tuple[QuestionShare, ...]
    quotes: tuple[Quote, ...]
    breakdowns: tuple[ThemeBreakdown, ...]


@dataclass(frozen=True)
class ConsultationThemesView:
    """What the consultation's themes page shows."""

    questions: int
    answers: int
    analysis: ThemeAnalysis | None
    themes: tuple[ConsultationTheme, ...]
    other: int
    new_answers: int
    why_no_themes: str | None


def _free_text_questions(consultation: Consultation) -> list[Question]:
    return [q for q in consultation.questions if q.kind is QuestionKind.FREE_TEXT]


def readable(
    consultation: Consultation, rules: Rules | None = None
) -> dict[int, tuple[Question, results.TextAnswer]]:
    """Every written answer of the consultation staff may read, redacted: id → (question, it)."""
    return {
        a.id: (q, a)
        for q in _free_text_questions(consultation)
        for a in results.readable_answers(q, rules=rules)
    }


def analysis_of(consultation: Consultation) -> ThemeAnalysis | None:
    return db.session.scalar(
        select(ThemeAnalysis).where(ThemeAnalysis.consultation_id == consultation.id)
    )


def find_consultation_themes(
    actor: User,
    consultation: Consultation,
    *,
    now: datetime,
    threshold: int,
    rules: Rules | None = None,
) -> int:
    """Group every readable written answer of the consultation afresh; returns how many.

    Only flushes. Sentence vectors already stored for the questions' own themes are reused,
    so this makes vectors only for answers never read before.
    """
    answers = readable(consultation, rules)
    options = engine_options(threshold)
    texts = {aid: a.text for aid, (_, a) in answers.items()}
    ensure_vectors(texts, options.max_chars)
    result = find_themes([AnswerText(aid, text) for aid, text in sorted(texts.items())], options)

    analysis = analysis_of(consultation)
    if analysis is None:
        analysis = ThemeAnalysis(
            consultation_id=consultation.id,
            state=AnalysisState.RUNNING,
            started_at=now,
            model_json="{}",
        )
        db.session.add(analysis)
        db.session.flush()
    # No officer edits are kept at this level, so the old grouping simply gives way.
    db.session.execute(delete(ThemePlacement).where(ThemePlacement.analysis_id == analysis.id))
    db.session.execute(delete(FoundTheme).where(FoundTheme.analysis_id == analysis.id))
    run = analysis.runs + 1
    rows = {}
    for theme in result.themes:
        rows[theme.id] = FoundTheme(
            analysis_id=analysis.id,
            key=theme.id,
            run=run,
            profile_ids=json.dumps([theme.id]),
            language=theme.language,
            label=theme.label[:200],
            status=ThemeStatus.SUGGESTED,
        )
    db.session.add_all(rows.values())
    db.session.flush()
    for aid, text in texts.items():
        placed = result.by_answer[aid]
        row = rows.get(placed.theme_id) if placed.theme_id else None
        db.session.add(
            ThemePlacement(
                analysis_id=analysis.id,
                answer_id=aid,
                theme_id=row.id if row is not None else None,
                confidence=placed.confidence,
                language=guess_language(text[: options.max_chars]),
            )
        )
    analysis.state, analysis.runs, analysis.answers = AnalysisState.READY, run, len(texts)
    analysis.started_at = analysis.finished_at = now
    analysis.by_user_id = actor.id
    analysis.model_json = json.dumps({str(run): result.model.to_json()})
    analysis.why_no_themes = None if result.themes else str(result.why_no_themes)
    audit.record(
        actor,
        "consultation themes found",
        "consultation",
        consultation.id,
        now=now,
        detail=f"{len(texts)} answers",
    )
    db.session.flush()
    return len(texts)


def consultation_view(
    consultation: Consultation, *, threshold: int, rules: Rules | None = None
) -> ConsultationThemesView:
    """The consultation's themes over the answers staff may read now."""
    questions = _free_text_questions(consultation)
    answers = readable(consultation, rules)
    analysis = analysis_of(consultation)
    if analysis is None:
        why = None
        if not questions:
            why = NO_FREE_TEXT
        elif not answers:
            why = why_in_words("no_answers", engine_options(threshold).min_answers, 0)
        return ConsultationThemesView(len(questions), len(answers), None, (), 0, 0, why)
    placements = [
        p
        for p in placement_rows(analysis.id)
        if p.answer_id in answers  # held by moderation since, or gone: not counted
    ]
    themes = list(
        db.session.scalars(
            select(FoundTheme).where(FoundTheme.analysis_id == analysis.id).order_by(FoundTheme.id)
        )
    )
    groups = writer_groups(list(answers))
    members: dict[int, list] = defaultdict(list)
    for p in placements:
        if p.theme_id is not None:
            members[p.theme_id].append(p)

    def view(theme: FoundTheme) -> ConsultationTheme:
        placed = members[theme.id]
        # One person may write in several questions: people are counted once a theme.
        writers: dict[int, dict[str, str]] = {}
        for p in placed:
            person = answers[p.answer_id][1].participant_id or -p.answer_id
            writers.setdefault(
                person,
                {
                    **groups[p.answer_id],
                    "language": LANGUAGE_NAMES.get(p.language, p.language),
                },
            )
        from_question = Counter(answers[p.answer_id][0].id for p in placed)
        shares = tuple(
            QuestionShare(q.id, q.position + 1, q.prompt, from_question[q.id])
            for q in questions
            if from_question[q.id]
        )
        order = sorted(
            placed,
            key=lambda p: (
                answers[p.answer_id][1].status not in QUOTABLE,
                -p.confidence,
                p.answer_id,
            ),
        )
        quotes: list[Quote] = []
        seen: set[str] = set()
        for p in order:
            text = answers[p.answer_id][1].text
            wording = " ".join(text.casefold().split())
            if wording not in seen:
                seen.add(wording)
                quotes.append(Quote(p.answer_id, text))
            if len(quotes) == 3:
                break
        return ConsultationTheme(
            theme.id,
            theme.name,
            len(writers),
            len(placed),
            shares,
            tuple(quotes),
            tuple(
                theme_breakdown(title, [w[d] for w in writers.values()], threshold)
                for d, title in BREAKDOWNS
            ),
        )

    views = sorted(
        (view(t) for t in themes if members[t.id]), key=lambda v: (-v.people, v.name, v.id)
    )
    why = None
    if not questions:
        why = NO_FREE_TEXT
    elif not views:
        why = why_in_words(
            analysis.why_no_themes or "no_themes_found",
            engine_options(threshold).min_answers,
            len(answers),
        )
    in_theme = sum(1 for p in placements if p.theme_id is not None)
    return ConsultationThemesView(
        len(questions),
        len(answers),
        analysis,
        tuple(views),
        other=len(answers) - in_theme,
        new_answers=len(answers) - len(placements),
        why_no_themes=why,
    )
