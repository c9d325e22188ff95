"""Stored themes: found over what staff may read, kept through re-runs, in officers' hands."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultations import results, theme_analysis
from consultations.db import db
from consultations.errors import InvalidEdit, NotFound
from consultations.staff_models import (
    AnswerTag,
    AnswerVector,
    AuditEntry,
    Role,
    ThemePlacement,
    ThemeStatus,
)
from tests.helpers import now
from tests.staff.support import make_user
from tests.themes.support import answer, answer_many, free_text_consultation, training

THRESHOLD = 5


def _find(user, question_id: int) -> theme_analysis.RunOutcome:  # type: ignore[no-untyped-def]
    return theme_analysis.find_question_themes(
        user, question_id, now=now(), threshold=THRESHOLD
    )


def _view(question):  # type: ignore[no-untyped-def]
    shown = results.free_text_answers(question, threshold=THRESHOLD)
    return theme_analysis.analysis_view(question, shown, threshold=THRESHOLD)


def _two_subjects():  # type: ignore[no-untyped-def]
    c = free_text_consultation()
    ids = answer_many(c, training("transport")[:14] + training("safety")[:14])
    return c, c.questions[0], ids


def test_themes_are_found_stored_and_shown_with_counts_quotes_and_groups(app):
    officer = make_user(Role.OFFICER)
    c, question, ids = _two_subjects()
    readable = len(results.free_text_answers(question, threshold=THRESHOLD))
    outcome = _find(officer, question.id)
    assert outcome == theme_analysis.RunOutcome(False, readable)
    view = _view(question)
    assert len(view.themes) >= 2
    assert sum(t.people for t in view.themes) + view.other == readable
    biggest = view.themes[0]
    assert 1 <= len(biggest.quotes) <= 3
    shown_texts = {a.text for a in results.free_text_answers(question, threshold=THRESHOLD)}
    assert all(q.text in shown_texts for q in biggest.quotes)
    titles = [b.title for b in biggest.breakdowns]
    assert titles == ["Age band", "Area", "Language"]
    language = biggest.breakdowns[2]
    assert [g.name for g in language.groups] == ["English"]
    # Every answer's vector is kept, so a re-run reads none of them again.
    assert db.session.scalar(select(func.count()).select_from(AnswerVector)) == readable
    assert db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "themes found")
    ) == 1
