"""schemathesis against the app's own OpenAPI schema: whatever the schema admits, never a 5xx.

Driven through its Python API (pytest 9 and schemathesis' pytest plugin disagree on internals):
one Hypothesis run per operation, cases generated from the schema, sent in-process over ASGI.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from rag.encoder import HashEncoder
from rag.engine import Engine
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):
    from web.app import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("RAG_STAFF_TOKEN", "schemathesis-token")
    engine = Engine.open(make_settings(tmp_path_factory.mktemp("schemathesis")), encoder=HashEncoder())
    engine.settings = replace(engine.settings, rate_limit=0)
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(engine))
    mp.undo()


def test_schema_lists_the_api(api_schema) -> None:
    paths = {op.ok().path for op in api_schema.get_all_operations()}
    assert {"/api/ask", "/api/search", "/api/feedback", "/healthz"} <= paths


@pytest.mark.parametrize("path", ["/api/ask", "/api/search", "/api/feedback", "/healthz"])
def test_no_server_errors(api_schema, path: str) -> None:
    op = next(o.ok() for o in api_schema.get_all_operations() if o.ok().path == path)

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(op.as_strategy())
    def check(case) -> None:
        response = case.call()
        assert response.status_code < 500, (case.method, case.path, case.body, response.text[:300])
        if response.status_code >= 400:
            assert response.json().get("error")

    check()
