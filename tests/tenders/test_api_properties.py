"""Generated input against the tender API: never a 500, never a half-written record, always field messages."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rest_framework.test import APIClient

from trading.audit.models import AuditEntry
from trading.tenders import clock
from trading.tenders.models import Lot, Tender

from .builders import draft_tender, project

pytestmark = pytest.mark.django_db
FIELDS = ["title", "reference", "description", "ceiling_price", "bid_security_amount", "evaluation_method",
          "scoring_weights", "documents_from", "documents_until", "deadline", "bidding_period",
          "document_offer", "clarification_cutoff", "procedure_type", "min_bids", "key_threshold", "lots"]

junk = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
                 st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
amounts = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                                min_value=-10**14, max_value=10**14).map(str),
                    st.sampled_from(["0", "1", "999999.99", "1e3", "NaN", "-0.01", "10000000000001"]))
moments = st.one_of(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 1, 1),
                                 timezones=st.just(dt.timezone.utc)).map(lambda d: d.isoformat()),
                    st.integers(min_value=-400, max_value=400).map(
                        lambda days: (clock.now() + dt.timedelta(days=days)).isoformat()))
values = {
    "title": st.one_of(st.text(max_size=250), junk), "reference": st.one_of(st.text(max_size=50), junk),
    "description": st.text(max_size=50), "ceiling_price": st.one_of(amounts, junk),
    "bid_security_amount": st.one_of(amounts, junk),
    "evaluation_method": st.one_of(st.sampled_from(["lowest_price", "scoring", "auction"]), junk),
    "scoring_weights": st.one_of(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(-50, 150), junk),
                                                 max_size=4), junk),
    "documents_from": st.one_of(moments, junk), "documents_until": st.one_of(moments, junk),
    "deadline": st.one_of(moments, junk),
    "bidding_period": st.one_of(st.integers(-5, 400), junk), "document_offer": st.one_of(st.integers(-5, 400), junk),
    "clarification_cutoff": st.one_of(st.integers(-5, 400), junk), "min_bids": st.one_of(st.integers(-5, 200), junk),
    "procedure_type": st.one_of(st.sampled_from(["open_works", "open_goods", "training", "auction"]), junk),
    "key_threshold": st.one_of(st.integers(-5, 30), junk),
    "lots": st.one_of(st.lists(st.fixed_dictionaries({"title": st.text(max_size=20), "ceiling_price": amounts}),
                               max_size=3), junk),
}
plausible = st.fixed_dictionaries({
    "title": st.text(alphabet="abcdefgh 路桥工程", min_size=1, max_size=40).filter(str.strip),
    "ceiling_price": st.decimals(min_value=1, max_value=1_000_000, places=2).map(str),
}, optional={
    "bid_security_amount": st.decimals(min_value=0, max_value=1, places=2).map(str),
    "deadline": st.integers(min_value=-3, max_value=90).map(lambda d: (clock.now() + dt.timedelta(days=d)).isoformat()),
    "evaluation_method": st.just("lowest_price"),
    "bidding_period": st.integers(-1, 40),
    "lots": st.lists(st.fixed_dictionaries({"title": st.just("Lot"), "ceiling_price": st.just("1.00")}), max_size=3),
})
payloads = st.one_of(st.fixed_dictionaries({}, optional=values), plausible)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def check(response, before):
    assert response.status_code < 500, response.content
    if response.status_code == 400:
        body = response.json()
        assert isinstance(body, dict) and body
        assert all(isinstance(v, (list, dict)) for v in body.values()), body
    else:
        assert response.status_code in (200, 201), response.content


@pytest.fixture
def entity_api(entity_user):
    client = APIClient()
    client.force_authenticate(entity_user)
    return client


def test_generated_creations(entity_api, entity_user):
    own = project(entity_user)
    created = []

    @SETTINGS
    @given(payload=payloads)
    def run(payload):
        tenders, lots, audit = Tender.objects.count(), Lot.objects.count(), AuditEntry.objects.count()
        response = entity_api.post("/api/tenders/", dict(payload, project=own.pk), format="json")
        check(response, tenders)
        if response.status_code == 400:
            assert (Tender.objects.count(), Lot.objects.count(), AuditEntry.objects.count()) == (tenders, lots, audit)
        else:
            tender = Tender.objects.get(pk=response.json()["id"])
            assert tender.lots.count() == len(payload.get("lots") or [])
            created.append(tender.pk)

    run()
    assert created, "no generated payload was valid: the property says nothing about successes"


def test_generated_updates(entity_api, entity_user):
    tender = draft_tender(entity_user, lots=[{"title": "One", "ceiling_price": "100"}])

    @SETTINGS
    @given(payload=payloads)
    def run(payload):
        before = Tender.objects.filter(pk=tender.pk).values().get()
        lots_before = list(Lot.objects.filter(tender=tender).values_list("title", "ceiling_price"))
        response = entity_api.patch(f"/api/tenders/{tender.pk}/", payload, format="json")
        check(response, None)
        if response.status_code == 400:
            assert Tender.objects.filter(pk=tender.pk).values().get() == before
            assert list(Lot.objects.filter(tender=tender).values_list("title", "ceiling_price")) == lots_before

    run()
