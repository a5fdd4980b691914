"""A debarment entered while the firm's bids arrive, on PostgreSQL where they really run in parallel: each bid is
either stored before the debarment or refused after it, because both take the firm's row lock."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.bids.builders import submit
from tests.bids.test_concurrency import race
from trading.bids.models import Bid

from .builders import debar


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_no_bid_slips_past_a_debarment_recorded_at_the_same_moment(tender, contractor, supervisor):
    def work(i):
        if i == 0:
            return debar(contractor.organisation, supervisor=supervisor, starts=dt.timedelta(minutes=-5))
        try:
            return submit(contractor, tender, client_key=f"race-{i}").bid
        except ValidationError:
            return "refused"

    results = race(6, work)
    debarment = next(r for r in results if not isinstance(r, (str, Bid)))
    stored = [r for r in results if isinstance(r, Bid)]
    assert all(bid.received_at <= debarment.recorded_at for bid in stored)
    assert len(stored) + results.count("refused") == 5
    assert Bid.objects.count() == len(stored)
