"""Schemathesis drives /api/v1/openapi.json against the app: every answer is as described.

Each operation gets valid and invalid requests; then chains of calls follow the document's
links (list → open → answer → read back, lease → acknowledge …). Every response must be a
documented status with the documented content type and match its schema, and none a 5xx.
"""

from __future__ import annotations

import time

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
    # The links were followed: answers were saved and read back, news leased and acknowledged.
    assert {"POST /consultations/{slug}/answers", "GET /consultations/{slug}"} <= set(steps), steps
