"""Bids on a tender divided into lots: one bid per lot, the lot checked on every path, named on the receipt."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.bids import receipts, services
from trading.bids.models import Bid, BidStatus, Receipt
from trading.tenders import clock

from tests.tenders.builders import published_tender

from .builders import CONTENT, LOTS, api_client, sealed_form, submit


def active(tender):
    return sorted(Bid.objects.filter(tender=tender, status=BidStatus.ACTIVE).values_list("lot__number", "version"))


def lot_error(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict["lot"]


def test_a_bidder_bids_for_several_lots_and_a_new_bid_replaces_only_that_lots_bid(lot_tender, contractor):
    one = submit(contractor, lot_tender, lot=1).bid
    two = submit(contractor, lot_tender, lot="2").bid  # a form or multipart body sends the number as text
    assert (one.lot.number, two.lot.number) == (1, 2)
    assert active(lot_tender) == [(1, 1), (2, 1)]

    again = submit(contractor, lot_tender, lot=1, price="590000.00").bid
    one.refresh_from_db(), two.refresh_from_db()
    assert one.status == BidStatus.REPLACED and two.status == BidStatus.ACTIVE
    assert (again.lot.number, again.version) == (1, 2)
    assert active(lot_tender) == [(1, 2), (2, 1)]
    entry = AuditEntry.objects.filter(action="bids.submit").order_by("-seq").first()
    assert entry.summary["lot"] == 1 and entry.summary["replaced_bid"] == one.pk


def test_withdrawing_one_lots_bid_leaves_the_other_lot_and_bidding_again_counts_versions_per_lot(lot_tender,
                                                                                                   contractor):
    one = submit(contractor, lot_tender, lot=1).bid
    submit(contractor, lot_tender, lot=2)
    services.withdraw_bid(Caller(user=contractor), one.pk)
    assert active(lot_tender) == [(2, 1)]
    assert submit(contractor, lot_tender, lot=1).bid.version == 2
    assert active(lot_tender) == [(1, 2), (2, 1)]


def test_confirming_again_after_a_change_of_conditions_is_per_lot(lot_tender, contractor, entity_user):
    from trading.tenders import services as tender_services

    one = submit(contractor, lot_tender, lot=1).bid
    two = submit(contractor, lot_tender, lot=2).bid
    tender_services.add_clarification(Caller(user=entity_user), lot_tender, "Lighting spec changes.",
                                      changes_conditions=True)
    services.confirm_bid(Caller(user=contractor), two.pk)
    one.refresh_from_db(), two.refresh_from_db()
    assert one.needs_reconfirmation and not two.needs_reconfirmation


def test_the_receipt_names_the_lot_and_still_verifies(lot_tender, tender, contractor):
    receipt = submit(contractor, lot_tender, lot=2).receipt
    assert receipt.payload["lot"] == {"number": 2, "title": "Street lighting"}
    assert receipts.problems(receipt.document(), receipts.platform_public_key()) == []
    forged = {**receipt.document(), "payload": {**receipt.payload, "lot": {"number": 1, "title": "Street lighting"}}}
    assert receipts.problems(forged, receipts.platform_public_key())
    # A tender without lots: the receipt has no lot at all.
    assert "lot" not in submit(contractor, tender).receipt.payload


def test_a_missing_unknown_malformed_or_unexpected_lot_is_refused_on_the_lot_field(lot_tender, tender, contractor):
    assert "give the number of the lot" in lot_error(lambda: submit(contractor, lot_tender))[0]
    assert "no lot 3" in lot_error(lambda: submit(contractor, lot_tender, lot=3))[0]
    for malformed in ("first", True, 1.5, -1, "1; DROP"):
        assert "number within the tender" in lot_error(
            lambda value=malformed: submit(contractor, lot_tender, lot=value))[0]
    assert "not divided into lots" in lot_error(lambda: submit(contractor, tender, lot=1))[0]
    with pytest.raises(ValidationError) as unknown_tender:  # answered on the tender, not on a lot it cannot have
        services.submit_bid(Caller(user=contractor), 10**9, CONTENT, lot=1)
    assert set(unknown_tender.value.message_dict) == {"tender"}
    assert not Bid.objects.exists() and not Receipt.objects.exists()
    assert not AuditEntry.objects.filter(action="bids.submit").exists()


def test_a_lot_of_another_tender_is_unknown_here(lot_tender, contractor, entity_user, holders):
    three_lots = published_tender(entity_user=entity_user, holders=holders,
                                  lots=[*LOTS, {"title": "Drainage", "ceiling_price": "50000.00"}])
    submit(contractor, three_lots, lot=3)
    assert "no lot 3" in lot_error(lambda: submit(contractor, lot_tender, lot=3))[0]
    assert not Bid.objects.filter(tender=lot_tender).exists()


def test_every_problem_is_answered_at_once(lot_tender, contractor):
    with pytest.raises(ValidationError) as error:  # the plain path (the API's, sealed by the server)
        services.submit_bid(Caller(user=contractor), lot_tender.pk, {**CONTENT, "price": "-1"}, lot=9)
    assert {"price", "lot"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:  # sealed by the client: its form and the lot
        services.submit_bid(Caller(user=contractor), lot_tender.pk, sealed_content="?", lot=9)
    assert {"sealed_content", "lot"} <= set(error.value.message_dict)


def test_a_client_key_is_one_submission_for_one_lot(lot_tender, contractor):
    first = submit(contractor, lot_tender, lot=1, client_key="tool-1")
    again = submit(contractor, lot_tender, lot=1, client_key="tool-1", price="1.00")
    assert not again.created and again.bid.pk == first.bid.pk
    with pytest.raises(ValidationError) as error:
        submit(contractor, lot_tender, lot=2, client_key="tool-1")
    assert "another lot" in error.value.message_dict["client_key"][0]
    assert active(lot_tender) == [(1, 1)]


def _row(tender, bidder, lot=None, **fields):
    return Bid.objects.create(tender=tender, bidder=bidder, lot=lot, received_at=clock.now(), **fields)


def test_the_database_keeps_one_active_bid_per_bidder_and_lot(lot_tender, tender, contractor, other_contractor):
    """Checked by the database itself (SQLite and PostgreSQL), whatever code writes the rows."""
    me, them = contractor.organisation, other_contractor.organisation
    lot_one, lot_two = lot_tender.lots.order_by("number")
    _row(lot_tender, me, lot_one)
    _row(lot_tender, me, lot_two)  # another lot
    _row(lot_tender, them, lot_one)  # another bidder
    _row(lot_tender, me, lot_one, status=BidStatus.REPLACED, version=0)  # not active
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(lot_tender, me, lot_one, version=2)
    # Without lots (NULL lot, which a plain unique index would let through twice): one per tender.
    _row(tender, me)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(tender, me, version=2)
    assert Bid.objects.filter(status=BidStatus.ACTIVE).count() == 4


# --- the API --------------------------------------------------------------------------------

def test_the_api_takes_the_lot_by_number_and_shows_it(lot_tender, contractor):
    api = api_client(contractor)
    answer = api.post("/api/bids/", {"tender": lot_tender.pk, "lot": 2, **CONTENT}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["bid"]["lot"] == {"number": 2, "title": "Street lighting"}
    assert answer.json()["receipt"]["payload"]["lot"]["number"] == 2
    form = api.post("/api/bids/", {"tender": lot_tender.pk, "lot": "1", **CONTENT}, format="multipart")
    assert form.status_code == 201 and form.json()["bid"]["lot"]["number"] == 1
    listed = api.get("/api/bids/").json()["results"]
    assert sorted(b["lot"]["number"] for b in listed) == [1, 2]


def test_the_api_answers_a_bad_lot_with_400_on_lot_and_stores_nothing(lot_tender, tender, contractor):
    api = api_client(contractor)
    for tender_id, lot in ((lot_tender.pk, None), (lot_tender.pk, 7), (lot_tender.pk, "two"),
                           (lot_tender.pk, [1]), (lot_tender.pk, {"number": 1}), (tender.pk, 1)):
        body = {"tender": tender_id, **CONTENT}
        if lot is not None:
            body["lot"] = lot
        answer = api.post("/api/bids/", body, format="json")
        assert answer.status_code == 400, (lot, answer.content)
        assert set(answer.json()) == {"lot"}, answer.json()
    assert not Bid.objects.exists()


def test_the_schema_documents_the_lot_as_a_number(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    submit_schema = schema["components"]["schemas"]["Submit"]["properties"]["lot"]
    assert submit_schema["type"] == "integer" and "number within the tender" in submit_schema["description"]
    assert "lot" in schema["components"]["schemas"]["Bid"]["properties"]


# --- the pages ------------------------------------------------------------------------------

def test_the_form_asks_for_the_lot_and_the_receipt_and_my_bids_name_it(client, lot_tender, contractor):
    client.force_login(contractor)
    url = reverse("bids:submit", args=[lot_tender.pk])
    page = client.get(url).content.decode()
    assert 'name="lot"' in page and "Lot 2: Street lighting" in page and "350000.00" in page

    missing = client.post(url, {**sealed_form(lot_tender), "client_key": "page-1"})
    assert "give the number of the lot" in " ".join(missing.context["form"].errors["lot"])
    assert not Bid.objects.exists()

    response = client.post(url, {**sealed_form(lot_tender), "lot": "2", "client_key": "page-2"}, follow=True)
    bid = Bid.objects.get()
    assert bid.lot.number == 2
    assert response.redirect_chain[-1][0] == reverse("bids:receipt", args=[bid.pk])
    assert "Lot 2: Street lighting" in response.content.decode()

    page = client.get(url).content.decode()
    assert "You have a submitted bid for Lot 2: Street lighting" in page

    mine = client.get(reverse("bids:my_bids")).content.decode()
    assert "Lot 2: Street lighting" in mine and f"{url}?lot=2" in mine
    replace = client.get(f"{url}?lot=2")
    assert replace.context["form"]["lot"].value() == "2"


def test_the_form_of_a_tender_without_lots_has_no_lot_field(client, tender, contractor):
    client.force_login(contractor)
    page = client.get(reverse("bids:submit", args=[tender.pk])).content.decode()
    assert 'name="lot"' not in page


def test_a_bid_is_held_to_its_lots_ceiling(lot_tender, tender, contractor):
    from trading.bids.selectors import ceiling_of

    assert ceiling_of(submit(contractor, lot_tender, lot=2).bid) == Decimal("350000.00")
    assert ceiling_of(submit(contractor, tender).bid) == tender.ceiling_price
