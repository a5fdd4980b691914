"""Generated input against the bid API: never a 500, never a half-written record, messages per field."""
import os
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from trading.bids import receipts
from trading.bids.models import Bid, BidAttachment, BidStatus, Receipt

from .builders import CONTENT, api_client

FIELDS = {"tender", "price", "duration_days", "quality", "project_manager", "security_reference", "client_key",
          "attachments", "non_field_errors", "lot"}
FINITE = st.floats(allow_nan=False, allow_infinity=False)  # JSON cannot carry NaN or infinity
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | FINITE | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                     max_size=3), max_leaves=5)
PRICE = st.one_of(st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
                  st.integers(min_value=-10**15, max_value=10**15), FINITE, st.just("1250000.00"), ANY_JSON)
DURATION = st.one_of(st.integers(min_value=-5, max_value=5000), st.text(max_size=6), st.just(180), ANY_JSON)
TEXT = st.one_of(st.text(max_size=250), st.just("Wang Lei"), ANY_JSON)
CLIENT_KEY = st.one_of(st.none(), st.text(max_size=70), st.from_regex(r"\A[a-z0-9-]{1,20}\Z"))
RELAXED = hypothesis_settings(max_examples=40, deadline=None,
                              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def media_files(settings):
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def check_answer(answer, before, settings, files_before):
    assert answer.status_code in (200, 201, 400), answer.content
    body = answer.json()
    if answer.status_code == 400:
        assert isinstance(body, dict) and body and set(body) <= FIELDS, body
        assert all(isinstance(m, str) for messages in body.values() for m in messages)
        assert (Bid.objects.count(), Receipt.objects.count(), BidAttachment.objects.count()) == before
        assert media_files(settings) == files_before
    else:
        assert receipts.problems(body["receipt"], receipts.platform_public_key()) == []
        bid = Bid.objects.get(pk=body["bid"]["id"])
        assert bid.receipt.seq == body["receipt"]["payload"]["seq"]
        assert bid.attachments.count() == len(body["bid"]["attachments"])
    for bidder, tender, lot in Bid.objects.values_list("bidder", "tender", "lot").distinct():
        assert Bid.objects.filter(bidder=bidder, tender=tender, lot=lot, status=BidStatus.ACTIVE).count() <= 1


def counts():
    return Bid.objects.count(), Receipt.objects.count(), BidAttachment.objects.count()


@RELAXED
@given(price=PRICE, duration=DURATION, quality=TEXT, manager=TEXT, security=TEXT, client_key=CLIENT_KEY,
       tender_choice=st.sampled_from(["ours", "unknown", "garbage", "missing"]) | ANY_JSON)
def test_json_submissions(tender, contractor, settings, price, duration, quality, manager, security, client_key,
                          tender_choice):
    named = {"ours": tender.pk, "unknown": 10**9, "garbage": "abc", "missing": None}
    body = {"tender": named[tender_choice] if isinstance(tender_choice, str) and tender_choice in named
            else tender_choice,
            "price": price, "duration_days": duration, "quality": quality, "project_manager": manager,
            "security_reference": security}
    if tender_choice == "missing":
        del body["tender"]
    if client_key is not None:
        body["client_key"] = client_key
    before, files_before = counts(), media_files(settings)
    answer = api_client(contractor).post("/api/bids/", body, format="json")
    check_answer(answer, before, settings, files_before)


@RELAXED
@given(lot=st.one_of(st.integers(min_value=-3, max_value=4), st.text(max_size=4), ANY_JSON),
       with_lots=st.booleans(), client_key=CLIENT_KEY)
def test_json_submissions_naming_a_lot(tender, lot_tender, contractor, settings, lot, with_lots, client_key):
    body = {"tender": (lot_tender if with_lots else tender).pk, **CONTENT, "lot": lot}
    if client_key is not None:
        body["client_key"] = client_key
    before, files_before = counts(), media_files(settings)
    answer = api_client(contractor).post("/api/bids/", body, format="json")
    check_answer(answer, before, settings, files_before)
    if answer.status_code == 201:  # a lot on a tender with lots; none (null or "", as a form sends) without
        stored = answer.json()["bid"]["lot"]
        assert stored["number"] in (1, 2) if with_lots else (stored is None and lot in (None, ""))


def upload_name(name):
    # Django's upload classes refuse a name without a file part ("", ".", "a/"): the client could not send it.
    return name if os.path.basename(name) not in {"", ".", ".."} else "x"


@RELAXED
@given(files=st.lists(st.tuples(st.text(min_size=0, max_size=30), st.sampled_from(["", ".pdf", ".txt", ".exe", ".PNG"]),
                                st.binary(max_size=300) | st.just(b"%PDF-1.4 x")), max_size=4),
       price=st.sampled_from(["1000.00", "0", "1e3"]))
def test_multipart_submissions_with_generated_files(tender, contractor, settings, files, price):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_ATTACHMENT_BYTES": 200}
    uploads = [SimpleUploadedFile(upload_name(stem + ext), data) for stem, ext, data in files]
    body = {"tender": tender.pk, **CONTENT, "price": price, "attachments": uploads}
    before, files_before = counts(), media_files(settings)
    answer = api_client(contractor).post("/api/bids/", body, format="multipart")
    check_answer(answer, before, settings, files_before)


@RELAXED
@given(bid_id=st.one_of(st.integers(), st.text(alphabet="0123456789²١-x", min_size=1, max_size=25)))
def test_bid_ids_in_urls(contractor, bid_id):
    api = api_client(contractor)
    for answer in (api.get(f"/api/bids/{bid_id}/"), api.post(f"/api/bids/{bid_id}/withdraw/"),
                   api.get(f"/api/bids/{bid_id}/receipt/")):
        assert answer.status_code == 404
