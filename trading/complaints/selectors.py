"""Reads of the complaints room, and who sees what.

- Questions: the asker's organisation reads its own; the tender's entity reads them all (without learning who
  asked: pages and API show no asker); everyone reads the answers, as clarifications on the tender.
- Objections to the documents: the objector and the tender's entity, supervisors and discipline staff.
- Complaints: the complainant, the firm complained about, the tender's entity, supervisors and discipline staff;
  once decided (or
  refused) the decision notice is public, with the statistics.
"""
from statistics import median

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidStatus
from trading.tenders import rules
from trading.tenders.models import DocumentDownload
from trading.tenders.selectors import is_own

from .models import (
    Complaint,
    ComplaintStatus,
    Decision,
    DocumentObjection,
    Evidence,
    Question,
)


def _organisation_id(user):
    return getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None


def obtained_documents(organisation_id, tender):
    return bool(organisation_id) and DocumentDownload.objects.filter(
        document__tender=tender, organisation_id=organisation_id).exists()


def bid_on(organisation_id, tender):
    return bool(organisation_id) and Bid.objects.filter(
        tender=tender, bidder_id=organisation_id).exclude(status=BidStatus.WITHDRAWN).exists()


def interested(organisation_id, tender):
    """A party with standing: it obtained the documents or bid."""
    return obtained_documents(organisation_id, tender) or bid_on(organisation_id, tender)


def may_oversee(user, tender):
    """The tender's own entity, supervisors and discipline staff."""
    return allowed(user, "complaint.read_all") or (allowed(user, "tender.view_internal") and is_own(user, tender))


# --- questions -----------------------------------------------------------------------------

def questions_for(user, tender):
    found = Question.objects.filter(tender=tender).select_related("clarification")
    if allowed(user, "question.answer") and is_own(user, tender):
        return found
    organisation_id = _organisation_id(user)
    if organisation_id and allowed(user, "question.ask"):
        return found.filter(asker_id=organisation_id)
    return found.none()


# --- objections to the documents -------------------------------------------------------------

def objections_for(user, tender):
    found = DocumentObjection.objects.filter(tender=tender).select_related("objector", "clarification")
    if may_oversee(user, tender):
        return found
    organisation_id = _organisation_id(user)
    if organisation_id and allowed(user, "document_objection.file"):
        return found.filter(objector_id=organisation_id)
    return found.none()


def open_objections(tender):
    return DocumentObjection.objects.filter(tender=tender, answered_at__isnull=True)


# --- complaints ----------------------------------------------------------------------------

def complaints_for(user, tender=None):
    found = Complaint.objects.select_related("tender", "complainant", "against", "tender__project__entity")
    if tender is not None:
        found = found.filter(tender=tender)
    if allowed(user, "complaint.read_all"):
        return found
    mine = Q(pk__in=[])
    organisation_id = _organisation_id(user)
    if organisation_id and allowed(user, "complaint.file"):
        # The firm complained about is a party too: it reads the complaint to answer it.
        mine |= Q(complainant_id=organisation_id) | Q(against_id=organisation_id)
    if organisation_id and allowed(user, "tender.view_internal"):
        mine |= Q(tender__project__entity_id=organisation_id) | Q(tender__project__agency_id=organisation_id)
    return found.filter(mine)


def complaint_for(user, complaint_id):
    row_id = as_row_id(complaint_id)
    found = Complaint.objects.filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No such complaint."))
    if not complaints_for(user).filter(pk=found.pk).exists():
        raise PermissionDenied(_("Only the parties, the tender's entity and supervisors read a complaint."))
    return found


def evidence_for(user, evidence_id):
    row_id = as_row_id(evidence_id)
    found = Evidence.objects.select_related("complaint").filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No such file."))
    complaint_for(user, found.complaint_id)
    return found


def decisions():
    """Public decision notices: complaints decided or refused, newest first."""
    return (Complaint.objects.filter(status__in=[ComplaintStatus.DECIDED, ComplaintStatus.REFUSED])
            .select_related("tender", "complainant", "against").order_by("-decided_at", "-refused_at", "-id"))


def decision_notice(complaint_id):
    row_id = as_row_id(complaint_id)
    found = decisions().filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No decision has been published for this complaint."))
    return found


def statistics():
    """Complaints filed, accepted, refused, pending and decided; days from filing to decision; share upheld."""
    rows = list(Complaint.objects.values("status", "decision", "filed_at", "decided_at"))
    decided = [r for r in rows if r["status"] == ComplaintStatus.DECIDED]
    days = [(r["decided_at"] - r["filed_at"]).total_seconds() / 86400 for r in decided]
    upheld = sum(1 for r in decided if r["decision"] == Decision.UPHELD)
    return {
        "filed": len(rows),
        "awaiting_acceptance": sum(1 for r in rows if r["status"] == ComplaintStatus.FILED),
        "under_review": sum(1 for r in rows if r["status"] == ComplaintStatus.ACCEPTED),
        "refused": sum(1 for r in rows if r["status"] == ComplaintStatus.REFUSED),
        "decided": len(decided),
        "upheld": upheld,
        "upheld_percent": round(100 * upheld / len(decided), 1) if decided else None,
        "median_days_to_decision": round(median(days), 1) if days else None,
        "mean_days_to_decision": round(sum(days) / len(days), 1) if days else None,
    }


# --- what holds the procedure ----------------------------------------------------------------

def holding_reason(tender, step):
    """The holds registry's source: an unanswered objection to the documents holds bidding and the opening; a
    complaint whose supervisor suspended the procedure holds every step (award and contract included)."""
    suspending = (Complaint.objects.filter(tender=tender, suspended_at__isnull=False, released_at__isnull=True)
                  .order_by("suspended_at").first())
    if suspending is not None:
        return _("The supervising department suspended the procedure on %(when)s while it reviews complaint "
                 "no. %(number)d.") % {"when": rules.when(suspending.suspended_at), "number": suspending.pk}
    if step in ("bidding", "opening"):
        waiting = open_objections(tender).order_by("filed_at").first()
        if waiting is not None:
            return _("An objection to the tender documents filed on %(when)s awaits the entity's answer (due "
                     "%(due)s); the procedure is suspended until then.") % {
                "when": rules.when(waiting.filed_at), "due": rules.when(waiting.answer_due)}
    return None
