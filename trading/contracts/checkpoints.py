"""The contract room's checkpoints for the supervisor: the contract concluded in time, and the red flags of its
life (terms that differ from the award, cumulative price changes beyond the policy, a project manager substituted
without approval or absent from the site, subcontracts beyond the contract or to a losing bidder, final accounts
beyond the price, the retention money after the warranty).

Each source returns one result per code for the whole tender (its contracts, one per lot, judged together).
"""
import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.award.models import Award
from trading.tenders import rules
from trading.tenders.checkpoints import GREEN, RED, YELLOW, Result, span
from trading.tenders.models import TenderStatus
from trading.tenders.money import format_amount
from trading.tenders.selectors import tender_policy

from . import selectors
from .models import Approval, Contract, ContractStatus, manager_key

# Before the candidates no award, and so no contract, exists: the sources ask nothing then.
AFTER_AWARD = {TenderStatus.CANDIDATES, TenderStatus.AWARDED, TenderStatus.COMPLETE}


def _contracts(tender):
    if tender.status not in AFTER_AWARD:
        return []
    return list(Contract.objects.filter(tender=tender).select_related("award__bid", "lot").order_by("lot__number",
                                                                                                    "id"))


def _named(contract):
    if contract.lot_id:
        return _("%(reference)s (lot %(lot)s)") % {"reference": contract.reference, "lot": contract.lot.number}
    return contract.reference


def contract_signing(tender, now):
    """Each live award's contract is concluded within the policy's period from the award."""
    if tender.status not in AFTER_AWARD:
        return []
    awards = list(Award.objects.filter(tender=tender, revoked_at__isnull=True).select_related("lot"))
    if not awards:
        return []
    policy = tender_policy(tender)
    rule, limit = policy.describe("contract_signing"), policy.delta("contract_signing")
    concluded = {c.award_id: c for c in Contract.objects.filter(award__in=awards)}
    late = [a for a in awards if a.pk in concluded and concluded[a.pk].concluded_at > a.awarded_at + limit]
    missing = sorted((a for a in awards if a.pk not in concluded), key=lambda a: a.awarded_at)
    if not missing:
        slowest = max(awards, key=lambda a: concluded[a.pk].concluded_at - a.awarded_at)
        return [Result("contract_signing", GREEN, _(
            "Concluded %(after)s after the award (at most %(max)s).") % {
            "after": span(concluded[slowest.pk].concluded_at - slowest.awarded_at), "max": rule}, was_red=bool(late))]
    first = missing[0]
    due = first.awarded_at + limit
    if now > due:
        return [Result("contract_signing", RED, _("The contract was due by %(until)s and is not concluded.")
                       % {"until": rules.when(due)})]
    yellow = dt.timedelta(days=settings.SUNLIGHT["CHECKPOINT_YELLOW_DAYS"])
    return [Result("contract_signing", YELLOW if due - now <= yellow else GREEN,
                   _("The contract is due by %(until)s.") % {"until": rules.when(due)}, was_red=bool(late))]


def contract_terms(tender, now):
    """The contract's price is the award amount and its project manager the winning bid's; otherwise red, with
    the reason the entity stated."""
    contracts = _contracts(tender)
    if not contracts:
        return []
    found = []
    for c in contracts:
        if c.price != c.award.amount:
            found.append(_("%(contract)s: price %(price)s, award amount %(amount)s; reason given: %(reason)s") % {
                "contract": _named(c), "price": format_amount(c.price), "amount": format_amount(c.award.amount),
                "reason": c.price_reason})
        if manager_key(c.project_manager) != manager_key(c.award.bid.project_manager):
            found.append(_("%(contract)s: project manager %(manager)s, the bid named %(bid)s; reason given: "
                           "%(reason)s") % {"contract": _named(c), "manager": c.project_manager,
                                            "bid": c.award.bid.project_manager or "—", "reason": c.manager_reason})
    if found:
        return [Result("contract_terms", RED, " ".join(found))]
    return [Result("contract_terms", GREEN, _("Concluded at the award amount with the project manager of the "
                                              "winning bid."))]


def amendment_price(tender, now):
    """The price changed by amendments, in all, stays within the policy's share of the contract price."""
    contracts = [c for c in _contracts(tender) if any(a.price_after is not None for a in c.amendments.all())]
    if not contracts:
        return []
    limit = tender_policy(tender).thresholds["amendment_price_percent"]
    over, shares = [], []
    for c in contracts:
        changed = selectors.cumulative_price_change(c)
        share = changed * 100 / c.price
        shares.append(share)
        if share > limit:
            over.append(_("%(contract)s: amendments changed the price by %(changed)s in all, %(share).1f%% of "
                          "%(price)s") % {"contract": _named(c), "changed": format_amount(changed), "share": share,
                                          "price": format_amount(c.price)})
    if over:
        return [Result("amendment_price", RED, " ".join(over) + " " + _("(policy: at most %(limit)d%%).")
                       % {"limit": limit})]
    return [Result("amendment_price", GREEN, _("Amendments changed the price by at most %(share).1f%% (policy: at "
                                               "most %(limit)d%%).") % {"share": max(shares), "limit": limit})]


def manager_substitution(tender, now):
    """A new project manager needs the supervisor's approval: red while it waits or when refused."""
    substitutions = [a for c in _contracts(tender) for a in c.amendments.all() if a.manager_after]
    if not substitutions:
        return []
    unapproved = [a for a in substitutions if a.approval != Approval.APPROVED]
    if unapproved:
        return [Result("manager_substitution", RED, " ".join(
            _("%(contract)s: %(before)s replaced by %(after)s (amendment %(number)d): %(approval)s.") % {
                "contract": _named(a.contract), "before": a.manager_before, "after": a.manager_after,
                "number": a.number, "approval": a.get_approval_display()} for a in unapproved))]
    return [Result("manager_substitution", GREEN, _("%(n)d substitution(s) of the project manager, each approved.")
                   % {"n": len(substitutions)})]


