"""Schemathesis over the OpenAPI schema (/api/schema/), in-process through the WSGI app:
generated requests to every operation get no 500 and no response that breaks the schema."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from tests.factories import api_token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.bids.builders import submit

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(db, tender_for_bids, contractor):
    submit(contractor, tender_for_bids, client_key="fuzz-seed")  # so bid, receipt and document URLs exist
    # As Django's test client does: the test's transaction must survive the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzz(schema, headers, examples):
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    return failures


@pytest.mark.timeout(300)
def test_no_server_error_and_no_schema_violation(api_schema, contractor):
    token = api_token(contractor)
    failures = fuzz(api_schema, {"Authorization": f"Token {token}"}, examples=15)
    failures += fuzz(api_schema, {}, examples=4)  # and anonymously
    assert not failures, "\n\n".join(failures)
