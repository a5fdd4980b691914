"""Lots end to end after the opening: each lot is evaluated, noticed, awarded (or fails) on its own."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.award.builders import Awarding
from tests.evaluation.builders import evaluating
from trading.award import services
from trading.bids.models import Bid
from trading.tenders import services as tender_services
from trading.tenders.models import Lot, TenderStatus

pytestmark = pytest.mark.django_db

PRICES = ["980000.00", "1010000.00", "995000.00", "400000.00", "420000.00", "410000.00", "390000.00"]


def with_lots(bids_per_lot, prices=PRICES):
    """Opened bids shared between two lots, in order (the submission put each bid on its lot)."""
    e = evaluating(prices=prices)
    lots = [Lot.objects.create(tender=e.tender, number=1, title="Main building", ceiling_price=Decimal("1100000")),
            Lot.objects.create(tender=e.tender, number=2, title="Landscaping", ceiling_price=Decimal("450000"))]
    start = 0
    for lot, count in zip(lots, bids_per_lot):
        Bid.objects.filter(pk__in=[b.pk for b in e.bids[start:start + count]]).update(lot=lot)
        start += count
    for bid in e.bids:
        bid.refresh_from_db()
    return Awarding(e), lots


def test_each_lot_is_ranked_on_its_own_and_awarded_on_its_own():
    a, lots = with_lots([3, 4])
    a.e.sign_all()
    report = a.e.tender.evaluation_reports.get()
    first, second = report.body["lots"]
    assert (first["lot"]["number"], second["lot"]["number"]) == (1, 2)
    assert [r["price"] for r in first["ranking"]] == ["980000.00", "995000.00", "1010000.00"]
    assert [r["price"] for r in second["ranking"]][:3] == ["390000.00", "400000.00", "410000.00"]
    assert first["ceiling_price"] == "1100000.00" and second["ceiling_price"] == "450000.00"
    a.publish()
    with a.after_notice():
        lot1 = a.award(a.bids[0])
        assert a.tender.status == TenderStatus.CANDIDATES  # lot 2 is not awarded yet
        with pytest.raises(ValidationError):
            a.award(a.bids[2])  # lot 1 has its winner
        lot2 = a.award(a.bids[6])
    tender = a.tender
    assert (lot1.lot, lot2.lot) == (lots[0], lots[1])
    assert tender.status == TenderStatus.AWARDED and tender.winner is None
    assert tender.awarded_amount == Decimal("980000.00") + Decimal("390000.00")


def test_a_lot_with_too_few_valid_bids_fails_alone_and_is_tendered_again():
    a, lots = with_lots([3, 2], prices=PRICES[:5])
    a.e.sign_all()
    notice = a.publish()
    assert [part["outcome"] for part in notice.body["lots"]] == ["ranked", "failed"]
    lots[1].refresh_from_db()
    assert lots[1].failed and "valid bids" in lots[1].failure_reason and not Lot.objects.get(pk=lots[0].pk).failed
    with a.after_notice():
        a.award(a.bids[0])
    assert a.tender.status == TenderStatus.AWARDED  # the failed lot waits for its re-tender
    again = tender_services.retender(a.call(a.entity), a.tender)
    assert [(lot.number, lot.title, lot.ceiling_price) for lot in again.lots.all()] == [
        (1, "Landscaping", Decimal("450000.00"))]
    assert again.ceiling_price == Decimal("450000.00") and again.retender_of == a.tender


def test_an_objection_names_a_lot_its_bidder_bid_for():
    a, lots = with_lots([3, 4])
    a.e.sign_all()
    a.publish()
    with pytest.raises(ValidationError) as foreign:
        a.object(bidder_index=0, lot=2)
    assert "lot" in foreign.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        a.object(bidder_index=0, lot=9)
    assert "lot" in unknown.value.message_dict
    assert services.file_objection(a.call(a.bidders[0]), a.tender.pk, "Lot 1 ranking is wrong.", lot=1).lot == lots[0]
