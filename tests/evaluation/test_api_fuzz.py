"""Schemathesis over the evaluation's part of the OpenAPI schema, as a committee member, the bidder of a queried
low price and the entity: generated requests get no 500 and no response that breaks the schema."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from tests.factories import api_token

from trading.evaluation import services

from tests.evaluation.builders import evaluating
from tests.security.test_api_fuzz import CHECKS

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation_api():
    e = evaluating(prices=["980000.00", "1010000.00", "995000.00", "600000.00"],
                   evaluation_method="scoring", scoring_weights={"price": 60, "technical": 40})
    services.ask_justification(e.call(e.members[0]), e.bids[3].pk, "Explain.")
    # As Django's test client does: the test's transaction must survive the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application()).include(
        path_regex="^/api/evaluation/")
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def world():
    """A committee member, the bidder asked to justify its price and the tender's entity; the real ids to aim at."""
    from trading.evaluation.models import Justification

    query = Justification.objects.select_related("tender__committee", "bid").get()
    people = [query.tender.committee.seats.first().user, query.bid.submitted_by,
              query.tender.project.entity.users.first()]
    return people, {"tender_pk": query.tender_id, "bid_pk": query.bid_id, "id": query.pk}


@pytest.mark.timeout(300)
def test_no_server_error_as_member_bidder_or_entity(evaluation_api):
    people, ids = world()
    headers = [{"Authorization": f"Token {api_token(user)}"} for user in people]
    operations = [result.ok() for result in evaluation_api.get_all_operations()]
    assert len(operations) == 10
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            # generated bodies against the real tender, bid and query (random ids only find nothing)
            case.path_parameters = {name: ids[name] for name in case.path_parameters or {}}
            for each in headers:
                case.call_and_validate(headers=each, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # every operation's failure, reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
