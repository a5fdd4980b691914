"""Property test: generated hostile JSON (lone surrogates in keys and values, nesting to thousands of levels,
keys written twice, oversized bodies) to the JSON write endpoints never gets a 500 and never stores a bid
or a tender it refused."""
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import api_token
from trading.bids.models import Bid
from trading.tenders.models import Tender

pytestmark = pytest.mark.django_db

# Every code point Python holds, lone surrogates (category Cs) included.
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=30)
SCALARS = st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40) | \
    st.floats(allow_nan=False, allow_infinity=False) | ANY_TEXT
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
                      max_leaves=20)


def encode(value):
    return json.dumps(value).encode()  # escapes lone surrogates as \udXXX, which the parser turns back into them


@st.composite
def bodies(draw):
    kind = draw(st.sampled_from(["object", "deep", "duplicate", "oversized"]))
    if kind == "deep":
        depth = draw(st.integers(min_value=60, max_value=100_000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        return (opener * depth + "1" + closer * depth).encode()
    fields = draw(st.dictionaries(st.sampled_from(["tender", "price", "quality", "title", "scoring_weights",
                                                   "username", "password", "payload", "signature"]) | ANY_TEXT,
                                  VALUES, max_size=6))
    text = encode(fields)
    if kind == "duplicate" and fields:
        key = json.dumps(next(iter(fields)))
        text = b"{" + key.encode() + b": 1, " + text[1:]
    if kind == "oversized":
        text = encode({**fields, "padding": "x" * draw(st.integers(min_value=1024 * 1024, max_value=3 * 1024 * 1024))})
    return text


@pytest.fixture
def clients(contractor, entity_user):
    return {"anonymous": Client(), "contractor": Client(HTTP_AUTHORIZATION=f"Token {api_token(contractor)}"),
            "entity": Client(HTTP_AUTHORIZATION=f"Token {api_token(entity_user)}")}


@pytest.mark.timeout(600)
def test_no_generated_body_reaches_a_500(clients, tender_for_bids):
    targets = [("anonymous", "/api/token/"), ("contractor", "/api/bids/"), ("entity", "/api/tenders/"),
               ("anonymous", "/api/receipts/verify/")]
    before = (Bid.objects.count(), Tender.objects.count())

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies(), target=st.sampled_from(targets))
    def post(body, target):
        who, url = target
        response = clients[who].post(url, body, content_type="application/json")
        assert response.status_code < 500, (url, body[:200], response.content[:300])
        if response.status_code >= 400:
            assert response.json(), response.content[:300]  # a reason, in JSON

    post()
    assert (Bid.objects.count(), Tender.objects.count()) == before  # none of it was a valid bid or tender
