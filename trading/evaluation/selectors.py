"""Reads of the evaluation, and who may see what.

- A committee member is a user with a SEATED seat on the tender's committee (experts app). Members see
  the decrypted bids of their tender only, and only once the opening record is signed.
- A member sees only their own sheet until they have signed it; then the other signed sheets.
- The entity of the tender (its own users) and supervisors and discipline staff ("committee.watch")
  follow the progress (seat numbers, not names) and read the report as soon as it is signed; everybody
  reads it once the tender is awarded. Bidders see their own justification queries only.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed, authorize
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidStatus
from trading.bids.opening.models import OpeningRecord
from trading.experts.models import Seat, SeatStatus
from trading.experts.selectors import committee_of, may_see_names, seat_rows
from trading.tenders.models import EvaluationMethod, Lot, Tender, TenderStatus
from trading.tenders.selectors import is_own, tender_policy

from . import scoring
from .models import Justification, Report, Sheet
from .sheets import as_data

# The report is published with the award, or with the failure of the procedure it explains.
PUBLIC_AFTER = {TenderStatus.AWARDED, TenderStatus.COMPLETE, TenderStatus.FAILED}


# --- the committee -----------------------------------------------------------------------

def seat_numbers(tender):
    """Member (user id) -> their seat's number (1, 2, ... in the committee's order), as the experts app numbers
    seats: the name the evaluation gives a member (one seat per person and committee)."""
    committee = committee_of(tender)
    return {row.seat.user_id: row.number for row in seat_rows(committee, names=False)} if committee else {}


def seat_names(user, tender):
    """Seat number -> the member's name where the experts app lets this user see names, else {}."""
    committee = committee_of(tender)
    if committee is None or not may_see_names(user, tender, committee):
        return {}
    return {row.number: row.name for row in seat_rows(committee, names=True)}


def seated(tender):
    """The seated members, in seat order."""
    return list(Seat.objects.filter(committee__tender=tender, status=SeatStatus.SEATED)
                .select_related("user").order_by("draw_round", "id"))


def seat_of(user, tender):
    if not getattr(user, "is_authenticated", False):
        return None
    return Seat.objects.filter(committee__tender=tender, user=user, status=SeatStatus.SEATED).first()


def record_signed(tender):
    return OpeningRecord.objects.filter(tender=tender).exists()


def require_member(user, tender):
    """The user's seat on this tender's committee, once the opening record is signed; else refuse."""
    authorize(user, "evaluation.review")
    seat = seat_of(user, tender)
    if seat is None:
        raise PermissionDenied(_("You do not sit on this tender's evaluation committee."))
    if not record_signed(tender):
        raise PermissionDenied(_("The committee sees the bids once the opening record is signed."))
    return seat


def member_tenders(user):
    """Tenders on whose committee the user sits and whose opening record is signed."""
    if not allowed(user, "evaluation.review"):
        return Tender.objects.none()
    return (Tender.objects.filter(committee__seats__user=user, committee__seats__status=SeatStatus.SEATED,
                                  opening_record__isnull=False)
            .select_related("project__entity").distinct().order_by("-deadline", "-id"))


def may_watch(user, tender):
    """The tender's own entity, supervisors and discipline staff follow the evaluation."""
    return allowed(user, "committee.watch") or (allowed(user, "tender.view_internal") and is_own(user, tender))


# --- the bids and what the platform knows about them -------------------------------------

@dataclass(frozen=True)
class BidFacts:
    bid: Bid
    above_ceiling: bool
    abnormally_low: bool
    justification: Justification | None

    @property
    def under_review(self):
        """A price above the ceiling is rejected by the platform; every other opened bid is on the sheets."""
        return not self.above_ceiling

    @property
    def lot(self):
        return self.bid.lot


@dataclass(frozen=True)
class Section:
    """What is ranked on its own: a lot, or the whole tender when it has none."""
    lot: Lot | None
    ceiling: object  # Decimal
    bids: list  # BidFacts
    threshold: object  # the abnormally-low price (Decimal), or None


@dataclass(frozen=True)
class Facts:
    tender: Tender
    sections: list
    percent: int
    criteria: list  # the member-scored criteria (comprehensive scoring), else []

    @property
    def bids(self):
        return [f for section in self.sections for f in section.bids]

    @property
    def under_review(self):
        return [f for f in self.bids if f.under_review]

    @property
    def has_lots(self):
        return any(section.lot is not None for section in self.sections)

    def of(self, bid_id):
        return next((f for f in self.bids if f.bid.pk == bid_id), None)


def criteria(tender):
    if tender.evaluation_method != EvaluationMethod.SCORING:
        return []
    return [name for name in (tender.scoring_weights or {}) if name != scoring.PRICE]


