"""Reads of the award room, and who sees what.

- The candidate notice is public once published (withdrawn ones stay, marked), like the award and the award
  notice: the public announcement.
- An objection is read by its bidder, the tender's own entity, and supervisors and discipline staff; others
  see how many there are.
- Each bidder reads its own result notice: awarded, or not and why.
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidStatus
from trading.tenders.selectors import is_own

from .models import Award, CandidateNotice, Objection, ObjectionAttachment


def live_notice(tender):
    return CandidateNotice.objects.filter(tender=tender, withdrawn_at__isnull=True).select_related("report").first()


def notices(tender):
    return CandidateNotice.objects.filter(tender=tender).order_by("published_at", "id")


def live_awards(tender):
    return Award.objects.filter(tender=tender, revoked_at__isnull=True).order_by("lot__number", "id")


def revoked_awards(tender):
    return Award.objects.filter(tender=tender, revoked_at__isnull=False)


def awards(tender):
    return Award.objects.filter(tender=tender).select_related("winner", "lot", "bid").order_by("lot__number",
                                                                                                "awarded_at", "id")


def may_oversee(user, tender):
    """The tender's own entity, supervisors and discipline staff."""
    return allowed(user, "committee.watch") or (allowed(user, "tender.view_internal") and is_own(user, tender))


def objections_for(user, tender):
    """The objections this user may read: all of them for the entity and supervisors, a bidder its own."""
    found = Objection.objects.filter(tender=tender).select_related("bidder", "lot", "notice").prefetch_related(
        "attachments")
    if may_oversee(user, tender):
        return found
    organisation_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
    if organisation_id and allowed(user, "candidate.object"):
        return found.filter(bidder_id=organisation_id)
    return found.none()


def may_object(user, tender):
    return (allowed(user, "candidate.object") and bool(user.organisation_id)
            and Bid.objects.filter(tender=tender, bidder_id=user.organisation_id, status=BidStatus.OPENED).exists())


def attachment_for(user, attachment_id):
    row_id = as_row_id(attachment_id)
    attachment = (ObjectionAttachment.objects.select_related("objection__tender").filter(pk=row_id).first()
                  if row_id else None)
    if attachment is None:
        raise Http404(_("No such attachment."))
    if not objections_for(user, attachment.objection.tender).filter(pk=attachment.objection_id).exists():
        raise PermissionDenied(_("Only the objecting bidder, the entity and supervisors read its attachments."))
    return attachment


def award_notice(award_id):
    """An award notice: public, as the award announcement is."""
    row_id = as_row_id(award_id)
    found = Award.objects.select_related("tender", "winner", "lot").filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No such award."))
    return found


def _standing(report_body, bid_id):
    """(rank or None, ground or "") of a bid in a report: where it ranked, or why it was rejected."""
    for section in report_body["lots"]:
        for row in section["bids"]:
            if row["bid_id"] == bid_id:
                rank = next((r["rank"] for r in section["ranking"] if r["bid_id"] == bid_id), None)
                return rank, row["ground"]
    return None, ""


def result_notices(user):
    """The result notice of each opened bid of the user's organisation whose tender (or lot) is awarded."""
    if not allowed(user, "candidate.object") or not user.organisation_id:
        return []
    bids = (Bid.objects.filter(bidder_id=user.organisation_id, status=BidStatus.OPENED, tender__awards__isnull=False)
            .select_related("tender", "lot").distinct().order_by("-tender__deadline", "id"))
    results = []
    for bid in bids:
        won = (Award.objects.filter(tender=bid.tender_id, lot=bid.lot_id, revoked_at__isnull=True)
               .select_related("winner", "report").first())
        if won is None:
            continue
        rank, ground = _standing(won.report.body, bid.pk)
        results.append({"bid": bid, "award": won, "won": won.bid_id == bid.pk, "rank": rank, "ground": ground})
    return results
