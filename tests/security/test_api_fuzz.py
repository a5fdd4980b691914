"""Schemathesis over the OpenAPI schema (/api/schema/), in-process through the WSGI app:
generated requests to every operation get no 500 and no response that breaks the schema; and the JSON bodies it
generates for the write operations, made hostile (lone surrogates, deep nesting, oversized), are refused."""
import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.bids.builders import submit
from tests.factories import api_token

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


SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


def _with_json_body(operation):
    alternatives = getattr(operation, "body", None) or []
    return operation.method.lower() in {"post", "put", "patch"} and any(
        getattr(alternative, "media_type", "") == "application/json" for alternative in alternatives)


@pytest.mark.timeout(300)
def test_schemathesis_bodies_made_hostile_are_refused_with_a_reason(api_schema, contractor, settings):
    """Schemathesis leaves lone surrogates out of what it generates (they cannot be encoded as UTF-8, and its own
    schema check of a case chokes on them), so each JSON body it generates for a write operation is made hostile
    here and sent by Django's test client: a lone surrogate in a value or a key (400 naming the field), nesting
    past the depth limit (400) or a body past the size limit (413). None of them gets a 500, each says why."""
    limit = 64 * 1024
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_REQUEST_BYTES": limit, "MAX_ANONYMOUS_REQUEST_BYTES": limit}
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(contractor)}")
    operations = [op for op in (result.ok() for result in api_schema.get_all_operations()) if _with_json_body(op)]
    assert len(operations) > 40
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy(media_type="application/json"), data=st.data())
        @hypothesis_settings(max_examples=4, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                             suppress_health_check=list(HealthCheck))
        def run(case, data):
            body = case.body if isinstance(case.body, dict) else {}
            kind = data.draw(st.sampled_from(["surrogate value", "surrogate key", "deep", "oversized"]))
            surrogate = data.draw(st.text(max_size=4)) + data.draw(SURROGATES)
            field = data.draw(st.sampled_from(sorted(body) or ["text"]))
            if kind == "surrogate value":
                # The refusal names the field (a key written as "" has no name to give: non_field_errors).
                body, expected, words = {**body, field: surrogate}, 400, json.dumps(field or "non_field_errors")
            elif kind == "surrogate key":
                body, expected, words = {**body, surrogate: 1}, 400, "unpaired surrogate"
            elif kind == "deep":
                deep = 1
                for _ in range(200):
                    deep = [deep]
                body, expected, words = {**body, field: deep}, 400, "nested deeper"
            else:
                body, expected, words = {**body, field: "x" * limit}, 413, "the limit is"
            response = client.generic(case.method, case.formatted_path, json.dumps(body).encode(),
                                      content_type="application/json")
            text = response.content.decode()
            if response.status_code != expected or words not in text:
                failures.append(f"{case.method} {case.formatted_path} ({kind}): {response.status_code} {text[:300]}")

        run()
    assert not failures, "\n".join(failures)
