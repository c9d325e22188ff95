"""Schemathesis drives /api/v1/openapi.json against the app: every answer is as described.

Each operation gets valid and invalid requests; then chains of calls follow the document's
links (list → open → answer → read back, lease → acknowledge …). Every response must be a
documented status with the documented content type and match its schema, and none a 5xx.
"""

from __future__ import annotations

import time
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consultations.db import db
from feedback import notices, outcomes
from tests.conftest import CHANNEL_TOKENS
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation, now
from tests.staff.support import make_user

AUTH = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20
SCENARIOS = 25
# Hard ceilings (per engine), so CI time stays predictable.
TIME_BUDGET_SECONDS = 45
STATEFUL_BUDGET_SECONDS = 40


def _api_with_data(app):  # type: ignore[no-untyped-def]
    """An open consultation, a closed one with published feedback, and messages to deliver."""
    from consultations.staff_models import Role

    # Many requests a second from one token is the point here, not something to refuse.
    app.config["RATELIMIT_API"] = app.config["RATELIMIT_API_ANSWERS"] = "1000000/minute"
    make_consultation(slug="have-your-say")
    crowd = closed_consultation(subscribed=3, slug="you-said")
    officer = make_user(Role.OFFICER)
    outcomes.save_you_said(officer, crowd.consultation, "You want more buses.", now=now())
    outcomes.add_we_did(
        officer, crowd.consultation, action="More buses", partner="Council", now=now()
    )
    outcomes.publish_feedback(officer, crowd.consultation, now=now(), link="http://x/y")
    notices.notify_results_out(crowd.consultation, now=now(), link="http://x/r")
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_as_its_description_says(app):
    schema = _api_with_data(app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17, "the whole API should be described"
    started = time.monotonic()
    calls: dict[str, int] = {}

    for operation in operations:
        # Valid requests (which reach the services) and invalid ones (which must be refused).
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def call(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=AUTH, checks=CHECKS)
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

        call()
        assert time.monotonic() - started < TIME_BUDGET_SECONDS, calls
    assert len(calls) == len(operations), calls


def test_chains_of_calls_along_the_links_answer_as_described(app):
    schema = _api_with_data(app)
    started = time.monotonic()
    steps: dict[str, int] = {}

    class Chains(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
            return {"headers": AUTH}

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            steps[case.operation.label] = steps.get(case.operation.label, 0) + 1
            case.validate_response(response, checks=CHECKS, headers=AUTH)
            assert time.monotonic() - started < STATEFUL_BUDGET_SECONDS, steps

    Chains.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Which links a random run follows depends on the generator's choices, which change with
    # the library's version; that every link leads where it says is the next test's job.
    assert sum(steps.values()) >= SCENARIOS, steps


# What a client sends to a link's target beyond what the link carries: the link names the
# consultation or the message, the client writes the answers or says how delivery went.
def _answer_every_question(source: dict[str, Any]) -> dict[str, Any]:
    answers = []
    for question in source["response"]["questions"]:
        if question["options"]:
            answers.append(
                {"question_id": question["id"], "option_ids": [question["options"][0]["id"]]}
            )
        elif question["kind"] == "free_text":
            answers.append({"question_id": question["id"], "text": "More buses at night"})
    return {"participant": WALKER, "answers": answers}


WALKER = {"channel": "telegram", "id": "link-walker"}
BODIES = {
    "submitAnswers": _answer_every_question,
    "acknowledgeMessage": lambda source: {
        "lease_token": source["response"]["messages"][0]["lease_token"],
        "outcome": "sent",
    },
}
# Where a walk starts: the operations no link leads to, called as a channel would.
STARTS = {
    "listConsultations": {},
    "leaseMessages": {"body": {"limit": 5}},
    "listPublicOutcomes": {},
    "subscribe": {"body": {"participant": WALKER, "address": "4242"}},
    "updateProfile": {"body": {"participant": WALKER, "age_band": "prefer_not_to_say"}},
}


def _resolve(expression: str, source: dict[str, Any]) -> Any:
    """A runtime expression of the forms the document uses, against one call and its answer."""
    if expression.startswith("$request.path."):
        return source["path"][expression.removeprefix("$request.path.")]
    where, _, pointer = expression.partition("#")
    value = source["response"] if where == "$response.body" else source["body"]
    for part in filter(None, pointer.split("/")):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_every_link_in_the_document_leads_where_it_says(app):
    """Each link is followed from a real answer: the target answers 200, as described."""
    schema = _api_with_data(app)
    document = schema.raw_schema
    links = {
        operation["operationId"]: operation["responses"]["200"].get("links", {})
        for item in document["paths"].values()
        for operation in item.values()
    }
    followed: set[tuple[str, str]] = set()
    answered: dict[str, Any] = {}

    def call(
        op_id: str, path: dict[str, Any], headers: dict[str, Any], query: dict[str, Any], body: Any
    ) -> None:
        operation = schema.find_operation_by_id(op_id)
        case = operation.Case(
            path_parameters=path,
            headers=headers,
            query=query,
            **({"body": body} if body is not None else {}),
        )
        response = case.call(headers=AUTH)
        case.validate_response(response, checks=CHECKS, headers=AUTH)
        assert response.status_code == 200, (op_id, response.text)
        source = {"path": path, "body": body, "response": response.json()}
        answered[op_id] = source["response"]
        for name, link in links[op_id].items():
            if (op_id, name) in followed:
                continue
            followed.add((op_id, name))
            target = schema.find_operation_by_id(link["operationId"])
            where = {p["name"]: p["in"] for p in target.definition.raw.get("parameters", [])}
            parts: dict[str, dict[str, Any]] = {"path": {}, "header": {}, "query": {}}
            for key, expression in link.get("parameters", {}).items():
                place, _, name_ = key.rpartition(".")
                parts[place or where[name_]][name_] = _resolve(expression, source)
            next_body = (
                {k: _resolve(v, source) for k, v in link["requestBody"].items()}
                if "requestBody" in link
                else BODIES[link["operationId"]](source)
                if link["operationId"] in BODIES
                else None
            )
            call(link["operationId"], parts["path"], parts["header"], parts["query"], next_body)

    for op_id, start in STARTS.items():
        call(op_id, {}, {}, {}, start.get("body"))
    every_link = {(op_id, name) for op_id, named in links.items() for name in named}
    assert followed == every_link
    # The read-back link names the person who answered, not just anyone.
    assert len(answered["getParticipantAnswers"]["answers"]) == answered["submitAnswers"]["saved"]
