"""Reads of the contract room, and who sees what.

- The contract notice, the amendments (what changed and why), the milestones, completion, acceptance and final
  accounts are public once the contract is concluded: contracts and their changes are published.
- The amendments' documents, payments, attendance (places and photos) and subcontracts are read by the parties
  (the tender's own entity and the contractor) and by supervisors and discipline staff.
- `losing_bidder_subcontracts()` is the signal the collusion module reads: subcontracts to a firm that bid
  against the winner in the same tender (how cover bidders are paid).
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed
from trading.bids.content import as_row_id
from trading.tenders.selectors import is_own

from .models import (
    Amendment,
    AmendmentDocument,
    Attendance,
    Contract,
    ContractStatus,
    Subcontract,
)

# The attendance rate is judged once this many working days have passed since the contract: a sample, not policy.
MIN_DAYS_JUDGED = 5


def public_contracts():
    return Contract.objects.select_related("tender", "lot", "contractor", "entity").order_by("-concluded_at", "-id")


def contract(contract_id):
    """A contract by an id from user input (public: its notice is); anything else is a 404."""
    row_id = as_row_id(contract_id)
    found = public_contracts().select_related("award__bid", "tender__project").filter(pk=row_id).first() \
        if row_id else None
    if found is None:
        raise Http404(_("No such contract."))
    return found


def contracts_of(tender):
    return public_contracts().filter(tender=tender)


def is_party(user, contract):
    """The tender's own entity or the contractor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_own(user, contract.tender) or (bool(user.organisation_id) and user.organisation_id == contract.contractor_id)


def may_oversee(user, contract):
    """The parties, supervisors and discipline staff read the documents, payments, attendance and subcontracts."""
    return allowed(user, "contract.watch") or is_party(user, contract)


def my_contracts(user):
    """The contractor's own contracts, the entity's own (as the parties see them)."""
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return Contract.objects.none()
    return public_contracts().filter(Q(contractor_id=user.organisation_id) | Q(entity_id=user.organisation_id)
                                     | Q(tender__project__agency_id=user.organisation_id))


def watched_contracts(user):
    """Every contract for supervisors and discipline staff; the own ones for the parties."""
    if allowed(user, "contract.watch"):
        return public_contracts()
    return my_contracts(user)


def amendments(contract):
    return Amendment.objects.filter(contract=contract).prefetch_related("documents").order_by("number")


def cumulative_price_change(contract):
    """Every amendment's price change added up, up or down: ten changes of 2% are a change of 20%."""
    return sum((abs(a.price_after - a.price_before) for a in contract.amendments.all() if a.price_after is not None),
               Decimal(0))


def document_for(user, document_id):
    row_id = as_row_id(document_id)
    found = (AmendmentDocument.objects.select_related("amendment__contract__tender__project").filter(pk=row_id)
             .first()) if row_id else None
    if found is None:
        raise Http404(_("No such document."))
    if not may_oversee(user, found.amendment.contract):
        raise PermissionDenied(_("Only the parties, supervisors and discipline staff read a contract's documents."))
    return found


def attendance_photo_for(user, attendance_id):
    row_id = as_row_id(attendance_id)
    found = (Attendance.objects.select_related("contract__tender__project").filter(pk=row_id).exclude(photo="")
             .first()) if row_id else None
    if found is None:
        raise Http404(_("No such photo."))
    if not may_oversee(user, found.contract):
        raise PermissionDenied(_("Only the parties, supervisors and discipline staff see attendance."))
    return found


# --- attendance -------------------------------------------------------------------------------

def working_days(first, last):
    """Monday to Friday from `first` to `last`, both included (no public-holiday calendar)."""
    if last < first:
        return 0
    count, day = 0, first
    while day <= last:
        count += day.weekday() < 5
        day += dt.timedelta(days=1)
    return count


@dataclass
class Rate:
    present: int
    days: int

    @property
    def judged(self):
        return self.days >= MIN_DAYS_JUDGED

    @property
    def percent(self):
        return min(100.0, 100.0 * self.present / self.days) if self.days else 100.0


def attendance_rate(contract, now):
    """Working days the manager was on site, of the working days from the contract to the completion (or today)."""
    first = timezone.localdate(contract.concluded_at)
    last = timezone.localdate(contract.completed_at or now)
    present = (Attendance.objects.filter(contract=contract, present=True, day__gte=first, day__lte=last)
               .filter(day__week_day__in=[2, 3, 4, 5, 6]).values("day").distinct().count())
    return Rate(present=present, days=working_days(first, last))


def two_site_days(contracts):
    """Days a project manager of these contracts was recorded on site at another contract too."""
    ids = [c.pk for c in contracts]
    elsewhere = (Attendance.objects.filter(day=OuterRef("day"), manager_key=OuterRef("manager_key"), present=True)
                 .exclude(contract_id=OuterRef("contract_id")))
    rows = []
    clashes = (Attendance.objects.filter(contract_id__in=ids, present=True).annotate(clash=Exists(elsewhere))
               .filter(clash=True).select_related("contract").order_by("day", "id"))
    for a in clashes:
        other = (Attendance.objects.filter(day=a.day, manager_key=a.manager_key, present=True)
                 .exclude(contract_id=a.contract_id).select_related("contract").first())
        rows.append({"manager": a.manager, "contract": a.contract.reference, "other": other.contract.reference,
                     "day": a.day.isoformat()})
    return rows


def manager_rates(contracts, now):
    """Attendance per project manager over the given contracts under way: days on site of working days."""
    per = {}
    for c in contracts:
        if c.reached(ContractStatus.ACCEPTED):
            continue
        rate = attendance_rate(c, now)
        row = per.setdefault(c.current_manager, {"manager": c.current_manager, "contracts": 0, "present": 0,
                                                 "days": 0})
        row["contracts"] += 1
        row["present"] += rate.present
        row["days"] += rate.days
    for row in per.values():
        row["percent"] = Rate(row["present"], row["days"]).percent
    return sorted(per.values(), key=lambda r: r["percent"])


# --- for the collusion module -----------------------------------------------------------------

def losing_bidder_subcontracts():
    """(tender_id, winner_id, subcontractor_id) of every subcontract declared to a firm that bid against the
    winner in the same tender: the signal the collusion adapters read."""
    return list(Subcontract.objects.filter(losing_bidder=True)
                .values_list("contract__tender_id", "contract__contractor_id", "subcontractor_id")
                .order_by("contract__tender_id", "contract__contractor_id", "subcontractor_id").distinct())
