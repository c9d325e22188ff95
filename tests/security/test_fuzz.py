"""Property-based fuzzing: whatever a channel or a browser sends, never a server error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from consultations import polls, services
from consultations.db import db
from consultations.models import Participant
from consultations.staff_models import Role
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import EASY_TEXT, csrf_token, make_consultation, now
from tests.security.support import check_headers
from tests.staff.support import make_user, page, post, sign_in

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
    assert db.session.scalar(select(Participant.area)) == "st4"
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


# --- small bad inputs, each a case: a plain 4xx with the security headers, never a 500 ---


@dataclass
class Refusal:
    response: TestResponse
    status: int
    words: str  # what the reader is told, in their language
    api: bool = False


BAD_INPUTS: dict[str, Callable[[Flask], Refusal]] = {}


def case(name: str) -> Callable[[Callable[[Flask], Refusal]], Callable[[Flask], Refusal]]:
    def register(make: Callable[[Flask], Refusal]) -> Callable[[Flask], Refusal]:
        BAD_INPUTS[name] = make
        return make

    return register


API_HEADERS = {
    "Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}",
    "Content-Type": "application/json",
}


def _answers_url(consultation: object) -> str:
    return f"/api/v1/consultations/{consultation.slug}/answers"  # type: ignore[attr-defined]


def _nested(depth: int) -> str:
    return '{"participant": {"channel": "telegram", "id": "1"}, "answers": ' + (
        "[" * depth + "]" * depth + "}"
    )


for depth in (350, 1_000, 100_000):

    @case(f"JSON nested {depth} deep")
    def _deep(app: Flask, depth: int = depth) -> Refusal:
        c = make_consultation()
        response = app.test_client().post(_answers_url(c), data=_nested(depth), headers=API_HEADERS)
        return Refusal(response, 400, "nested too deeply", api=True)


SURROGATE_BODIES = {
    "an answer's text": '{{"participant": {{"channel": "telegram", "id": "5"}}, '
    '"answers": [{{"question_id": {free}, "text": "Benches \\ud800 please"}}]}}',
    "a participant id": '{{"participant": {{"channel": "telegram", "id": "\\udfff"}}, '
    '"answers": [{{"question_id": {free}, "text": "Benches"}}]}}',
    "a key": '{{"participant": {{"channel": "telegram", "id": "5", "\\ud83d": 1}}, '
    '"answers": [{{"question_id": {free}, "text": "Benches"}}]}}',
}
for where, template in SURROGATE_BODIES.items():

    @case(f"a lone surrogate in {where}")
    def _surrogate(app: Flask, template: str = template) -> Refusal:
        c = make_consultation()
        body = template.format(free=c.questions[3].id)
        response = app.test_client().post(_answers_url(c), data=body, headers=API_HEADERS)
        return Refusal(response, 422, "half of a character", api=True)


@case("a lone surrogate in an area")
def _surrogate_area(app: Flask) -> Refusal:
    body = '{"participant": {"channel": "telegram", "id": "5"}, "area": "ST\\ud8004"}'
    response = app.test_client().post(
        "/api/v1/participants/profile", data=body, headers=API_HEADERS
    )
    return Refusal(response, 422, "half of a character", api=True)


TOO_BIG = "x" * (257 * 1024)

for path in ("/c/{slug}", "/forget-me", "/p/{code}", "/staff/login"):

    @case(f"a POST over 256 KiB to {path}")
    def _too_big(app: Flask, path: str = path) -> Refusal:
        c = make_consultation()
        poll = polls.create_poll(
            make_user(Role.ADMIN), "Best snack?", ["Crisps", "Fruit"], now=now()
        )
        db.session.commit()
        url = path.format(slug=c.slug, code=poll.join_code)
        response = app.test_client().post(
            url, data={"answer": TOO_BIG}, headers={"Accept-Language": "pl"}
        )
        words = "za dużo" if not path.startswith("/staff") else "too much to send"
        return Refusal(response, 413, words)


@case("a POST over 256 KiB to the API")
def _too_big_api(app: Flask) -> Refusal:
    c = make_consultation()
    body = '{"participant": {"channel": "telegram", "id": "5"}, "answers": [], "x": "%s"}'
    response = app.test_client().post(_answers_url(c), data=body % TOO_BIG, headers=API_HEADERS)
    return Refusal(response, 413, "Too Large", api=True)


def _signed_in(app: Flask, role: Role) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(role)).status_code == 303
    return client


@case("a report period ending 9999-12-31")
def _report_end(app: Flask) -> Refusal:
    make_consultation()
    client = _signed_in(app, Role.OFFICER)
    response = client.get("/staff/reports?consultation=&start=2026-01-01&end=9999-12-31&format=csv")
    return Refusal(response, 422, "Give a date between 2000 and 2099.")


@case("the forum's report period ending 9999-12-31")
def _forum_report_end(app: Flask) -> Refusal:
    client = _signed_in(app, Role.FORUM_MEMBER)
    response = client.get(
        "/forum/report?consultation=&start=2026-01-01&end=9999-12-31&format=json",
        headers={"Accept-Language": "pl"},
    )
    return Refusal(response, 422, "Podaj datę między 2000 a 2099 rokiem.")


def _consultation_fields(c: object, **changes: str) -> dict[str, str]:
    fields = {
        "title": "Consultation",
        "youth_title": "Have your say",
        "theme": "",
        "source_document": "",
        "source_organisation": "",
        "original_text": "Text.",
        "youth_summary": EASY_TEXT,
        "reading_age_target": "12",
        "audience_min_age": "11",
        "audience_max_age": "25",
        "opens_at": "",
        "closes_at": "",
    }
    return {**fields, **changes}


@case("a closing date of 9999-12-31 on a new consultation")
def _new_closes(app: Flask) -> Refusal:
    client = _signed_in(app, Role.OFFICER)
    data = _consultation_fields(None, closes_at="9999-12-31T23:59")
    response = post(client, "/staff/consultations/new", data)
    return Refusal(response, 422, "Give a date between 2000 and 2099.")


@case("a closing date of 9999-12-31 on a draft")
def _edit_closes(app: Flask) -> Refusal:
    c = make_consultation(open_it=False)
    client = _signed_in(app, Role.OFFICER)
    data = _consultation_fields(c, closes_at="9999-12-31T23:59")
    response = post(client, f"/staff/consultations/{c.id}", data)
    return Refusal(response, 422, "Give a date between 2000 and 2099.")


@case("a new closing date of 9999-12-31 when reopening")
def _reopen_closes(app: Flask) -> Refusal:
    c = make_consultation()
    services.close_consultation(c, now=now())
    db.session.commit()
    client = _signed_in(app, Role.OFFICER)
    response = post(
        client, f"/staff/consultations/{c.id}/reopen", {"closes_at": "9999-12-31T23:59"}
    )
    return Refusal(response, 422, "Give a date between 2000 and 2099.")


@case("a poll option over 120 characters")
def _long_option(app: Flask) -> Refusal:
    client = _signed_in(app, Role.YOUTH_WORKER)
    response = post(
        client,
        "/staff/polls/new",
        {"question": "Best snack?", "option_1": "Crisps", "option_2": "Fruit " * 30},
    )
    return Refusal(response, 422, "Keep each option to 120 characters or fewer.")


@case("a question option over 120 characters")
def _long_question_option(app: Flask) -> Refusal:
    c = make_consultation(open_it=False)
    client = _signed_in(app, Role.OFFICER)
    response = post(
        client,
        f"/staff/consultations/{c.id}/questions",
        {"prompt": "Which day?", "kind": "single_choice", "options": "Monday\n" + "Friday " * 30},
    )
    return Refusal(response, 422, "Keep each option to 120 characters or fewer.")


@case("glossary aliases over the limits")
def _many_aliases(app: Flask) -> Refusal:
    client = _signed_in(app, Role.OFFICER)
    aliases = ", ".join(f"form{n}" for n in range(5_000))
    response = post(
        client,
        "/staff/glossary",
        {"term": "ward", "aliases": aliases, "explanation": "An area of the city."},
    )
    return Refusal(response, 422, "Give at most 20 other forms")


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_small_bad_inputs_get_a_plain_refusal_with_the_security_headers(app, name):

    refusal = BAD_INPUTS[name](app)
    response = refusal.response
    body = response.get_data(as_text=True)
    assert response.status_code == refusal.status, (name, response.status_code, body[:300])
    assert refusal.words in body, (name, body[:2000])
    check_headers(response, name)
    if refusal.api:
        assert response.mimetype == "application/problem+json", name
    else:
        assert response.mimetype == "text/html", name
    assert "Traceback" not in body


def test_nothing_refused_reached_the_database(app):
    """A refused option, alias or date leaves no half-made poll, term or consultation."""
    from consultations.models import Consultation, GlossaryTerm

    before = (
        db.session.scalar(select(func.count(Consultation.id))),
        db.session.scalar(select(func.count(GlossaryTerm.id))),
    )
    for name in ("a poll option over 120 characters", "glossary aliases over the limits"):
        BAD_INPUTS[name](app)
    db.session.rollback()
    after = (
        db.session.scalar(select(func.count(Consultation.id))),
        db.session.scalar(select(func.count(GlossaryTerm.id))),
    )
    assert after == before


@pytest.mark.parametrize(
    ("where", "path"),
    [("form", "/c/anything"), ("args", "/c/anything"), ("form", "/api/v1/consultations/x/answers")],
)
def test_one_check_refuses_half_characters_in_forms_and_query_strings_too(app, where, path):
    """Browsers never send one, but whatever decodes a request, the same check stands."""
    from werkzeug.datastructures import ImmutableMultiDict

    from webapp.security import refuse_unstorable_input

    with app.test_request_context(path, method="POST"):
        from flask import request

        request.__dict__["files"] = ImmutableMultiDict()
        request.__dict__[where] = ImmutableMultiDict([("area", "ST\ud8004")])
        response = refuse_unstorable_input()
    assert response is not None
    assert response.status_code == (422 if path.startswith("/api/") else 400)
    assert "broken character" in response.get_data(as_text=True) or path.startswith("/api/")
