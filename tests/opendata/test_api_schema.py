"""The open data endpoints against their OpenAPI description, with data in them: schemathesis sends generated
requests (cursors, page sizes, ocids) and every answer must be a declared one, never a 500; the documented
schema names the feed's parameters."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.tenders.builders import published_tender

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(committed):
    with committed():
        for n in range(3):
            published_tender(title=f"Fuzzed tender {n}")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.timeout(300)
def test_the_open_data_endpoints_answer_as_documented(api_schema):
    operations = [r.ok() for r in api_schema.get_all_operations() if r.ok().path.startswith("/api/ocds/")]
    assert {op.path for op in operations} == {"/api/ocds/releases/", "/api/ocds/releases/{ocid}/",
                                              "/api/ocds/records/", "/api/ocds/records/{ocid}/"}
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=25, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Exception as exc:  # every operation's failure, reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_documents_the_cursor_and_the_page_size():
    schema = APIClient().get("/api/schema/?format=json").json()
    feed = schema["paths"]["/api/ocds/releases/"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"since", "limit"}
    assert feed["operationId"] == "ocds_feed"
    assert "cursor" in schema["components"]["schemas"]["OcdsFeed"]["properties"]
