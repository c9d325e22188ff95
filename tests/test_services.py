"""The service layer: what every channel relies on when it saves answers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consultations import queries, services
from consultations.db import db, in_transaction
from consultations.errors import (
    ConsultationClosed,
    IllegalTransition,
    InvalidAnswer,
    ReadingAgeTooHigh,
)
from consultations.models import Answer, ConsultationStatus, Participant, QuestionKind
from tests.helpers import make_consultation, now

KEY = b"test-pseudonym-key"


def _person(uid: str = "42", channel: str = "telegram") -> Participant:
    return services.participant_for(channel, uid, key=KEY)


def test_answers_are_saved_and_counted(app):
    c = make_consultation()
    single, multi, scale, free = c.questions
    saved = services.submit_answers(
        c,
        _person(),
        [
            services.AnswerInput(single.id, option_ids=[single.options[1].id]),
            services.AnswerInput(multi.id, option_ids=[multi.options[0].id, multi.options[2].id]),
            services.AnswerInput(scale.id, value=4),
            services.AnswerInput(free.id, text="  More late buses please  "),
        ],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    db.session.expire_all()
    assert saved == 4
    results = {r.id: r for r in queries.results(c)}
    assert [o.count for o in results[single.id].options] == [0, 1, 0]
    assert [o.count for o in results[multi.id].options] == [1, 0, 1, 0]
    assert [o.count for o in results[scale.id].options] == [0, 0, 0, 1, 0]
    assert results[free.id].answers == 1
    assert db.session.scalar(select(Answer.text).where(Answer.question_id == free.id)) == (
        "More late buses please"
    )
    assert c.respondent_count == 1


def test_answering_again_replaces_the_answer_and_its_counts(app):
    c = make_consultation()
    single, multi = c.questions[0], c.questions[1]
    person = _person()
    services.submit_answers(
        c,
        person,
        [
            services.AnswerInput(single.id, option_ids=[single.options[0].id]),
            services.AnswerInput(multi.id, option_ids=[multi.options[0].id, multi.options[1].id]),
        ],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    services.submit_answers(
        c,
        person,
        [
            services.AnswerInput(single.id, option_ids=[single.options[2].id]),
            services.AnswerInput(multi.id, option_ids=[multi.options[3].id]),
        ],
        channel="web",
        now=now(),
    )
    db.session.commit()
    db.session.expire_all()
    results = {r.id: r for r in queries.results(c)}
    assert [o.count for o in results[single.id].options] == [0, 0, 1]
    assert [o.count for o in results[multi.id].options] == [0, 0, 0, 1]
    assert results[single.id].answers == 1
    assert db.session.scalar(select(func.count(Answer.id))) == 2
    assert c.respondent_count == 1


def test_a_closed_consultation_refuses_answers(app):
    c = make_consultation()
    services.close_consultation(c, now=now())
    db.session.commit()
    with pytest.raises(ConsultationClosed):
        services.submit_answers(
            c,
            _person(),
            [services.AnswerInput(c.questions[2].id, value=3)],
            channel="telegram",
            now=now(),
        )


def test_past_closing_time_refuses_answers_even_if_still_marked_open(app):
    c = make_consultation(closes_in=timedelta(days=1))
    assert c.status is ConsultationStatus.OPEN
    with pytest.raises(ConsultationClosed):
        services.submit_answers(
            c,
            _person(),
            [services.AnswerInput(c.questions[2].id, value=3)],
            channel="telegram",
            now=now() + timedelta(days=2),
        )


@pytest.mark.parametrize(
    ("index", "answer", "message"),
    [
        (0, {"option_ids": [999999]}, "not one of this question's choices"),
        (0, {"option_ids": []}, "exactly one"),
        (1, {"option_ids": []}, "at least one"),
        (2, {"value": 6}, "1 to 5"),
        (2, {"value": 0}, "1 to 5"),
        (3, {"text": "x" * 201}, "under 200 characters"),
        (3, {"text": "   "}, "Write something"),
        (3, {"value": 2}, "as text"),
    ],
)
def test_invalid_answers_are_refused_as_a_whole(app, index, answer, message):
    c = make_consultation()
    good = (
        services.AnswerInput(c.questions[2].id, value=2)
        if index != 2
        else services.AnswerInput(c.questions[0].id, option_ids=[c.questions[0].options[0].id])
    )
    bad = services.AnswerInput(c.questions[index].id, **answer)
    with pytest.raises(InvalidAnswer) as caught:
        services.submit_answers(c, _person(), [good, bad], channel="telegram", now=now())
    assert message in caught.value.problems[0].message
    assert caught.value.problems[0].index == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(Answer.id))) == 0, (
        "nothing saved from a bad submission"
    )


def test_an_option_of_another_question_is_refused(app):
    c = make_consultation()
    with pytest.raises(InvalidAnswer):
        services.submit_answers(
            c,
            _person(),
            [services.AnswerInput(c.questions[0].id, option_ids=[c.questions[1].options[0].id])],
            channel="telegram",
            now=now(),
        )


def test_unknown_and_duplicate_questions_are_refused(app):
    c = make_consultation()
    other = make_consultation()
    with pytest.raises(InvalidAnswer) as caught:
        services.submit_answers(
            c,
            _person(),
            [
                services.AnswerInput(other.questions[2].id, value=3),
                services.AnswerInput(c.questions[2].id, value=3),
                services.AnswerInput(c.questions[2].id, value=4),
            ],
            channel="telegram",
            now=now(),
        )
    messages = [p.message for p in caught.value.problems]
    assert messages == ["There is no such question here.", "This question is answered twice."]


def test_a_complete_submission_needs_every_required_question(app):
    c = make_consultation()
    with pytest.raises(InvalidAnswer) as caught:
        services.submit_answers(
            c,
            _person(),
            [services.AnswerInput(c.questions[2].id, value=3)],
            channel="web",
            now=now(),
            complete=True,
        )
    assert [(p.question_id, p.message) for p in caught.value.problems] == [
        (c.questions[0].id, "Please answer this question.")
    ]


def test_participants_are_stored_under_a_keyed_hash_only(app):
    person = _person("123456789")
    db.session.commit()
    assert "123456789" not in person.pseudonym
    assert len(person.pseudonym) == 64
    assert services.participant_for("telegram", "123456789", key=KEY).id == person.id
    assert services.participant_for("rasa", "123456789", key=KEY).id != person.id
    assert services.participant_for("telegram", "123456789", key=b"other").id != person.id


def test_profile_accepts_prefer_not_to_say_and_refuses_unknown_bands(app):
    person = _person()
    services.update_profile(person, age_band="prefer_not_to_say", area=" hanley park AND shelton ")
    assert (person.age_band, person.area) == ("prefer_not_to_say", "hanley-park-and-shelton")
    services.update_profile(person, age_band=None, area="Prefer not to say")
    assert person.area == "prefer_not_to_say"
    with pytest.raises(InvalidAnswer):
        services.update_profile(person, age_band="9-10", area=None)


def test_the_unique_constraint_holds_at_the_database(app):
    c = make_consultation()
    person = _person()
    db.session.add(Answer(participant_id=person.id, question_id=c.questions[0].id, channel="web"))
    db.session.commit()
    db.session.add(Answer(participant_id=person.id, question_id=c.questions[0].id, channel="web"))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("replacing", [False, True], ids=["first-answer", "replacing"])
def test_racing_submissions_from_one_person_end_as_one_answer(app, replacing):
    """Channels submit for the same person at the same moment: one answer, true counts."""
    c = make_consultation()
    slug, question_id = c.slug, c.questions[0].id
    option_ids = [o.id for o in c.questions[0].options]
    if replacing:
        services.submit_answers(
            c,
            services.participant_for("telegram", "racer", key=KEY),
            [services.AnswerInput(question_id, option_ids=[option_ids[0]])],
            channel="telegram",
            now=now(),
        )
        db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def submit(option_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait()

                def work() -> int:
                    found = queries.consultation_by_slug(slug)
                    person = services.participant_for("telegram", "racer", key=KEY)
                    return services.submit_answers(
                        found,
                        person,
                        [services.AnswerInput(question_id, option_ids=[option_id])],
                        channel="telegram",
                        now=now(),
                    )

                in_transaction(work)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=submit, args=(option_ids[i % 3],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    c = queries.consultation_by_slug(slug)
    assert db.session.scalar(select(func.count(Answer.id))) == 1
    assert db.session.scalar(select(func.count(Participant.id))) == 1
    result = queries.results(c)[0]
    assert result.answers == 1
    assert sum(o.count for o in result.options) == 1
    assert all(o.count >= 0 for o in result.options)
    assert len(db.session.scalar(select(Answer)).option_ids) == 1
    assert c.respondent_count == 1


def test_publish_gate_refuses_hard_text_and_names_the_sentences(app):
    hard = (
        "The Local Strategic Partnership will facilitate the implementation of multi-agency "
        "interventions addressing intergenerational disadvantage through comprehensive "
        "neighbourhood regeneration programmes. Tell us."
    )
    c = make_consultation(youth_summary=hard, open_it=False)
    with pytest.raises(ReadingAgeTooHigh) as caught:
        services.open_consultation(c, now=now())
    assert "multi-agency interventions" in caught.value.detail
    assert caught.value.sentences[0].text.startswith("The Local Strategic Partnership")
    assert c.status is ConsultationStatus.DRAFT
    with pytest.raises(ReadingAgeTooHigh):
        services.open_consultation(c, now=now(), override_reason="   ")
    services.open_consultation(c, now=now(), override_reason="Legal wording must stay as it is.")
    assert c.status is ConsultationStatus.OPEN
    assert c.reading_age_override == "Legal wording must stay as it is."


def test_opening_and_closing_follow_the_lifecycle(app):
    c = make_consultation(open_it=False, closes_in=None, questions=[])
    with pytest.raises(IllegalTransition, match="at least one question"):
        services.open_consultation(c, now=now())
    services.add_question(c, services.QuestionSpec(QuestionKind.SCALE, "How happy are you?"))
    with pytest.raises(IllegalTransition):
        services.close_consultation(c, now=now())
    services.open_consultation(c, now=now())
    with pytest.raises(IllegalTransition):
        services.open_consultation(c, now=now())
    closed_at = now()
    services.close_consultation(c, now=closed_at)
    assert c.status is ConsultationStatus.CLOSED
    assert c.feedback_due == (closed_at + timedelta(weeks=8)).date()


def test_feedback_is_promised_eight_weeks_after_the_closing_date(app):
    c = make_consultation(closes_in=timedelta(days=10))
    assert c.feedback_due == (c.closes_at + timedelta(weeks=8)).date()


def test_a_scheduled_consultation_is_not_open_before_its_start(app):
    c = make_consultation(open_it=False)
    c.opens_at = now() + timedelta(days=2)
    services.open_consultation(c, now=now())
    db.session.commit()
    assert c.slug not in [x.slug for x in queries.open_consultations(now())]
    assert c.slug in [x.slug for x in queries.open_consultations(now() + timedelta(days=3))]
    with pytest.raises(ConsultationClosed):
        services.submit_answers(
            c,
            _person(),
            [services.AnswerInput(c.questions[2].id, value=1)],
            channel="telegram",
            now=now(),
        )
