"""The channel API's submission path, the busiest write: exact counts, fresh rules, races.

``services.submit_as`` writes with plain statements, one per table, so these tests check
what the ORM used to guarantee for free: counters equal to ``COUNT(*)``, a question edited
by staff applying to the very next submission, and a moderator's decision kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select

from consultations import authoring, services
from consultations.db import db
from consultations.models import (
    Answer,
    Consultation,
    Option,
    Participant,
    Question,
    QuestionKind,
)
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.staff_models import Role
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import counts_that_disagree, make_consultation, now
from tests.staff.support import make_user

HEADERS = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}


def _post(client: Any, slug: str, uid: str, answers: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/consultations/{slug}/answers",
        json={"participant": {"channel": "telegram", "id": uid}, "answers": answers},
        headers=HEADERS,
    )


def _everything(c: Consultation, option: int = 0, value: int = 3) -> list[dict[str, Any]]:
    single, multi, scale, free = c.questions
    return [
        {"question_id": single.id, "option_ids": [single.options[option].id]},
        {"question_id": multi.id, "option_ids": [multi.options[0].id, multi.options[1].id]},
        {"question_id": scale.id, "value": value},
        {"question_id": free.id, "text": f"More buses please ({option}, {value})"},
    ]


def _assert_counts_are_true() -> None:
    """Every counter the results read equals a count of the rows it stands for."""
    assert not counts_that_disagree()
    db.session.expire_all()


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_first_submission_costs_nine_statements_and_a_replacement_eleven(app, client):
    """A budget, so a change that adds round trips to the busiest path is a decision."""
    c = make_consultation()
    # Everything the test itself reads is read before counting.
    slug, first_answers, new_answers = c.slug, _everything(c), _everything(c, option=1, value=5)
    with _statements() as first:
        assert _post(client, slug, "budget", first_answers).status_code == 200
    with _statements() as again:
        assert _post(client, slug, "budget", new_answers).status_code == 200
    # consultation, participant (its insert is also the lock an erasure waits for), answers,
    # choices, tallies, answer counts, participation, respondent count, moderation
    assert len(first) == 9, "\n".join(first)
    # + finding the existing participant and their answers, replacing them and their
    # choices and tension signals; no answer count or respondent count moves
    assert len(again) == 11, "\n".join(again)
    _assert_counts_are_true()


def test_tallies_follow_every_change_of_mind(app, client):
    c = make_consultation()
    multi = c.questions[1]
    sport, music, gaming, cooking = (o.id for o in multi.options)
    for picked in ([sport, music], [music, gaming], [gaming], [gaming], [cooking, sport]):
        response = _post(
            client, c.slug, "fickle", [{"question_id": multi.id, "option_ids": picked}]
        )
        assert response.status_code == 200
        _assert_counts_are_true()
        db.session.expire_all()
        assert sorted(o.id for o in multi.options if o.tally) == sorted(picked)
    assert _post(client, c.slug, "steady", _everything(c)).status_code == 200
    _assert_counts_are_true()
    assert c.respondent_count == 2


def test_a_question_edited_while_open_applies_to_the_next_submission(app, client):
    """Nothing about a consultation's questions is remembered between submissions."""
    c = make_consultation()
    single, multi, _, free = c.questions
    editor = make_user(Role.ADMIN)
    first = [{"question_id": single.id, "option_ids": [single.options[0].id]}]
    assert _post(client, c.slug, "before", first).status_code == 200

    # Nobody has picked from the multiple-choice question yet, so its options can be replaced.
    old_options = [o.id for o in multi.options]
    edit = authoring.QuestionEdit(prompt=multi.prompt, options=["Dance", "Drama"])
    authoring.update_question(editor, multi, edit, now=now())
    shorter = authoring.QuestionEdit(prompt=free.prompt, max_length=10)
    authoring.update_question(editor, free, shorter, now=now())
    added = services.add_question(
        c, services.QuestionSpec(QuestionKind.SINGLE_CHOICE, "Which time?", options=["6", "8"])
    )
    db.session.commit()

    stale = [{"question_id": multi.id, "option_ids": [old_options[0]]}]
    assert _post(client, c.slug, "after", stale).status_code == 422
    too_long = _post(
        client, c.slug, "after", [{"question_id": free.id, "text": "far too long now"}]
    )
    assert too_long.status_code == 422
    assert "under 10 characters" in too_long.json["errors"][0]["message"]
    fresh = [
        {"question_id": multi.id, "option_ids": [multi.options[1].id]},
        {"question_id": added.id, "option_ids": [added.options[0].id]},
        {"question_id": single.id, "option_ids": [single.options[2].id]},
    ]
    assert _post(client, c.slug, "after", fresh).status_code == 200
    db.session.expire_all()
    assert [o.tally for o in multi.options] == [0, 1]
    assert [o.tally for o in added.options] == [1, 0]
    _assert_counts_are_true()


def test_a_closed_consultation_refuses_the_very_next_submission(app, client):
    c = make_consultation()
    assert _post(client, c.slug, "early", _everything(c)).status_code == 200
    services.close_consultation(c, now=now())
    db.session.commit()
    assert _post(client, c.slug, "late", _everything(c)).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1


def test_an_unchanged_written_answer_keeps_the_moderators_decision(app, client):
    c = make_consultation()
    free = c.questions[-1]
    written = [{"question_id": free.id, "text": "A skate park please"}]
    assert _post(client, c.slug, "writer", written).status_code == 200
    record = db.session.scalar(select(AnswerModeration))
    assert record is not None and record.status is ModerationStatus.PENDING
    record.status = ModerationStatus.APPROVED
    db.session.commit()

    assert _post(client, c.slug, "writer", written).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(AnswerModeration.status)) is ModerationStatus.APPROVED

    changed = [{"question_id": free.id, "text": "A skate park and a youth club please"}]
    assert _post(client, c.slug, "writer", changed).status_code == 200
    db.session.expire_all()
    record = db.session.scalar(select(AnswerModeration))
    assert record is not None
    assert record.status is ModerationStatus.PENDING, "new words need a new decision"
    assert record.redacted_text == "A skate park and a youth club please"
    assert db.session.scalar(select(func.count()).select_from(AnswerModeration)) == 1


def test_a_new_participants_racing_first_submissions_end_as_one_person(app):
    """A chat client retrying at once: the same new person's submissions cross in flight."""
    c = make_consultation()
    slug, single, free = c.slug, c.questions[0].id, c.questions[-1].id
    options = [o.id for o in c.questions[0].options]
    db.session.remove()
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(option: int) -> None:
        try:
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/consultations/{slug}/answers",
                json={
                    "participant": {"channel": "telegram", "id": "twin"},
                    "answers": [
                        {"question_id": single, "option_ids": [options[option]]},
                        {"question_id": free, "text": f"Sent {option}"},
                    ],
                },
                headers=HEADERS,
            )
            statuses.append(response.status_code)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i % 3,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert statuses == [200] * 4
    c = db.session.get(Consultation, c.id)
    assert c is not None
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 2
    assert db.session.scalar(select(func.count()).select_from(AnswerModeration)) == 1
    assert sum(o.tally for o in db.session.scalars(select(Option))) == 1
    counts = db.session.scalars(select(Question.answer_count).order_by(Question.position))
    assert list(counts) == [1, 0, 0, 1]
    _assert_counts_are_true()
    assert c.respondent_count == 1
