"""The channel API: what the Telegram bot, the Rasa actions and any other channel rely on."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.models import Answer, Participant
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import make_consultation, now

PROBLEM = "application/problem+json"


def _submission(answers, uid="12345", channel="telegram"):  # type: ignore[no-untyped-def]
    return {"participant": {"channel": channel, "id": uid}, "answers": answers}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
def test_every_route_but_the_description_needs_a_channel_token(client, headers):
    c = make_consultation()
    for method, path in [
        ("get", "/api/v1/consultations"),
        ("get", f"/api/v1/consultations/{c.slug}"),
        ("post", f"/api/v1/consultations/{c.slug}/answers"),
        ("get", f"/api/v1/consultations/{c.slug}/results"),
    ]:
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 401, path
        assert response.mimetype == PROBLEM
        assert response.json["status"] == 401
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_list_and_show_give_the_youth_text_glossary_and_questions(api):
    c = make_consultation(youth_summary="The LSP wants to hear from you. Tell us what you think.")
    make_consultation(open_it=False)
    listing = api.get("/consultations").json["consultations"]
    assert [x["slug"] for x in listing] == [c.slug]
    assert set(listing[0]) >= {"slug", "youth_title", "summary", "closes_at", "reading_age"}
    assert listing[0]["reading_age"] <= 12
    shown = api.get(f"/consultations/{c.slug}").json
    assert shown["youth_text"].startswith("The LSP")
    assert shown["glossary"][0]["term"] == "Local Strategic Partnership"
    kinds = [q["kind"] for q in shown["questions"]]
    assert kinds == ["single_choice", "multiple_choice", "scale", "free_text"]
    assert [o["label"] for o in shown["questions"][0]["options"]] == [
        "Monday",
        "Friday",
        "Saturday",
    ]
    assert shown["questions"][2]["scale"] == {
        "min": 1,
        "max": 5,
        "min_label": "Not at all",
        "max_label": "A lot",
    }
    assert shown["original"]["url"].endswith(f"/c/{c.slug}#original")


def test_answers_are_saved_read_back_and_counted(api):
    c = make_consultation()
    single, multi, scale, free = c.questions
    answers = [
        {"question_id": single.id, "option_ids": [single.options[0].id]},
        {"question_id": multi.id, "option_ids": [multi.options[1].id, multi.options[2].id]},
        {"question_id": scale.id, "value": 4},
        {"question_id": free.id, "text": "Cheaper buses"},
    ]
    response = api.post(f"/consultations/{c.slug}/answers", json=_submission(answers))
    assert response.status_code == 200, response.json
    assert response.json == {"saved": 4}
    mine = api.get(f"/consultations/{c.slug}/answers?channel=telegram&id=12345").json["answers"]
    assert [(a["question_id"], a["option_ids"], a["value"], a["text"]) for a in mine] == [
        (single.id, [single.options[0].id], None, None),
        (multi.id, sorted([multi.options[1].id, multi.options[2].id]), None, None),
        (scale.id, [], 4, None),
        (free.id, [], None, "Cheaper buses"),
    ]
    results = api.get(f"/consultations/{c.slug}/results").json
    assert results["respondents"] == 1
    assert [o["count"] for o in results["questions"][0]["options"]] == [1, 0, 0]
    assert [o["count"] for o in results["questions"][2]["options"]] == [0, 0, 0, 1, 0]
    assert results["questions"][0]["options"][0]["percent"] == 100.0
    other = api.get(f"/consultations/{c.slug}/answers?channel=telegram&id=999").json
    assert other == {"answers": []}


def test_the_raw_channel_id_is_never_stored(api):
    c = make_consultation()
    api.post(
        f"/consultations/{c.slug}/answers",
        json=_submission([{"question_id": c.questions[2].id, "value": 3}], uid="777000111"),
    )
    person = db.session.scalar(select(Participant))
    assert person is not None
    assert "777000111" not in person.pseudonym
    dumped = " ".join(str(v) for v in vars(person).values())
    assert "777000111" not in dumped


@pytest.mark.parametrize(
    ("answer", "status", "message", "pointer"),
    [
        ({"question_id": 999999, "value": 3}, 422, "no such question", "/answers/1"),
        ({"question_id": "SCALE", "option_ids": [1]}, 422, "1 to 5", "/answers/1"),
        ({"question_id": "SCALE", "value": 9}, 422, "at most 5", "/answers/1/value"),
        ({"question_id": "SCALE", "value": "4"}, 422, "whole number", "/answers/1/value"),
        ({"question_id": "SCALE", "value": True}, 422, "whole number", "/answers/1/value"),
        (
            {"question_id": "SINGLE", "option_ids": [123456]},
            422,
            "not one of this question",
            "/answers/1",
        ),
        ({"question_id": "SINGLE", "option_ids": "1"}, 422, "Give a list", "/answers/1/option_ids"),
        ({"question_id": "FREE", "text": 42}, 422, "as text", "/answers/1/text"),
        ({"question_id": "FREE", "text": "y" * 201}, 422, "under 200", "/answers/1"),
        ("not an object", 422, "Give an object", "/answers/1"),
    ],
)
def test_a_bad_answer_refuses_the_whole_submission_with_a_problem_document(
    api, answer, status, message, pointer
):
    c = make_consultation()
    ids = {"SINGLE": c.questions[0].id, "SCALE": c.questions[2].id, "FREE": c.questions[3].id}
    if isinstance(answer, dict) and answer["question_id"] in ids:
        answer = {**answer, "question_id": ids[answer["question_id"]]}
    good = {"question_id": c.questions[1].id, "option_ids": [c.questions[1].options[0].id]}
    response = api.post(f"/consultations/{c.slug}/answers", json=_submission([good, answer]))
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["detail"] == "Nothing was saved because some answers need another look."
    [refused] = body["errors"]
    assert refused["index"] == 1
    assert refused["pointer"] == pointer
    assert message in refused["message"]
    if isinstance(answer, dict) and isinstance(answer["question_id"], int):
        assert refused["question_id"] == answer["question_id"]
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_every_refused_field_gets_its_own_pointer(api):
    c = make_consultation()
    scale = c.questions[2]
    body = {
        "participant": {"channel": "telegram", "id": ""},
        "answers": [
            {"question_id": scale.id, "value": "4"},
            {"question_id": scale.id, "option_ids": [1, "2"]},
        ],
    }
    response = api.post(f"/consultations/{c.slug}/answers", json=body)
    assert response.status_code == 422
    found = {e["pointer"]: e for e in response.json["errors"]}
    assert set(found) == {"/participant/id", "/answers/0/value", "/answers/1/option_ids/1"}
    assert found["/participant/id"]["message"] == "Write at least 1 character."
    assert found["/answers/1/option_ids/1"]["question_id"] == scale.id
    assert "index" not in found["/participant/id"]


def test_problem_documents_come_in_the_readers_language(api):
    c = make_consultation()
    scale = c.questions[2]
    bad = _submission([{"question_id": scale.id, "value": "4"}])
    polish = api.post(
        f"/consultations/{c.slug}/answers", json=bad, headers={"Accept-Language": "pl"}
    ).json
    assert polish["title"] == "Sprawdź jeszcze raz niektóre odpowiedzi"
    assert polish["errors"][0]["message"] == "Podaj liczbę całkowitą."
    urdu = api.post(
        f"/consultations/{c.slug}/answers", json=bad, headers={"Accept-Language": "ur"}
    ).json
    assert urdu["errors"][0]["message"] == "پورا عدد لکھیں۔"
    # The service's own refusals are translated too, and so is a missing token.
    services.close_consultation(c, now=now())
    db.session.commit()
    closed = api.post(
        f"/consultations/{c.slug}/answers",
        json=_submission([{"question_id": scale.id, "value": 4}]),
        headers={"Accept-Language": "pl"},
    ).json
    assert closed["status"] == 409
    assert closed["title"] != "This consultation is closed"
    anonymous = api.inner.get("/api/v1/consultations", headers={"Accept-Language": "ur"}).json
    assert anonymous["status"] == 401
    assert "Bearer" in anonymous["detail"] and anonymous["detail"].isascii() is False


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"answers": []},
        {"participant": {"channel": "telegram"}, "answers": [{}]},
        {"participant": {"channel": "telegram", "id": ""}, "answers": [{"question_id": 1}]},
        {"participant": {"channel": "telegram", "id": "x" * 129}, "answers": [{"question_id": 1}]},
        {"participant": "me", "answers": [{"question_id": 1}]},
    ],
)
def test_malformed_bodies_get_a_problem_document_not_a_500(api, body):
    c = make_consultation()
    response = api.post(f"/consultations/{c.slug}/answers", json=body)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM


def test_invalid_json_is_a_problem_document(api):
    c = make_consultation()
    response = api.post(
        f"/consultations/{c.slug}/answers", data="{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response.mimetype == PROBLEM


def test_a_token_speaks_only_for_its_own_channel(api):
    c = make_consultation()
    response = api.post(
        f"/consultations/{c.slug}/answers",
        json=_submission([{"question_id": c.questions[2].id, "value": 2}], channel="web"),
    )
    assert response.status_code == 422
    assert "telegram" in response.json["detail"]
    assert api.get(f"/consultations/{c.slug}/answers?channel=rasa&id=1").status_code == 422


def test_closed_and_unknown_consultations_are_problem_documents(api):
    c = make_consultation()
    services.close_consultation(c, now=now())
    db.session.commit()
    response = api.post(
        f"/consultations/{c.slug}/answers",
        json=_submission([{"question_id": c.questions[2].id, "value": 2}]),
    )
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert "not taking answers" in response.json["detail"]
    missing = api.get("/consultations/nope")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    assert api.get("/nothing-here").status_code == 404


def test_answering_again_through_the_api_replaces(api):
    c = make_consultation()
    q = c.questions[0]
    for option in (q.options[0], q.options[2]):
        api.post(
            f"/consultations/{c.slug}/answers",
            json=_submission([{"question_id": q.id, "option_ids": [option.id]}]),
        )
    counts = [
        o["count"]
        for o in api.get(f"/consultations/{c.slug}/results").json["questions"][0]["options"]
    ]
    assert counts == [0, 0, 1]


def test_rasa_has_its_own_token(client):
    c = make_consultation()
    headers = {"Authorization": f"Bearer {CHANNEL_TOKENS['rasa']}"}
    body = _submission([{"question_id": c.questions[2].id, "value": 5}], channel="rasa")
    assert client.post(
        f"/api/v1/consultations/{c.slug}/answers", json=body, headers=headers
    ).json == {"saved": 1}


def test_every_api_route_is_in_the_openapi_document(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    assert routes, "no API routes found"
    assert routes - documented == set(), "routes missing from openapi.json"
    assert documented - routes == set(), "documented routes that do not exist"


def test_the_glossary_is_there_for_chat_channels(api):
    response = api.get("/glossary")
    assert response.status_code == 200
    terms = {t["term"]: t for t in response.get_json()["glossary"]}
    assert "LSP" in terms["Local Strategic Partnership"]["aliases"]
    assert terms["Local Strategic Partnership"]["explanation"].startswith("The council")


def test_a_participant_can_be_named_in_headers_so_chat_ids_stay_out_of_urls(api):
    consultation = make_consultation()
    q = consultation.questions[0]
    api.post(
        f"/consultations/{consultation.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": "5551234"},
            "answers": [{"question_id": q.id, "option_ids": [q.options[1].id]}],
        },
    )
    headers = {**api.headers, "X-Participant-Channel": "telegram", "X-Participant-Id": "5551234"}
    by_header = api.inner.get(f"/api/v1/consultations/{consultation.slug}/answers", headers=headers)
    assert by_header.get_json()["answers"][0]["option_ids"] == [q.options[1].id]
    me = api.inner.get("/api/v1/participants/me", headers=headers)
    assert me.get_json()["known"] is True
    # The query form still works for clients that cannot set headers.
    by_query = api.get(
        f"/consultations/{consultation.slug}/answers",
        query_string={"channel": "telegram", "id": "5551234"},
    )
    assert by_query.get_json() == by_header.get_json()
    nobody = api.inner.get(
        f"/api/v1/consultations/{consultation.slug}/answers", headers=api.headers
    )
    assert nobody.status_code == 422
    assert nobody.headers["Content-Type"].startswith("application/problem+json")