def manager_attendance(tender, now):
    """The project manager's attendance rate on site, from the contract to the completion, at least the policy's;
    judged from the first few working days on."""
    contracts = _contracts(tender)
    if not contracts:
        return []
    minimum = tender_policy(tender).thresholds["attendance_percent"]
    low, rates = [], []
    for c in contracts:
        rate = selectors.attendance_rate(c, now)
        if rate.judged:
            rates.append(rate.percent)
            if rate.percent < minimum:
                low.append(_("%(contract)s: %(manager)s on site %(present)d of %(days)d working days (%(rate).0f%%)")
                           % {"contract": _named(c), "manager": c.current_manager, "present": rate.present,
                              "days": rate.days, "rate": rate.percent})
    if low:
        return [Result("manager_attendance", RED, " ".join(low) + " " + _("(policy: at least %(min)d%%).")
                       % {"min": minimum})]
    if rates:
        return [Result("manager_attendance", GREEN, _("The project manager was on site %(rate).0f%% of the working "
                                                      "days at least (policy: at least %(min)d%%).")
                       % {"rate": min(rates), "min": minimum})]
    return [Result("manager_attendance", GREEN, _("Too early to judge the attendance: it counts from %(n)d working "
                                                  "days on.") % {"n": selectors.MIN_DAYS_JUDGED})]


def manager_two_sites(tender, now):
    """A project manager recorded on site at two contracts on the same day."""
    contracts = _contracts(tender)
    if not contracts:
        return []
    clashes = selectors.two_site_days(contracts)
    if clashes:
        return [Result("manager_two_sites", RED, " ".join(
            _("%(manager)s was recorded on site at %(here)s and at %(there)s on %(day)s.") % {
                "manager": row["manager"], "here": row["contract"], "there": row["other"], "day": row["day"]}
            for row in clashes[:5]))]
    return [Result("manager_two_sites", GREEN, _("No project manager was recorded on two sites on one day."))]


def subcontracting(tender, now):
    """Subcontracts beyond what the contract allows, or to a firm that bid against the winner."""
    flagged, declared = [], 0
    for c in _contracts(tender):
        for s in c.subcontracts.select_related("subcontractor"):
            declared += 1
            if s.beyond_allowed:
                flagged.append(_("%(contract)s: subcontracts to %(firm)s reach beyond the %(percent)d%% the "
                                 "contract allows.") % {"contract": _named(c), "firm": s.subcontractor.name,
                                                        "percent": c.subcontract_percent})
            if s.losing_bidder:
                flagged.append(_("%(contract)s: %(firm)s bid against the winner in this tender and is its "
                                 "subcontractor.") % {"contract": _named(c), "firm": s.subcontractor.name})
    if not declared:
        return []
    if flagged:
        return [Result("subcontracting", RED, " ".join(flagged))]
    return [Result("subcontracting", GREEN, _("%(n)d subcontract(s) declared, within the contract.") % {"n": declared})]


def final_accounts(tender, now):
    settled = [c for c in _contracts(tender) if c.final_amount is not None]
    if not settled:
        return []
    over = [c for c in settled if c.final_amount > c.current_price]
    if over:
        return [Result("final_accounts", RED, " ".join(
            _("%(contract)s: final accounts %(final)s above the contract price in force %(price)s; reason given: "
              "%(reason)s") % {"contract": _named(c), "final": format_amount(c.final_amount),
                               "price": format_amount(c.current_price),
                               "reason": c.final_note} for c in over))]
    return [Result("final_accounts", GREEN, _("The final accounts stay within the contract price."))]


def retention_release(tender, now):
    """The retention money is held through the warranty and released after it."""
    accepted = [c for c in _contracts(tender) if c.warranty_ends_at is not None]
    if not accepted:
        return []
    due = [c for c in accepted if c.status != ContractStatus.CLOSED and now >= c.warranty_ends_at]
    if due:
        return [Result("retention_release", YELLOW, " ".join(
            _("%(contract)s: the warranty ended on %(when)s; release the retention money (%(amount)s).") % {
                "contract": _named(c), "when": rules.when(c.warranty_ends_at),
                "amount": format_amount(c.retention_amount)}
            for c in due))]
    held = [c for c in accepted if c.status != ContractStatus.CLOSED]
    if held:
        return [Result("retention_release", GREEN, _("Retention money held until %(when)s.") % {
            "when": rules.when(min(c.warranty_ends_at for c in held))})]
    return [Result("retention_release", GREEN, _("Retention money released after the warranty."))]


CHECKPOINTS = [
    ("contract_signing", gettext_lazy("Contract after the award"), contract_signing),
    ("contract_terms", gettext_lazy("Contract at the award's price and manager"), contract_terms),
    ("amendment_price", gettext_lazy("Price changed by amendments"), amendment_price),
    ("manager_substitution", gettext_lazy("Project manager substituted"), manager_substitution),
    ("manager_attendance", gettext_lazy("Project manager on site"), manager_attendance),
    ("manager_two_sites", gettext_lazy("Project manager on two sites"), manager_two_sites),
    ("subcontracting", gettext_lazy("Subcontracting"), subcontracting),
    ("final_accounts", gettext_lazy("Final accounts against the price"), final_accounts),
    ("retention_release", gettext_lazy("Retention money after the warranty"), retention_release),
]
