"""What the evaluation records feeds the collusion flags: a bid the committee rejected in its
signed report counts as disqualified, as if the opening had disqualified it."""
from django.utils import timezone

from trading.bids.models import Bid
from trading.collusion.adapters import DatabaseBids
from trading.collusion.reporting import analyse
from trading.evaluation.models import Report


def _report(tender, rejected, superseded=False):
    now = timezone.now()
    return Report.objects.create(
        tender=tender, round=1, outcome="ranked", signature="0" * 128, platform_public_key="0" * 64,
        signed_at=now, superseded_at=now if superseded else None,
        body={"lots": [{"bids": [{"bid_id": b.pk, "passed": b not in rejected} for b in tender_bids(tender)]}]})


def tender_bids(tender):
    return list(Bid.objects.filter(tender=tender).order_by("price"))


def test_a_bid_rejected_by_the_committee_raises_the_lowest_disqualified_flag(market):
    tender = market.tenders[0]
    lowest = tender_bids(tender)[0]
    before = [f for f in analyse().flags if f.kind == "lowest_disqualified"]
    assert tender.reference not in {t for f in before for t in f.tenders}
    _report(tender, rejected=[lowest])
    frame = DatabaseBids().frame
    mine = frame[frame["tender_id"] == tender.reference]
    assert mine["disqualified"].sum() == 1
    flags = [f for f in analyse().flags if f.kind == "lowest_disqualified" and tender.reference in f.tenders]
    assert len(flags) == 1


def test_a_superseded_evaluation_report_no_longer_counts(market):
    tender = market.tenders[0]
    _report(tender, rejected=[tender_bids(tender)[0]], superseded=True)
    frame = DatabaseBids(tender_ids=[tender.pk]).frame
    assert frame["disqualified"].sum() == 0


def test_one_tender_names_its_bidders_as_the_whole_market_does(market):
    from trading.accounts.models import Organisation

    tender = market.tenders[0]
    mine = {b.bidder_id for b in tender_bids(tender)}
    other = Bid.objects.exclude(tender=tender).exclude(bidder_id__in=mine).first().bidder
    namesake = Organisation.objects.get(pk=next(iter(mine)))
    other.name = namesake.name      # two firms of the market share a name
    other.save()
    whole, one = DatabaseBids(), DatabaseBids(tender_ids=[tender.pk])
    assert one.labels[namesake.pk] == whole.labels[namesake.pk] == f"{namesake.name} #{namesake.pk}"
