"""Property-based fuzzing: whatever a channel or a browser sends, never a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from consultations.db import db
from consultations.models import Participant
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import csrf_token, make_consultation
from tests.staff.support import page

FUZZ = settings(
    max_examples=100,
    deadline=None,
    # One app and database per test, shared by its examples, like a server taking requests.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=False,
)

# Text as hostile as it gets: control characters (NUL included), surrogates excluded by
# JSON itself, right-to-left marks, very long strings.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=600),
    st.sampled_from(["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "‮", "%s%n"]),
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=40),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31, 2**63, -(2**63) - 1]),
)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, st.floats(), nasty_text)
any_json = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _answers(question_ids: list[int], option_ids: list[int]):  # type: ignore[no-untyped-def]
    ids = st.one_of(st.sampled_from(question_ids), numbers, json_scalars)
    options = st.one_of(
        st.lists(st.one_of(st.sampled_from(option_ids), numbers), max_size=5), json_scalars
    )
    answer = st.fixed_dictionaries(
        {},
        optional={
            "question_id": ids,
            "option_ids": options,
            "value": st.one_of(numbers, json_scalars),
            "text": st.one_of(nasty_text, json_scalars),
        },
    )
    return st.one_of(st.lists(answer, max_size=6), any_json)


def _participants():  # type: ignore[no-untyped-def]
    return st.one_of(
        st.fixed_dictionaries(
            {
                "channel": st.one_of(st.just("telegram"), st.just("rasa"), nasty_text),
                "id": st.one_of(nasty_text, numbers, json_scalars),
            }
        ),
        any_json,
    )


def test_the_answer_api_never_fails_with_a_server_error(app):
    app.config["RATELIMIT_API"] = app.config["RATELIMIT_API_ANSWERS"] = "1000000/minute"
    consultation = make_consultation()
    question_ids = [q.id for q in consultation.questions]
    option_ids = [o.id for q in consultation.questions for o in q.options]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
    url = f"/api/v1/consultations/{consultation.slug}/answers"
    seen: set[int] = set()

    q = consultation.questions
    well_formed = st.fixed_dictionaries(
        {
            "participant": st.fixed_dictionaries(
                {"channel": st.just("telegram"), "id": st.text("abc123", min_size=1, max_size=6)}
            ),
            "answers": st.tuples(
                st.sampled_from([o.id for o in q[0].options]),
                st.integers(min_value=1, max_value=5),
                nasty_text,
            ).map(
                lambda t: [
                    {"question_id": q[0].id, "option_ids": [t[0]]},
                    {"question_id": q[2].id, "value": t[1]},
                    {"question_id": q[3].id, "text": t[2]},
                ]
            ),
        }
    )

    @FUZZ
    @given(
        body=st.one_of(
            well_formed,
            st.fixed_dictionaries(
                {"participant": _participants(), "answers": _answers(question_ids, option_ids)},
                optional={"access_code": st.one_of(nasty_text, json_scalars)},
            ),
            any_json,
        )
    )
    def send(body: object) -> None:
        response = client.post(url, headers=headers, json=body)
        seen.add(response.status_code)
        assert response.status_code < 500, (body, response.get_data(as_text=True))
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"

    send()
    assert 200 in seen and 422 in seen, seen  # the fuzz reached both success and refusal


def test_the_web_form_never_fails_with_a_server_error(app):
    app.config["RATELIMIT_ANSWERS"] = "1000000/minute"
    consultation = make_consultation()
    q = consultation.questions
    client = app.test_client()
    token = csrf_token(page(client, f"/c/{consultation.slug}"))
    field_values = st.one_of(
        nasty_text, numbers.map(str), st.sampled_from([str(o.id) for x in q for o in x.options])
    )
    fields = st.fixed_dictionaries(
        {},
        optional={
            f"q{q[0].id}": field_values,
            f"q{q[1].id}": st.lists(field_values, max_size=4),
            f"q{q[2].id}": field_values,
            f"q{q[3].id}": nasty_text,
            "age_band": st.one_of(
                st.sampled_from(["11-13", "16-17", "prefer_not_to_say"]), nasty_text
            ),
            "area": nasty_text,
            "under_13": st.one_of(st.sampled_from(["yes", "no"]), nasty_text),
            "grown_up_ok": st.one_of(st.just("y"), nasty_text),
            "access_code": nasty_text,
            "csrf_token": st.one_of(st.just(token), nasty_text),
        },
    )
    well_formed = st.fixed_dictionaries(
        {
            f"q{q[0].id}": st.sampled_from([str(o.id) for o in q[0].options]),
            f"q{q[3].id}": nasty_text,
            "area": nasty_text,
        }
    )
    seen: set[int] = set()

    @FUZZ
    @given(form=st.one_of(well_formed, fields))
    def send(form: dict[str, object]) -> None:
        data = {"csrf_token": token, **form}
        response = client.post(f"/c/{consultation.slug}", data=data)
        seen.add(response.status_code)
        assert response.status_code < 500, (form, response.get_data(as_text=True)[:500])

    send()
    assert {303, 422} <= seen, seen


@pytest.mark.parametrize("path", ["/forget-me", "/p/NOPE", "/staff/login"])
def test_other_forms_refuse_junk_without_a_server_error(client, path):
    @FUZZ
    @given(form=st.dictionaries(st.text(max_size=12), nasty_text, max_size=5))
    def send(form: dict[str, str]) -> None:
        assert client.post(path, data=form).status_code < 500

    send()


def test_nul_characters_never_reach_the_database(app, client, api):
    consultation = make_consultation()
    token = csrf_token(page(client, f"/c/{consultation.slug}"))
    q = consultation.questions
    # The web form drops them and saves the rest: nothing anyone typed is lost.
    response = client.post(
        f"/c/{consultation.slug}",
        data={"csrf_token": token, f"q{q[0].id}": str(q[0].options[0].id), "area": "ST\x004"},
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Participant.area)) == "ST4"
    refused = api.post(
        f"/consultations/{consultation.slug}/answers",
        json={"participant": {"channel": "telegram", "id": "1\x00"}, "answers": []},
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert client.get("/c/a%00b").status_code == 400
    assert api.get("/consultations/a%00b").status_code == 422


def test_ids_too_big_for_the_database_are_simply_not_found(app, api):
    from consultations.staff_models import Role
    from tests.staff.support import make_user, sign_in

    client = app.test_client()
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/staff/consultations/99999999999").status_code == 404
    assert client.get(f"/staff/consultations/{2**31 - 1}").status_code == 404
    response = api.post("/outbox/165475339734536/ack", json={"lease_token": "x", "outcome": "sent"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
