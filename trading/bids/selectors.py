"""Reads on bids for pages, the API and other apps.

A contractor only ever sees its own organisation's bids: someone else's bid is
answered exactly like a bid that does not exist, and nothing here counts bids
per tender for anyone before the opening.
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import authorize
from trading.tenders import clock, rules
from trading.tenders.models import Lot, Tender, TenderStatus

from .content import as_row_id
from .models import Bid, BidStatus, Receipt, TenderKey

AFTER_OPENING = {TenderStatus.EVALUATION, TenderStatus.CANDIDATES, TenderStatus.AWARDED, TenderStatus.COMPLETE}


def own_bids(user):
    authorize(user, "bid.view_own")
    if user.organisation_id is None:
        return Bid.objects.none()
    return (Bid.objects.filter(bidder_id=user.organisation_id)
            .select_related("tender", "lot", "receipt").order_by("-received_at", "-id"))


def own_bid(user, bid_id):
    found = own_bids(user).filter(pk=as_row_id(bid_id)).first() if as_row_id(bid_id) else None
    if found is None:
        raise Http404(_("No such bid."))
    return found


def own_receipt(user, bid_id):
    bid = own_bid(user, bid_id)
    try:
        return bid.receipt
    except Receipt.DoesNotExist:
        raise Http404(_("No such receipt.")) from None


def own_active_bid(user, tender, lot=None):
    """The organisation's submitted bid for the tender (lot None) or for one of its lots."""
    return own_bids(user).filter(tender=tender, lot=lot, status=BidStatus.ACTIVE).first()


def own_active_bids(user, tender):
    """Every submitted bid of the organisation on the tender: one, or one per lot it bid for (by lot number)."""
    return list(own_bids(user).filter(tender=tender, status=BidStatus.ACTIVE).order_by("lot__number"))


def tender_lots(tender):
    """The tender's lots in number order; empty when the tender is not divided into lots."""
    return list(Lot.objects.filter(tender=tender).order_by("number"))


def ceiling_of(bid):
    """The ceiling price a bid is held to: its lot's, or the tender's when the tender has no lots."""
    return bid.lot.ceiling_price if bid.lot_id else bid.tender.ceiling_price


def bidding_closed(tender, now=None):
    """Why the tender takes no more bids, replacements or withdrawals, in a sentence for the bidder; None while it
    does. The service judges each submission again at its arrival; this is what the pages offer and say."""
    now = now or clock.now()
    if tender.deadline is not None and now >= tender.deadline:
        return _("Bidding closed at %(deadline)s: bids can no longer be submitted, replaced or withdrawn.") % {
            "deadline": rules.when(tender.deadline)}
    if tender.status != TenderStatus.PUBLISHED or tender.deadline is None:
        return _("This tender is not open for bids (status: %(status)s).") % {"status": tender.get_status_display()}
    return None


def replaced_by(bid):
    """The bid (with its receipt) that replaced this one: the next version of the same bidder for the same tender
    and lot; None for a bid nobody replaced."""
    if bid.status != BidStatus.REPLACED:
        return None
    return (Bid.objects.filter(tender_id=bid.tender_id, bidder_id=bid.bidder_id, lot_id=bid.lot_id,
                               version__gt=bid.version).select_related("receipt").order_by("version").first())


def replacement_of_receipt(payload):
    """For a receipt checked on the public page: the later version that superseded the bid it names, or None."""
    bid_id = as_row_id(payload.get("bid_id")) if isinstance(payload, dict) else None
    bid = Bid.objects.filter(pk=bid_id).first() if bid_id else None
    return replaced_by(bid) if bid is not None else None


def bids_needing_confirmation(user):
    return own_bids(user).filter(status=BidStatus.ACTIVE, needs_reconfirmation=True)


def is_opened(tender):
    return tender.opened_at is not None or tender.status in AFTER_OPENING


def published_tender(tender_id):
    """A tender past its draft, by an id from user input; anything else is a 404."""
    row_id = as_row_id(tender_id)
    tender = Tender.objects.exclude(status=TenderStatus.DRAFT).filter(pk=row_id).first() if row_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def submission_signals(user, tender_id):
    """IP, user agent and device fingerprint of every submission: discipline staff, after the opening only."""
    authorize(user, "bid.view_signals")
    tender = published_tender(tender_id)
    if not is_opened(tender):
        raise PermissionDenied(_("Submission details stay hidden until the bids are opened."))
    rows = (Bid.objects.filter(tender=tender).select_related("bidder")
            .order_by("bidder__name", "version"))
    return tender, rows


def sealing_key(tender_id):
    """The tender's public key that bids are sealed to, in base64, for any published tender; None for none.

    Public: sealing needs no secret, and the browser and API clients seal to it before sending anything.
    """
    import base64

    tender_id = as_row_id(tender_id)
    found = (TenderKey.objects.exclude(tender__status=TenderStatus.DRAFT).filter(tender_id=tender_id)
             .values_list("public_key", flat=True).first()) if tender_id else None
    return base64.b64encode(bytes(found)).decode() if found is not None else None
