"""Themes across a whole consultation: one grouping over the written answers of every question."""

from __future__ import annotations

from sqlalchemy import update

from consultations import consultation_themes, results, services, theme_analysis
from consultations.db import db
from consultations.models import QuestionKind
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.staff_models import Role, ThemeStatus
from tests.helpers import make_consultation, now
from tests.staff.support import make_user
from tests.themes.support import (
    answer_both,
    both_subjects_in_both_questions,
    training,
    two_question_consultation,
)

THRESHOLD = 5


def _find(user, consultation) -> int:  # type: ignore[no-untyped-def]
    found = consultation_themes.find_consultation_themes(
        user, consultation, now=now(), threshold=THRESHOLD
    )
    db.session.commit()
    return found


def _view(consultation):  # type: ignore[no-untyped-def]
    return consultation_themes.consultation_view(consultation, threshold=THRESHOLD)


def _readable(consultation) -> int:  # type: ignore[no-untyped-def]
    return sum(len(results.readable_answers(q)) for q in consultation.questions)


def test_one_grouping_over_every_question_counts_people_once_and_names_the_questions(app):
    officer = make_user(Role.OFFICER)
    c, _ = both_subjects_in_both_questions()
    # What staff may read: the corpus has an answer or so that moderation holds.
    readable = _readable(c)
    assert 36 <= readable <= 40
    assert _find(officer, c) == readable
    view = _view(c)
    assert view.questions == 2 and view.answers == readable
    assert len(view.themes) >= 2
    for theme in view.themes[:2]:
        # A person who wrote about it in both questions is one person, not two.
        assert theme.people < theme.answers
        assert {s.prompt for s in theme.questions} == {"What would help?", "What worries you?"}
        assert sum(s.answers for s in theme.questions) == theme.answers
        assert 1 <= len(theme.quotes) <= 3
        for b in theme.breakdowns:
            assert sum(g.people for g in b.groups) + b.hidden_people == theme.people
            assert all(g.people >= THRESHOLD for g in b.groups)
            assert b.hidden_people == 0 or b.hidden_people >= THRESHOLD
    assert sum(t.answers for t in view.themes) + view.other == readable
    # The questions' own analyses are untouched by it, and can be found alongside it.
    question = c.questions[0]
    theme_analysis.find_question_themes(officer, question.id, now=now(), threshold=THRESHOLD)
    own = theme_analysis.analysis_view(
        question, results.readable_answers(question), threshold=THRESHOLD
    )
    assert sum(t.people for t in own.themes) + own.other == len(results.readable_answers(question))
    after = _view(c)
    assert sum(t.answers for t in after.themes) + after.other == readable


def test_what_moderation_holds_is_in_no_theme_and_never_quoted(app):
    officer = make_user(Role.OFFICER)
    c, ids = both_subjects_in_both_questions()
    hidden = ids[0][1]
    db.session.execute(
        update(AnswerModeration)
        .where(AnswerModeration.answer_id == hidden)
        .values(status=ModerationStatus.HIDDEN)
    )
    db.session.commit()
    readable = _readable(c)
    assert _find(officer, c) == readable
    view = _view(c)
    assert view.answers == readable
    assert all(q.answer_id != hidden for t in view.themes for q in t.quotes)
    assert sum(t.answers for t in view.themes) + view.other == readable


def test_a_re_run_groups_afresh_and_no_suggestion_is_left_behind(app):
    officer = make_user(Role.OFFICER)
    c, _ = both_subjects_in_both_questions()
    _find(officer, c)
    first = {t.name for t in _view(c).themes}
    _find(officer, c)
    again = _view(c)
    assert {t.name for t in again.themes} == first
    assert consultation_themes.analysis_of(c).runs == 2
    assert all(
        t.status is ThemeStatus.SUGGESTED
        for t in db.session.scalars(
            db.select(consultation_themes.FoundTheme).where(
                consultation_themes.FoundTheme.analysis_id == again.analysis.id
            )
        )
    )


def test_no_answers_too_few_and_no_free_text_question_say_why(app):
    officer = make_user(Role.OFFICER)
    c = two_question_consultation()
    assert "no written answers" in (_view(c).why_no_themes or "")
    _find(officer, c)
    assert "no written answers" in (_view(c).why_no_themes or "")
    for i in range(3):
        answer_both(
            c, f"p{i}", training("transport")[i], training("litter")[i], band="16-17", area="ST4"
        )
    _find(officer, c)
    view = _view(c)
    assert view.themes == () and view.other == 6
    assert "at least 10 written answers" in (view.why_no_themes or "")

    no_text = make_consultation(
        slug="only-choices",
        questions=[
            services.QuestionSpec(
                QuestionKind.SINGLE_CHOICE, "Which day is best?", options=["Monday", "Friday"]
            )
        ],
    )
    assert "no free-text question" in (_view(no_text).why_no_themes or "")
    assert _find(officer, no_text) == 0
    assert "no free-text question" in (_view(no_text).why_no_themes or "")


def test_the_scheduler_reads_new_answers_ahead_for_a_consultations_themes_too(app):
    from sqlalchemy import select

    from consultations.staff_models import AnswerVector
    from webapp import scheduler

    officer = make_user(Role.OFFICER)
    c, _ = both_subjects_in_both_questions()
    _find(officer, c)
    # No question has themes of its own: only the consultation's bring these in.
    assert theme_analysis.analysis_of(c.questions[0]) is None
    late = answer_both(
        c, "late", training("transport")[21], training("safety")[25], band="16-17", area="ST4"
    )
    assert scheduler.tick(app, now())["answer_vectors"] == "read 2 new answers"
    assert set(late) <= set(db.session.scalars(select(AnswerVector.answer_id)))


def test_two_officers_finding_themes_at_once_end_with_one_grouping_and_no_error(app):
    """Both clicks succeed; one analysis is kept with every readable answer placed once."""
    import threading

    from sqlalchemy import func, select

    from consultations.db import in_transaction
    from consultations.models import Consultation
    from consultations.staff_models import ThemeAnalysis, ThemePlacement, User

    officers = [make_user(Role.OFFICER).id, make_user(Role.OFFICER).id]
    c, _ = both_subjects_in_both_questions()
    readable, consultation_id = _readable(c), c.id
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def click(officer_id: int) -> None:
        try:
            with app.app_context():
                user = db.session.get(User, officer_id)
                consultation = db.session.get(Consultation, consultation_id)
                barrier.wait(30)
                in_transaction(
                    lambda: consultation_themes.find_consultation_themes(
                        user, consultation, now=now(), threshold=THRESHOLD
                    )
                )
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=click, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    analyses = db.session.scalars(
        select(ThemeAnalysis).where(ThemeAnalysis.consultation_id == consultation_id)
    ).all()
    assert len(analyses) == 1
    placed = db.session.scalar(
        select(func.count())
        .select_from(ThemePlacement)
        .where(ThemePlacement.analysis_id == analyses[0].id)
    )
    assert placed == readable
    view = _view(db.session.get(Consultation, consultation_id))
    assert view.new_answers == 0 and sum(t.answers for t in view.themes) + view.other == readable
