"""Who hears of what: for each audit action that people should learn of, the users to notify and what to say.

Each rule takes the audit entry and returns [(user, kind, params, url, tender)]. The dispatcher reads the
log in order and applies them; an entry still under an embargo (who bid, who evaluates) is never used.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from trading.accounts.roles import Role
from trading.bids.models import Bid, BidStatus
from trading.tenders import rules
from trading.tenders.models import DocumentDownload, Tender
from trading.tenders.money import format_amount

from .models import Kind, Subscription

User = get_user_model()


def _tender(entry, key="tender"):
    """The tender an entry is about: its object, or the reference in its summary."""
    if entry.object_type == "tenders.tender":
        return Tender.objects.select_related("project__entity").filter(pk=entry.object_id).first()
    reference = entry.summary.get(key)
    return Tender.objects.select_related("project__entity").filter(reference=reference).first() if reference else None


def _facts(tender):
    return {"reference": tender.reference, "title": tender.title, "entity": tender.project.entity.name,
            "deadline": rules.when(tender.deadline) if tender.deadline else ""}


def _amount(value):
    return format_amount(value) if value not in (None, "") else ""


def _page(tender):
    return reverse("tenders:detail", args=[tender.pk])


def members(organisation_ids, role=None):
    users = User.objects.filter(organisation_id__in=list(organisation_ids), is_active=True)
    return list(users.filter(role=role) if role else users)


def _bidders(tender, statuses=(BidStatus.OPENED,)):
    return set(Bid.objects.filter(tender=tender, status__in=statuses).values_list("bidder_id", flat=True))


def _supervisors():
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))


def tender_published(entry):
    tender = _tender(entry)
    if tender is None:
        return []
    region = tender.project.entity.credit_code[2:8]
    text = f"{tender.title} {tender.description} {tender.project.name}"
    subscribers = Subscription.objects.select_related("user").filter(user__is_active=True,
                                                                      user__role=Role.CONTRACTOR)
    return [(s.user, Kind.TENDER_PUBLISHED, _facts(tender), _page(tender), tender)
            for s in subscribers if s.matches(tender.project.project_type, region, text)]


def clarification(entry):
    tender = _tender(entry)
    if tender is None:
        return []
    interested = _bidders(tender, (BidStatus.ACTIVE,)) | set(
        DocumentDownload.objects.filter(document__tender=tender, organisation__isnull=False)
        .values_list("organisation_id", flat=True))
    found = [(u, Kind.CLARIFICATION, _facts(tender), _page(tender), tender)
             for u in members(interested, Role.CONTRACTOR)]
    if entry.summary.get("changes_conditions"):
        found += [(u, Kind.RECONFIRM, _facts(tender), reverse("bids:my_bids"), tender)
                  for u in members(_bidders(tender, (BidStatus.ACTIVE,)), Role.CONTRACTOR)]
    return found


def objection_answered(entry):
    from trading.award.models import Objection
    from trading.complaints.models import DocumentObjection

    if entry.action == "award.answer_objection":
        objection = Objection.objects.select_related("tender__project__entity").filter(pk=entry.object_id).first()
        organisation_id = objection and objection.bidder_id
        url = objection and reverse("award:tender", args=[objection.tender_id])
    else:
        objection = DocumentObjection.objects.select_related("tender__project__entity").filter(
            pk=entry.object_id).first()
        organisation_id = objection and objection.objector_id
        url = objection and _page(objection.tender)
    if objection is None:
        return []
    decision = entry.summary.get("decision") or ("upheld" if entry.summary.get("upheld") else "dismissed")
    params = {**_facts(objection.tender), "decision": decision}
    return [(u, Kind.OBJECTION_ANSWERED, params, url, objection.tender) for u in members([organisation_id])]


def candidate_notice(entry):
    tender = _tender(entry)
    if tender is None:
        return []
    params = {**_facts(tender), "closes": rules.when_iso(entry.summary.get("closes_at"))}
    return [(u, Kind.CANDIDATE_NOTICE, params, reverse("award:tender", args=[tender.pk]), tender)
            for u in members(_bidders(tender), Role.CONTRACTOR)]


def award(entry):
    tender = _tender(entry)
    if tender is None:
        return []
    params = {**_facts(tender), "winner": entry.summary.get("winner", ""),
              "amount": _amount(entry.summary.get("amount"))}
    return [(u, Kind.AWARD, params, reverse("award:results"), tender)
            for u in members(_bidders(tender), Role.CONTRACTOR)]


def complaint_decided(entry):
    from trading.complaints.models import Complaint

    complaint = Complaint.objects.select_related("tender__project__entity").filter(pk=entry.object_id).first()
    if complaint is None:
        return []
    params = {**_facts(complaint.tender), "decision": entry.summary.get("decision", "")}
    organisations = [complaint.complainant_id, complaint.tender.project.entity_id]
    return [(u, Kind.COMPLAINT_DECIDED, params, _page(complaint.tender), complaint.tender)
            for u in members(organisations)]


def checkpoint(entry):
    if entry.summary.get("state") not in ("yellow", "red"):
        return []
    tender = _tender(entry)
    if tender is None:
        return []
    params = {**_facts(tender), "state": entry.summary["state"], "code": entry.summary.get("code", ""),
              "reason": entry.summary.get("reason", "")}
    return [(u, Kind.CHECKPOINT, params, reverse("tenders:checkpoints"), tender) for u in _supervisors()]


def alarm(entry):
    tender = _tender(entry)
    if tender is None:
        return []
    url = reverse("realtime:supervise", args=[tender.pk])
    if entry.summary.get("cause") == "sealed_bid_mismatch":
        params = {**_facts(tender), "bidder": entry.summary.get("bidder", ""), "reason": entry.summary.get("reason", "")}
        return [(u, Kind.INTEGRITY, params, url, tender) for u in _supervisors()]
    params = {**_facts(tender), "minutes": round(float(entry.summary.get("overdue_seconds") or 0) / 60)}
    return [(u, Kind.ALARM, params, url, tender) for u in _supervisors()]


RULES = {
    "tenders.publish_tender": tender_published,
    "tenders.add_clarification": clarification,
    "award.answer_objection": objection_answered,
    "complaints.answer_objection": objection_answered,
    "award.publish_notice": candidate_notice,
    "award.award": award,
    "complaints.decide": complaint_decided,
    "tenders.checkpoint": checkpoint,
    "opening.alarm": alarm,
}
