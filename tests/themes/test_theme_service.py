"""Stored themes: found over what staff may read, kept through re-runs, in officers' hands."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from consultations import results, theme_analysis
from consultations.db import db
from consultations.errors import InvalidEdit, NotFound
from consultations.insight import sentences
from consultations.staff_models import (
    AnalysisState,
    AnswerTag,
    AnswerVector,
    AuditEntry,
    Role,
    ThemeAnalysis,
    ThemePlacement,
    ThemeStatus,
    User,
)
from tests.helpers import now
from tests.staff.support import make_user
from tests.themes.support import answer_many, free_text_consultation, training
from webapp import scheduler

THRESHOLD = 5


def _find(user, question_id: int) -> theme_analysis.RunOutcome:  # type: ignore[no-untyped-def]
    return theme_analysis.find_question_themes(user, question_id, now=now(), threshold=THRESHOLD)


def _view(question):  # type: ignore[no-untyped-def]
    shown = results.free_text_answers(question, threshold=THRESHOLD)
    return theme_analysis.analysis_view(question, shown, threshold=THRESHOLD)


def _two_subjects():  # type: ignore[no-untyped-def]
    c = free_text_consultation()
    ids = answer_many(c, training("transport")[:14] + training("safety")[:14])
    return c, c.questions[0], ids


def test_themes_are_found_stored_and_shown_with_counts_quotes_and_groups(app):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
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
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "themes found")
        )
        == 1
    )


def test_officers_rename_merge_accept_and_the_tags_count_the_answers(app):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
    _find(officer, question.id)
    first, second = _view(question).themes[:2]
    with pytest.raises(InvalidEdit, match="1 to 60 characters"):
        theme_analysis.rename_theme(officer, question.id, first.id, "   ", now=now())
    with pytest.raises(InvalidEdit, match="merged with itself"):
        theme_analysis.merge_themes(officer, question.id, [first.id, first.id], now=now())
    merged = theme_analysis.merge_themes(officer, question.id, [first.id, second.id], now=now())
    theme_analysis.rename_theme(officer, question.id, merged.id, "Getting about safely", now=now())
    db.session.commit()
    view = _view(question)
    theme = next(t for t in view.themes if t.id == merged.id)
    assert theme.people == first.people + second.people
    assert theme.name == "Getting about safely"
    with pytest.raises(NotFound, match="no longer there"):
        theme_analysis.rename_theme(officer, question.id, second.id, "Gone", now=now())

    (tag,) = theme_analysis.accept_themes(officer, question.id, [merged.id], now=now())
    db.session.commit()
    assert tag.name == "Getting about safely"
    counts = dict((t.name, n) for t, n in results.tag_counts(question))
    assert counts["Getting about safely"] == theme.people
    tagged = results.free_text_answers(question, tag_id=tag.id, threshold=THRESHOLD)
    assert len(tagged) == theme.people
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"themes merged", "theme renamed", "theme accepted"} <= actions


def test_moving_an_answer_moves_its_tag_and_a_rerun_keeps_it_and_the_accepted_themes(app):
    officer = make_user(Role.OFFICER)
    c, question, _ = _two_subjects()
    _find(officer, question.id)
    view = _view(question)
    kept = view.themes[0]
    (tag,) = theme_analysis.accept_themes(officer, question.id, [kept.id], now=now())
    theme_analysis.rename_theme(officer, question.id, kept.id, "Kept as it is", now=now())
    moved = next(aid for aid, tid in view.theme_of.items() if tid == kept.id)
    theme_analysis.move_answer(officer, question.id, moved, None, now=now())
    db.session.commit()
    assert db.session.get(AnswerTag, (moved, tag.id)) is None

    # New answers arrive about the kept theme's subject, and the officer asks again.
    subject = "transport" if "bus" in " ".join(q.text for q in kept.quotes).lower() else "safety"
    new_ids = answer_many(c, training(subject)[14:20], prefix="new")
    _find(officer, question.id)
    after = _view(question)
    again = next(t for t in after.themes if t.id == kept.id)
    assert again.name == "Kept as it is" and again.status is ThemeStatus.ACCEPTED
    assert after.theme_of[moved] is None  # the officer's move stands
    joined = [aid for aid in new_ids if after.theme_of.get(aid) == kept.id]
    assert joined, "new answers on the subject join the accepted theme"
    assert all(db.session.get(AnswerTag, (aid, tag.id)) is not None for aid in joined)
    assert after.new_answers == 0


def test_a_discarded_theme_stays_away_and_its_answers_are_other(app):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
    _find(officer, question.id)
    before = _view(question)
    gone = before.themes[0]
    theme_analysis.discard_theme(officer, question.id, gone.id, now=now())
    db.session.commit()
    _find(officer, question.id)
    after = _view(question)
    assert gone.id not in {t.id for t in after.themes}
    assert [t.id for t in after.discarded] == [gone.id]
    assert after.other >= gone.people


def test_split_makes_two_themes_of_one(app):
    officer = make_user(Role.OFFICER)
    c = free_text_consultation()
    answer_many(c, training("transport")[:10] + training("litter")[:10])
    question = c.questions[0]
    _find(officer, question.id)
    view = _view(question)
    everything = theme_analysis.merge_themes(
        officer, question.id, [t.id for t in view.themes], now=now()
    )
    db.session.commit()
    total = next(t for t in _view(question).themes if t.id == everything.id).people
    new = theme_analysis.split_theme(
        officer, question.id, everything.id, now=now(), threshold=THRESHOLD
    )
    db.session.commit()
    halves = {t.id: t.people for t in _view(question).themes}
    assert halves[new.id] > 0 and halves[everything.id] > 0
    assert halves[new.id] + halves[everything.id] == total


def test_no_answers_and_too_few_answers_give_no_themes_and_say_why(app):
    officer = make_user(Role.OFFICER)
    c = free_text_consultation()
    question = c.questions[0]
    _find(officer, question.id)
    assert "no written answers" in (_view(question).why_no_themes or "")
    answer_many(c, training("transport")[:4])
    _find(officer, question.id)
    view = _view(question)
    assert view.themes == ()
    assert "at least 10 written answers" in (view.why_no_themes or "")
    assert view.other == 4


def test_one_huge_answer_and_answers_in_an_unexpected_script_are_read_not_lost(app):
    officer = make_user(Role.OFFICER)
    c = free_text_consultation()
    texts = training("transport")[:12]
    texts.append("buses " * 400)
    texts += ["Автобусы ходят редко", "日本語の答え", "Λεωφορεία πιο συχνά"]
    ids = answer_many(c, texts)
    question = c.questions[0]
    _find(officer, question.id)
    view = _view(question)
    placed = db.session.scalars(select(ThemePlacement.answer_id)).all()
    shown = {a.id for a in results.free_text_answers(question, threshold=THRESHOLD)}
    assert set(placed) == shown and set(ids) >= shown
    assert sum(t.people for t in view.themes) + view.other == len(shown)


def test_a_stale_form_about_a_theme_that_is_gone_is_refused_in_words(app):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
    _find(officer, question.id)
    with pytest.raises(NotFound, match="no longer there"):
        theme_analysis.merge_themes(officer, question.id, [999_998, 999_999], now=now())
    with pytest.raises(NotFound, match="no longer there"):
        theme_analysis.discard_theme(officer, question.id, 999_999, now=now())
    other = free_text_consultation().questions[0]
    theme = _view(question).themes[0]
    with pytest.raises(NotFound):
        theme_analysis.discard_theme(officer, other.id, theme.id, now=now())


@pytest.mark.parametrize("first_time", [True, False], ids=["first", "again"])
def test_two_requests_at_once_run_one_analysis_and_the_second_reuses_it(
    app, first_time, monkeypatch
):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
    question_id, officer_id = question.id, officer.id
    if not first_time:
        _find(officer, question_id)
    # "At once" made certain on a busy machine: the request that claimed the question finds
    # its themes only after the other one has tried to claim it too.
    claim, analyse, tried = theme_analysis._claim, theme_analysis._analyse, threading.Event()

    def claiming(*args, **kwargs):  # type: ignore[no-untyped-def]
        claimed = claim(*args, **kwargs)
        if not claimed:
            tried.set()
        return claimed

    def analysing(*args, **kwargs):  # type: ignore[no-untyped-def]
        tried.wait(60)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(theme_analysis, "_claim", claiming)
    monkeypatch.setattr(theme_analysis, "_analyse", analysing)
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[theme_analysis.RunOutcome] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            with app.app_context():
                user = db.session.get(User, officer_id)
                barrier.wait()
                outcomes.append(
                    theme_analysis.find_question_themes(
                        user, question_id, now=now(), threshold=THRESHOLD, sleep=time.sleep
                    )
                )
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(o.reused for o in outcomes) == [False, True]
    assert outcomes[0].answers == outcomes[1].answers
    runs = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "themes found")
    )
    assert runs == (1 if first_time else 2)
    analysis = db.session.scalar(select(ThemeAnalysis))
    assert analysis.state is AnalysisState.READY
    assert analysis.runs == (1 if first_time else 2)


def test_a_second_request_that_waits_too_long_is_told_to_come_back(app):
    officer = make_user(Role.OFFICER)
    _, question, _ = _two_subjects()
    assert theme_analysis._claim(question.id, officer, now())
    with pytest.raises(theme_analysis.AnalysisBusy, match="in a minute"):
        theme_analysis.find_question_themes(
            officer,
            question.id,
            now=now(),
            threshold=THRESHOLD,
            wait_seconds=0.4,
            sleep=lambda s: None,
        )


def test_the_scheduler_reads_new_answers_ahead_so_a_rerun_makes_no_vectors(app, monkeypatch):
    officer = make_user(Role.OFFICER)
    c, question, _ = _two_subjects()
    _find(officer, question.id)
    new_ids = answer_many(c, training("transport")[14:20], prefix="new")
    held = answer_many(c, ["my dad hits me, call me on 07123 456789"], prefix="held")
    assert scheduler.tick(app, now())["answer_vectors"] == "read 6 new answers"
    stored = set(db.session.scalars(select(AnswerVector.answer_id)))
    assert set(new_ids) <= stored and not set(held) & stored

    made: list[int] = []
    real = sentences.sentence_vectors

    def counting(texts, max_chars):  # type: ignore[no-untyped-def]
        # A text whose vector is not at hand has to be read by the model again.
        cut = [sentences._key(sentences._cut(t, max_chars)) for t in texts]
        made.extend(1 for key in cut if key not in sentences._cache)
        return real(texts, max_chars)

    sentences._cache.clear()  # a fresh process: nothing but the database to read from
    monkeypatch.setattr(sentences, "sentence_vectors", counting)
    monkeypatch.setattr("consultations.insight.themes.sentence_vectors", counting)
    _find(officer, question.id)
    assert made == []
    assert _view(question).new_answers == 0


def test_accepted_themes_reach_the_partnership_report_as_tags(app):
    from feedback import report

    officer = make_user(Role.OFFICER)
    c, question, _ = _two_subjects()
    _find(officer, question.id)
    view = _view(question)
    big = [t for t in view.themes if t.people >= THRESHOLD]
    assert big
    theme_analysis.accept_themes(officer, question.id, [t.id for t in big], now=now())
    db.session.commit()
    lines, _note = report._themes(c, THRESHOLD)
    shown = {line.name: line.people for line in lines}
    accepted = {t.name[:60]: t.people for t in big}
    assert set(shown) <= set(accepted)
    biggest = max(accepted, key=lambda name: accepted[name])
    assert shown[biggest] == accepted[biggest]


def _accounts_for_everyone(view) -> None:  # type: ignore[no-untyped-def]
    """Each theme's breakdowns hold all its people, no group shown under the threshold."""
    for theme in view.themes:
        assert [b.title for b in theme.breakdowns] == ["Age band", "Area", "Language"]
        for b in theme.breakdowns:
            assert sum(g.people for g in b.groups) + b.hidden_people == theme.people
            assert all(g.people >= THRESHOLD for g in b.groups)
            assert b.hidden_people == 0 or b.hidden_people >= THRESHOLD