def _section(lot, ceiling, bids, asked, percent):
    """The platform's flags on one lot's opened bids: above its ceiling, abnormally low (the published test on
    the opened bids within the ceiling), and their justification query if any."""
    within = {b.pk: b.price for b in bids if b.price <= ceiling}
    low = scoring.abnormally_low(within, percent)
    return Section(lot=lot, ceiling=ceiling, threshold=scoring.abnormal_threshold(within.values(), percent),
                   bids=[BidFacts(b, b.pk not in within, b.pk in low, asked.get(b.pk)) for b in bids])


def facts(tender):
    """The opened bids by lot (lots that failed at the opening are not evaluated) with the platform's flags."""
    bids = list(Bid.objects.filter(tender=tender, status=BidStatus.OPENED).select_related("bidder", "lot")
                .order_by("announce_order", "received_at", "id"))
    asked = {j.bid_id: j for j in Justification.objects.filter(tender=tender)}
    percent = tender_policy(tender).thresholds["abnormal_price_percent"]
    lots = [lot for lot in tender.lots.all() if not lot.failed]
    if lots:
        sections = [_section(lot, lot.ceiling_price, [b for b in bids if b.lot_id == lot.pk], asked, percent)
                    for lot in lots]
    else:
        sections = [_section(None, tender.ceiling_price, bids, asked, percent)]
    return Facts(tender=tender, percent=percent, criteria=criteria(tender), sections=sections)


def min_valid_bids(tender):
    return max(tender_policy(tender).min_bids, tender.min_bids)


# --- sheets --------------------------------------------------------------------------------

def current_round(tender):
    """The round the committee works on: 1, then one more for each report a re-evaluation superseded."""
    return 1 + Report.objects.filter(tender=tender, superseded_at__isnull=False).count()


def round_sheets(tender):
    return Sheet.objects.filter(tender=tender, round=current_round(tender))


def own_sheet(user, tender):
    return round_sheets(tender).filter(member=user).prefetch_related("reviews__bid__bidder").first()


def sheet_content(sheet):
    """A sheet as it is signed and shown: canonical, codes and strings only."""
    return {"tender": sheet.tender_id, "member": sheet.member_id, **as_data(sheet)}


def others_sheets(user, tender):
    """The other members' signed sheets, for a member who has signed their own."""
    require_member(user, tender)
    mine = own_sheet(user, tender)
    if mine is None or not mine.submitted:
        raise PermissionDenied(_("You see the other members' sheets once you have signed your own."))
    return (round_sheets(tender).filter(submitted_at__isnull=False).exclude(member=user)
            .prefetch_related("reviews__bid__bidder").order_by("submitted_at", "id"))


# --- progress and the report ---------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    seat: int
    representative: bool
    signed_at: object


def progress(user, tender):
    """Who has signed, by seat number: for the entity and supervisors (and the members themselves)."""
    if not may_watch(user, tender) and seat_of(user, tender) is None:
        raise PermissionDenied(_("Only the tender's entity, supervisors and its committee follow the evaluation."))
    numbers = seat_numbers(tender)
    signed = dict(round_sheets(tender).filter(submitted_at__isnull=False)
                  .values_list("member_id", "submitted_at"))
    return [Progress(numbers[s.user_id], s.is_representative, signed.get(s.user_id)) for s in seated(tender)]


def signed_report(tender):
    """The report in force: the latest round's, unless a re-evaluation superseded it."""
    return Report.objects.filter(tender=tender, superseded_at__isnull=True).first()


def superseded_reports(tender):
    return Report.objects.filter(tender=tender, superseded_at__isnull=False).order_by("round")


def report_of(tender):
    found = signed_report(tender)
    if found is None:
        raise Http404(_("The evaluation report has not been signed yet."))
    return found


def report_for(user, tender):
    """The signed report: public once the tender is awarded; before that its entity, supervisors and committee."""
    if tender.status not in PUBLIC_AFTER and not may_watch(user, tender) and seat_of(user, tender) is None:
        raise PermissionDenied(_("The evaluation report is published after the award."))
    return report_of(tender)


# --- justification queries -----------------------------------------------------------------

def own_justifications(user):
    """The queries put to the user's organisation, newest first."""
    authorize(user, "evaluation.justify")
    if not user.organisation_id:
        return Justification.objects.none()
    return (Justification.objects.filter(bid__bidder_id=user.organisation_id)
            .select_related("tender", "bid").order_by("-asked_at", "-id"))


def own_justification(user, justification_id):
    row_id = as_row_id(justification_id)
    found = own_justifications(user).filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No such justification query."))
    return found
