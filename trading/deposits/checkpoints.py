"""The bid security checkpoint for the supervisor: every received security refunded within the policy's days
of the contract (Implementing Regulations art. 57), or forfeited on a recorded ground."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.tenders import rules
from trading.tenders.checkpoints import GREEN, RED, YELLOW, Result
from trading.tenders.selectors import tender_policy

from .models import SecurityPayment, SecurityStatus
from .selectors import refund_start


def security_refunded(tender, now):
    payments = list(SecurityPayment.objects.filter(tender=tender, status__in=[SecurityStatus.CONFIRMED,
                                                                               SecurityStatus.REFUNDED]))
    if not payments:
        return []
    start = refund_start(tender)
    if start is None:
        return []
    policy = tender_policy(tender)
    due = start + policy.delta("security_refund")
    rule = policy.describe("security_refund")
    waiting = [p for p in payments if p.status == SecurityStatus.CONFIRMED]
    late = [p for p in payments if (p.refunded_at or now) > due]
    if waiting and now > due:
        return [Result("security_refund", RED, _(
            "%(n)d bid securities were due back by %(due)s (%(rule)s) and are not refunded.") % {
            "n": len(waiting), "due": rules.when(due), "rule": rule})]
    if waiting:
        return [Result("security_refund", YELLOW, _("%(n)d bid securities to refund by %(due)s.") % {
            "n": len(waiting), "due": rules.when(due)}, was_red=bool(late))]
    return [Result("security_refund", GREEN, _("Every received bid security was refunded (%(n)d); %(late)d late.")
                   % {"n": len(payments), "late": len(late)}, was_red=bool(late))]


CHECKPOINTS = [
    ("security_refund", gettext_lazy("Bid security refunded"), security_refunded),
]