def _split_the_biggest(officer):  # type: ignore[no-untyped-def]
    """Thirty answers on two subjects, themes found, the biggest split in two."""
    c = free_text_consultation()
    answer_many(c, training("transport")[:15] + training("litter")[:15])
    question = c.questions[0]
    _find(officer, question.id)
    biggest = _view(question).themes[0]
    new = theme_analysis.split_theme(
        officer, question.id, biggest.id, now=now(), threshold=THRESHOLD
    )
    db.session.commit()
    return question, biggest, new


def test_split_merged_and_moved_themes_keep_their_breakdown(app):
    officer = make_user(Role.OFFICER)
    question, biggest, new = _split_the_biggest(officer)
    view = _view(question)
    split = {t.id: t for t in view.themes}
    assert split[new.id].people > 0 and split[biggest.id].people > 0
    # The halves of 15 people in three groups of five are smaller than five a group: the
    # rule hides them, and says so, rather than showing a table with nobody in it.
    assert any(b.groups or b.note for b in split[new.id].breakdowns)
    _accounts_for_everyone(view)

    other = next(t for t in view.themes if t.id not in (new.id, biggest.id))
    moved = next(aid for aid, tid in view.theme_of.items() if tid == other.id)
    theme_analysis.move_answer(officer, question.id, moved, new.id, now=now())
    db.session.commit()
    view = _view(question)
    assert {t.id: t.people for t in view.themes}[new.id] == split[new.id].people + 1
    _accounts_for_everyone(view)

    merged = theme_analysis.merge_themes(officer, question.id, [new.id, other.id], now=now())
    db.session.commit()
    view = _view(question)
    assert {t.id: t.people for t in view.themes}[merged.id] == (
        split[new.id].people + split[other.id].people
    )
    _accounts_for_everyone(view)


def test_a_theme_split_off_is_found_again_by_new_answers_like_its_own(app):
    officer = make_user(Role.OFFICER)
    question, _biggest, new = _split_the_biggest(officer)
    view = _view(question)
    own = [
        a.text
        for a in results.free_text_answers(question, threshold=THRESHOLD)
        if view.theme_of.get(a.id) == new.id
    ]
    # Someone else says what the split-off theme's answers say, in their own words order.
    arrivals = answer_many(
        question.consultation, [f"{text} really" for text in own[:2]], prefix="late"
    )
    _find(officer, question.id)
    placed = _view(question).theme_of
    assert [placed[aid] for aid in arrivals] == [new.id, new.id]
