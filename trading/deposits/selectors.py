"""Reads of bid security, shared by pages, the API, the opening (which bids lack confirmed security), the
supervisor's refund checkpoint and the collusion adapters (the real paying accounts).

Visibility: a payment says who means to bid, so before the bidding is over only the bidder itself and the
finance staff (who must confirm it) see it; afterwards the tender's entity, supervisors and discipline staff too.
"""
from django.apps import apps
from django.db.models import Min, Q

from trading.accounts.permissions import allowed
from trading.accounts.roles import Role
from trading.award.models import Award
from trading.bids.models import Bid, BidStatus
from trading.tenders.lifecycle import TERMINAL, bidding_over
from trading.tenders.models import StatusChange, TenderStatus
from trading.tenders.selectors import is_own

from .models import BankNotification, SecurityPayment, SecurityStatus

# Statuses of a payment the money really came in for (the paying account is then a fact, not a declaration).
RECEIVED = (SecurityStatus.CONFIRMED, SecurityStatus.REFUNDED, SecurityStatus.FORFEITED)


def paying_accounts(tender_ids=None):
    """Rows {tender_id, bidder_id, paying_account} of security actually received, for tenders whose bidding is
    over: the "deposits paid from the same account" signal of deemed collusion (Implementing Regulations art.
    40), which the collusion adapters read instead of the account a firm declared at registration."""
    rows = SecurityPayment.objects.filter(status__in=RECEIVED).filter(
        Q(tender__opened_at__isnull=False) | Q(tender__status__in=TERMINAL))
    if tender_ids is not None:
        rows = rows.filter(tender_id__in=list(tender_ids))
    return list(rows.order_by("tender_id", "bidder_id").values("tender_id", "bidder_id", "paying_account"))


def security_missing(tender):
    """Ids of the organisations whose bids on this tender have no confirmed bid security (empty when the tender
    asks for none): what the opening marks against each such bid."""
    if tender.bid_security_amount <= 0:
        return set()
    bidders = set(Bid.objects.filter(tender=tender).exclude(
        status__in=[BidStatus.REPLACED, BidStatus.WITHDRAWN]).values_list("bidder_id", flat=True))
    secured = set(SecurityPayment.objects.filter(tender=tender, status__in=RECEIVED).values_list("bidder_id",
                                                                                                  flat=True))
    return bidders - secured


def own_payment(user, tender):
    if not (user.is_authenticated and user.organisation_id):
        return None
    return SecurityPayment.objects.filter(tender=tender, bidder_id=user.organisation_id).first()


def may_see_register(user, tender):
    if not allowed(user, "security.view") and not (user.is_authenticated and user.role == Role.ENTITY
                                                   and is_own(user, tender)):
        return False
    if user.role == Role.FINANCE:
        return True
    return bidding_over(tender)


def register(user, tender):
    """The tender's payments this viewer may see: all of them, or only its own."""
    rows = SecurityPayment.objects.filter(tender=tender).select_related("bidder").order_by("bidder__name", "id")
    if may_see_register(user, tender):
        return rows
    if user.is_authenticated and user.organisation_id:
        return rows.filter(bidder_id=user.organisation_id)
    return rows.none()


def finance_queue():
    """The finance desk: declarations waiting for confirmation, and received security waiting for its refund."""
    return (SecurityPayment.objects.filter(status__in=[SecurityStatus.DECLARED, SecurityStatus.CONFIRMED])
            .select_related("tender", "bidder").order_by("status", "tender__deadline", "id"))


def own_payments(user):
    if not (user.is_authenticated and user.organisation_id):
        return SecurityPayment.objects.none()
    return SecurityPayment.objects.filter(bidder_id=user.organisation_id).select_related("tender").order_by(
        "-declared_at", "-id")


def recent_notifications(limit=50):
    return BankNotification.objects.select_related("bank", "payment").order_by("-received_at", "-id")[:limit]


def _contract_date(tender):
    """When the contract was concluded, read from the contracts room when it is installed (None otherwise)."""
    try:
        contract = apps.get_model("contracts", "Contract")
    except LookupError:
        return None
    return contract.objects.filter(tender=tender).aggregate(first=Min("concluded_at"))["first"]


def refund_start(tender):
    """When the refund period starts: the contract; until a contract is recorded, the award (earlier, so never
    more lenient than the law); for a failed or cancelled procedure, its end."""
    if tender.status in (TenderStatus.FAILED, TenderStatus.CANCELLED):
        return StatusChange.objects.filter(tender=tender, to_status=tender.status).aggregate(first=Min("at"))["first"]
    concluded = _contract_date(tender)
    if concluded is not None:
        return concluded
    return Award.objects.filter(tender=tender, revoked_at__isnull=True).aggregate(first=Min("awarded_at"))["first"]
