"""The opening of a tender divided into lots: the minimum applies per lot, bids are announced lot by lot."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from trading import sealing
from trading.audit.models import AuditEntry
from trading.bids.models import Bid, BidStatus
from trading.bids.opening import selectors, services
from trading.bids.opening.models import OpeningEvent, OpeningRecord, OpeningSession
from trading.bids.opening.record import verify_record
from trading.tenders import clock
from trading.tenders.models import Lot, TenderStatus

from tests.bids.builders import submit
from tests.factories import make_user
from tests.opening.builders import LOT_CEILINGS, lot_ceremony, run_to

pytestmark = pytest.mark.django_db


def events(tender, kind=None):
    rows = OpeningEvent.objects.filter(tender=tender).order_by("seq")
    return [e.payload for e in rows.filter(kind=kind)] if kind else list(rows.values_list("kind", flat=True))


def lots(tender):
    return {lot.number: lot for lot in Lot.objects.filter(tender=tender)}


def test_a_lot_with_too_few_bids_fails_at_the_opening_and_the_other_lot_goes_on_to_evaluation():
    c = lot_ceremony({1: 3, 2: 2}, min_bids=3)
    services.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.OPENING
    one, two = lots(c.tender)[1], lots(c.tender)[2]
    assert not one.failed
    assert two.failed and "at least 3" in two.failure_reason
    assert events(c.tender) == ["room_opened", "lot_failed"]
    assert [(lot["lot"], lot["bids"]) for lot in events(c.tender, "room_opened")[0]["lots"]] == [(1, 3), (2, 2)]
    failed = events(c.tender, "lot_failed")[0]
    assert (failed["lot"], failed["lot_title"], failed["bids"], failed["min_bids"]) == (2, "Street lighting", 2, 3)
    entry = AuditEntry.objects.get(action="opening.lot_failed")
    assert (entry.object_type, entry.object_id, entry.summary["lot"]) == ("tenders.lot", str(two.pk), 2)

    run_to(c, "closed")
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.EVALUATION
    announced = events(c.tender, "bid_announced")
    assert [a["lot"] for a in announced] == [1, 1, 1]
    # The failed lot's bids were never opened: still sealed, no price, marked as such.
    for bid in Bid.objects.filter(tender=c.tender, lot=two):
        assert bid.status == BidStatus.LOT_FAILED and bid.price is None and bid.announce_order is None

    body = OpeningRecord.objects.get(tender=c.tender).body
    assert body["outcome"] == "closed"
    assert [(lot["lot"], lot["bids"], lot["opened"], lot["failed"]) for lot in body["lots"]] == [
        (1, 3, 3, False), (2, 2, 0, True)]
    assert "at least 3" in body["lots"][1]["failure_reason"]
    assert sorted((row["lot"], row["status"]) for row in body["bids"]) == [
        (1, "opened")] * 3 + [(2, "lot_failed")] * 2


def test_bids_are_announced_grouped_by_lot_and_each_lot_with_its_own_ceiling():
    c = lot_ceremony({1: 3, 2: 3}, min_bids=3)
    # Submitted interleaved (each bidder: lot 2, then lot 1), yet announced lot by lot.
    assert [b.lot.number for b in sorted(c.bids, key=lambda b: b.received_at)][:2] == [2, 1]
    run_to(c, "confirming")
    announced = events(c.tender, "bid_announced")
    assert [(a["order"], a["lot"]) for a in announced] == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)]
    assert {a["lot_title"] for a in announced if a["lot"] == 2} == {"Street lighting"}
    by_id = {b.pk: b for b in Bid.objects.filter(tender=c.tender).select_related("lot")}
    assert all(Decimal(a["price"]) < LOT_CEILINGS[a["lot"]] for a in announced)
    decrypted = events(c.tender, "bid_decrypted")
    assert [d["lot"] for d in decrypted] == [1, 1, 1, 2, 2, 2]

    ceiling = events(c.tender, "ceiling_announced")[0]
    assert ceiling["ceiling_price"] == "1100000.00"
    assert [(lot["lot"], lot["ceiling_price"]) for lot in ceiling["lots"]] == [(1, "600000.00"), (2, "350000.00")]

    run_to_close(c)
    opening_record = OpeningRecord.objects.get(tender=c.tender)
    assert verify_record(opening_record.body, opening_record.signature, opening_record.platform_public_key)
    private_key = bytes.fromhex(opening_record.private_key_hex)
    rows = opening_record.body["bids"]
    assert [(row["order"], row["lot"]) for row in rows] == [(a["order"], a["lot"]) for a in announced]
    for row in rows:
        bid = by_id[row["bid_id"]]
        assert (bid.lot.number, bid.lot.title) == (row["lot"], row["lot_title"])
        assert Decimal(sealing.unseal_json(private_key, bid.sealed_content)["price"]) == Decimal(row["price"])
    assert [(lot["lot"], lot["bids"], lot["opened"], lot["ceiling_price"]) for lot in opening_record.body["lots"]] \
        == [(1, 3, 3, "600000.00"), (2, 3, 3, "350000.00")]


def run_to_close(c):
    for user in c.bidders:
        services.confirm(c.call(user), c.tender.pk)
    services.close_opening(c.call(c.host), c.tender.pk)


def test_when_every_lot_has_too_few_bids_the_procedure_fails():
    c = lot_ceremony({1: 2, 2: 1}, min_bids=3)
    services.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.FAILED
    assert OpeningSession.objects.get(tender=c.tender).state == "failed"
    assert all(lot.failed for lot in lots(c.tender).values())
    assert events(c.tender) == ["room_opened", "lot_failed", "lot_failed", "opening_failed"]
    body = OpeningRecord.objects.get(tender=c.tender).body
    assert body["outcome"] == "failed" and "Every lot" in body["failure_reason"]
    assert body["tender_private_key"] == ""  # nothing was decrypted
    assert [(lot["lot"], lot["bids"], lot["failed"]) for lot in body["lots"]] == [(1, 2, True), (2, 1, True)]


def test_a_bidder_whose_only_bid_was_for_a_failed_lot_watches_but_does_not_sign_in():
    c = lot_ceremony({1: 3, 2: 1}, min_bids=3)  # bidder 0 bids for both lots
    outsider = make_user("contractor")
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)):
        submit(outsider, c.tender, lot=2)
    services.open_room(c.call(c.host), c.tender.pk)
    assert lots(c.tender)[2].failed and not lots(c.tender)[1].failed
    with pytest.raises(PermissionDenied):
        services.sign_in(c.call(outsider), c.tender.pk)
    assert selectors.viewer(outsider, c.tender)["kind"] == "bidder"
    services.sign_in(c.call(c.bidders[0]), c.tender.pk)  # its lot 1 bid goes on
    assert events(c.tender)[-1] == "signed_in"


def test_the_hall_and_the_record_page_show_the_lots(client):
    c = lot_ceremony({1: 3, 2: 2}, min_bids=3)
    hall = client.get(reverse("realtime:hall", args=[c.tender.pk])).content.decode()
    assert 'id="lots"' in hall and "Street lighting" in hall
    run_to(c, "closed")
    hall = client.get(reverse("realtime:hall", args=[c.tender.pk])).content.decode()
    assert 'id="lot-2"' in hall and 'class="bad"' in hall and "at least 3" in hall
    page = client.get(reverse("realtime:record", args=[c.tender.pk])).content.decode()
    assert 'id="record-lots"' in page
    assert "Lot 1: Carriageway resurfacing" in page and "Lot 2: Street lighting" in page
    assert "Goes on to evaluation" in page and "Not opened" in page
    pdf = client.get(reverse("realtime:record_pdf", args=[c.tender.pk]))
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
