"""Schemathesis over the contract room's part of the OpenAPI schema, as the entity, the contractor and a
supervisor, aimed at a real contract and amendment: generated requests get no 500 and no response that breaks
the schema."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.security.test_api_fuzz import CHECKS

from .builders import awarded

pytestmark = pytest.mark.django_db


def token(user):
    try:
        from tests.factories import api_token
    except ImportError:  # before the API's tokens moved to django-rest-knox
        from rest_framework.authtoken.models import Token
        return Token.objects.get_or_create(user=user)[0].key
    return api_token(user)


@pytest.fixture
def contracts_api(tmp_path):
    w = awarded()
    contract = w.conclude()
    amendment = w.amend(contract, project_manager="Zhou Qiang", reason="Li Na is on leave.")
    w.check_in(contract)
    # As Django's test client does: the test's transaction must survive the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application()).include(
        path_regex="^/api/contracts/")
    yield schema, w, contract, amendment
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.timeout(400)
def test_no_server_error_as_entity_contractor_or_supervisor(contracts_api):
    schema, w, contract, amendment = contracts_api
    headers = [{"Authorization": f"Token {token(user)}"} for user in (w.entity, w.winner, w.supervisor)] + [{}]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    failures = []
    for operation in operations:
        target = amendment.pk if "/amendments/{id}/" in operation.path else contract.pk

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.path_parameters = {name: target for name in case.path_parameters or {}}
            for each in headers:
                case.call_and_validate(headers=each, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # every operation's failure, reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
