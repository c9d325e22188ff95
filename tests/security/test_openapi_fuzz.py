"""Schemathesis drives every operation in /api/v1/openapi.json: no input makes a 5xx."""

from __future__ import annotations

import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.conftest import CHANNEL_TOKENS
from tests.helpers import make_consultation

AUTH = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
EXAMPLES_PER_OPERATION = 20
# A hard ceiling for the whole run (per engine), so CI time stays predictable.
TIME_BUDGET_SECONDS = 45


def test_no_request_the_api_describes_causes_a_server_error(app):
    # Many requests a second from one token is the point here, not something to refuse.
    app.config["RATELIMIT_API"] = app.config["RATELIMIT_API_ANSWERS"] = "1000000/minute"
    make_consultation(slug="have-your-say")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12, "the whole API should be described"
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
            case.call_and_validate(headers=AUTH, checks=[not_a_server_error])
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

        call()
        assert time.monotonic() - started < TIME_BUDGET_SECONDS, calls
    assert len(calls) == len(operations), calls
