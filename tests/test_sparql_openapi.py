"""Schemathesis over the OpenAPI description of a live server: whatever it sends, no answer is a 5xx.

Bounded: a couple of dozen generated requests per operation (derandomized, so a failure repeats), on a throwaway
store with updates allowed, so the update routes and the Graph Store protocol are exercised too.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from conftest import live_server, make_store, settings_for, w3c_graphs
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("openapi") / "store", w3c_graphs())
    with live_server(settings_for(store, allow_update=True, timeout=5.0)) as server:
        yield server


def test_no_generated_request_gets_a_server_error(server):
    schema = schemathesis.openapi.from_url(server.origin + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"GET /sparql", "POST /sparql", "GET /health", "PUT /rdf-graphs/service"} <= {
        f"{op.method.upper()} {op.path}" for op in operations}
    started = time.monotonic()
    seen: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call(timeout=20)
            seen.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:500]}")

        no_server_error()
    assert len(seen) >= len(operations)
    assert time.monotonic() - started < 60
