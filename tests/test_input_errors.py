"""Refused input comes in kinds: a young person's answers, staff edits, a caller's request."""

from __future__ import annotations

import pytest

from consultations import accounts, services
from consultations.errors import InvalidAnswer, InvalidEdit, InvalidInput, InvalidRequest
from consultations.staff_models import Role
from tests.helpers import make_consultation, now


def test_each_kind_is_refused_input_and_says_whose_it_was(app):
    c = make_consultation()
    person = services.participant_for("telegram", "42", key=b"k")
    with pytest.raises(InvalidAnswer) as answers:
        services.submit_answers(
            c,
            person,
            [services.AnswerInput(question_id=c.questions[0].id)],
            channel="web",
            now=now(),
        )
    with pytest.raises(InvalidEdit) as edit:
        accounts.create_user("not an address", "x" * 20, Role.OFFICER.value, now=now())
    with pytest.raises(InvalidRequest) as request:
        services.participant_for("telegram", "", key=b"k")
    for refused in (answers.value, edit.value, request.value):
        assert isinstance(refused, InvalidInput) and refused.status == 422
    assert answers.value.problems and answers.value.title == "Some answers need another look"
    assert edit.value.title == request.value.title == "Something is not right"


def test_a_request_that_is_not_about_answers_is_not_titled_as_answers(api):
    refused = api.get("/participants/me")
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert refused.json["title"] == "Something is not right"
    assert refused.json["detail"].startswith("Say who this is for")
