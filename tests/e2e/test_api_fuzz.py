"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis):
whatever is sent, the answer is never a server error. Runs on each database with a small
demo."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from sevasetu.entrypoints.api.app import create_app
from sevasetu.services.demo import load_demo

from ..builders import auth, staff

SKIPPED = {"/api/v1/auth/logout"}  # it would end the fuzzer's own session


def test_no_input_makes_a_server_error(ctx):
    load_demo(ctx, people=200, seed=3)
    headers = auth(staff(ctx, "fuzz.officer", "district_officer", "IN-WB-NAD"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ctx=ctx))
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def answers_without_crashing(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        answers_without_crashing()
        tested += 1
    assert tested >= 15
