"""Schemathesis over the statistics endpoints alone (the suite-wide fuzz in tests/security covers them too, slower):
generated filters and filings get no 500 and no response that breaks the schema, signed in as an entity or not."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.factories import api_token, make_user

from .builders import small

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.timeout(300)
def test_statistics_endpoints_never_fail_nor_break_their_schema(schema):
    entity = make_user("entity")
    small(entity, "Hall roof", "works", "2100000.00", "direct", 0)
    small(entity, "Hall walls", "works", "2100000.00", "direct", 5)
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/statistics/")]
    assert len(operations) == 6
    failures = []
    for headers in ({"Authorization": f"Token {api_token(entity)}"}, {}):
        for operation in operations:
            @given(case=operation.as_strategy())
            @hypothesis_settings(max_examples=25, deadline=None, derandomize=True, database=None,
                                 suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
