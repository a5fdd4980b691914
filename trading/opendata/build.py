"""A tender's public data as one OCDS 1.1 release (without its id, date and tag, which publication adds).

Only what the public may read goes in, and only when the law lets it out:

- planning and tender: from publication (a draft is never published);
- bids (the bid extension) and the tenderers: only once the bids were opened, and then only the opened bids with
  their prices; a sealed bid (before the opening, or of a lot that failed at the opening) appears nowhere, not even
  as a count;
- the committee's verdict on each bid (valid / disqualified): from the candidate notice on, when it becomes public;
- awards: the first-ranked candidate of each lot as a `pending` award while the candidate notice runs, then the
  awards (a revoked one as `cancelled`);
- contracts: the contract notice, the amendments (what changed and why), milestones, completion, acceptance and
  final accounts. Payments, attendance and subcontracts are read by the parties and supervisors only, so they
  stay out.

The release is built from the current state: each publication carries the whole of it, so the compiled release of
a record is its latest release.
"""
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from trading.award.models import Award, CandidateNotice
from trading.bids.models import Bid, BidStatus
from trading.contracts.models import Contract
from trading.tenders.models import ProjectType, TenderStatus

CURRENCY = "CNY"
# The identifier scheme of the unified social credit code (统一社会信用代码). A centre publishing for real should
# check the code org-id.guide lists for it and set it here.
ORG_SCHEME = "CN-USCC"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
]

OPENED = {TenderStatus.EVALUATION, TenderStatus.CANDIDATES, TenderStatus.AWARDED, TenderStatus.COMPLETE}
TENDER_STATUS = {
    TenderStatus.PUBLISHED: "active",
    TenderStatus.BIDDING_CLOSED: "active",
    TenderStatus.OPENING: "active",
    TenderStatus.EVALUATION: "active",
    TenderStatus.CANDIDATES: "active",
    TenderStatus.AWARDED: "complete",
    TenderStatus.COMPLETE: "complete",
    TenderStatus.FAILED: "unsuccessful",
    TenderStatus.CANCELLED: "cancelled",
}
CATEGORY = {ProjectType.WORKS: "works", ProjectType.GOODS: "goods", ProjectType.SERVICES: "services"}
AWARD_CRITERIA = {"lowest_price": "priceOnly", "scoring": "ratedCriteria"}


def ocid_prefix():
    return settings.SUNLIGHT.get("OCID_PREFIX") or "ocds-xxxxxx"


def ocid_of(tender):
    """Stable for the tender's life: the centre's prefix and the tender's row number, which never changes."""
    return f"{ocid_prefix()}-{tender.pk}"


def site_url(path=""):
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def canonical(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(data):
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def value(amount):
    # OCDS amounts are numbers; cents are exact in a double for any amount the platform accepts.
    return {"amount": float(Decimal(amount)), "currency": CURRENCY}


def when(moment):
    return moment.isoformat() if moment else None


def party_id(organisation):
    return f"{ORG_SCHEME}-{organisation.credit_code}"


def reference(organisation):
    return {"id": party_id(organisation), "name": organisation.name}


class Parties:
    """The parties of the release, each once, with every role it plays."""

    def __init__(self):
        self.rows = {}

    def add(self, organisation, role):
        row = self.rows.setdefault(organisation.pk, {
            "id": party_id(organisation), "name": organisation.name,
            "identifier": {"scheme": ORG_SCHEME, "id": organisation.credit_code, "legalName": organisation.name},
            "roles": []})
        if role not in row["roles"]:
            row["roles"].append(role)
        return reference(organisation)

    def as_list(self):
        return list(self.rows.values())


def lot_id(lot):
    return str(lot.number) if lot else None


def related_lots(lot):
    return {"relatedLots": [lot_id(lot)]} if lot else {}


def planning(tender):
    project = tender.project
    return {"budget": {"id": project.code, "description": project.funding_source, "amount": value(project.budget),
                       "project": project.name, "projectID": project.code}}


def tender_section(tender, parties, opened_bids):
    lots = list(tender.lots.order_by("number"))
    section = {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description,
        "status": TENDER_STATUS.get(tender.status, "active"),
        "value": value(tender.ceiling_price),
        "procurementMethod": "open",
        "procurementMethodDetails": str(tender.get_procedure_type_display()),
        "awardCriteria": AWARD_CRITERIA.get(tender.evaluation_method, "priceOnly"),
        "submissionMethod": ["electronicSubmission"],
        "procuringEntity": parties.add(tender.project.agency or tender.project.entity, "procuringEntity"),
        "tenderPeriod": {"startDate": when(tender.published_at), "endDate": when(tender.deadline)},
        # The files themselves go to registered firms while on offer (and who fetched them is secret until the
        # opening), so each document points at the public tender page, which says how to obtain them.
        "documents": [{
            "id": f"doc-{document.pk}", "documentType": "biddingDocuments",
            "title": f"{document.title} (v{document.version})",
            "url": site_url(reverse("tenders:detail", args=[tender.pk])),
            "datePublished": when(document.uploaded_at),
        } for document in tender.documents.order_by("uploaded_at", "id")],
    }
    if tender.project.project_type in CATEGORY:
        section["mainProcurementCategory"] = CATEGORY[tender.project.project_type]
    if lots:
        section["lots"] = [{"id": lot_id(lot), "title": lot.title, "value": value(lot.ceiling_price),
                            "status": lot_status(tender, lot)} for lot in lots]
    if opened_bids is not None:
        tenderers = []
        for bid in opened_bids:
            ref = parties.add(bid.bidder, "tenderer")
            if ref not in tenderers:
                tenderers.append(ref)
        section["numberOfTenderers"] = len(tenderers)
        section["tenderers"] = tenderers
    return section


def lot_status(tender, lot):
    if lot.failed:
        return "unsuccessful"
    return TENDER_STATUS.get(tender.status, "active")


def bids_section(tender, opened_bids, verdicts_public):
    """Opened bids only, with their prices; the committee's verdict once the candidate notice made it public."""
    details = []
    for bid in opened_bids:
        status = ("disqualified" if bid.disqualified else "valid") if verdicts_public else "pending"
        details.append({"id": f"bid-{bid.pk}", "date": when(bid.received_at), "status": status,
                        "tenderers": [reference(bid.bidder)], "value": value(bid.price), **related_lots(bid.lot)})
    statistics = [{"id": "bids", "measure": "bids", "value": len(details)}]
    for lot in tender.lots.order_by("number"):
        count = sum(1 for bid in opened_bids if bid.lot_id == lot.pk)
        statistics.append({"id": f"bids-lot-{lot.number}", "measure": "bids", "value": count,
                           "relatedLot": lot_id(lot)})
    return {"statistics": statistics, "details": details}


def pending_awards(tender, parties, opened_bids):
    """While the candidate notice runs (and until each lot is awarded): the first candidate of each lot not passed
    over, proposed but not yet in force."""
    notice = CandidateNotice.objects.filter(tender=tender, withdrawn_at__isnull=True).first()
    if notice is None or tender.status != TenderStatus.CANDIDATES:
        return []
    bids = {bid.pk: bid for bid in opened_bids}
    awarded_lots = set(Award.objects.filter(tender=tender, revoked_at__isnull=True).values_list("lot_id", flat=True))
    # A candidate whose award was revoked (declined, failed to sign, disqualified) is passed over: the next one is.
    passed_over = set(Award.objects.filter(tender=tender, revoked_at__isnull=False).values_list("bid_id", flat=True))
    rows = []
    for part in notice.body.get("lots", []):
        ranked = sorted(part.get("candidates", []), key=lambda c: c.get("rank") or 0)
        first = next((c for c in ranked if c.get("bid_id") not in passed_over), None)
        bid = bids.get(first and first.get("bid_id"))
        if bid is None or bid.lot_id in awarded_lots:
            continue
        rows.append({"id": f"candidate-{notice.pk}-{lot_id(bid.lot) or 0}", "status": "pending",
                     "title": str(bid.lot.title) if bid.lot else tender.title,
                     "date": when(notice.published_at), "value": value(bid.price),
                     "suppliers": [parties.add(bid.bidder, "tenderer")], "relatedBid": f"bid-{bid.pk}",
                     **related_lots(bid.lot)})
    return rows


def awards_section(tender, parties, opened_bids):
    rows = []
    for award in Award.objects.filter(tender=tender).select_related("winner", "lot").order_by(
            "lot__number", "awarded_at", "id"):
        live = award.revoked_at is None
        supplier = parties.add(award.winner, "supplier") if live else reference(award.winner)
        rows.append({"id": f"award-{award.pk}", "status": "active" if live else "cancelled",
                     "title": str(award.lot.title) if award.lot else tender.title,
                     "date": when(award.awarded_at), "value": value(award.amount), "suppliers": [supplier],
                     "relatedBid": f"bid-{award.bid_id}",
                     "documents": [{"id": f"award-notice-{award.pk}", "documentType": "awardNotice",
                                    "title": "Award notice", "format": "application/pdf",
                                    "url": site_url(reverse("award:award_notice_pdf", args=[award.pk])),
                                    "datePublished": when(award.awarded_at)}],
                     **related_lots(award.lot)})
    if not rows and tender.imported:  # imported history has its winning bids but no award rows
        rows = [{"id": f"award-bid-{bid.pk}", "status": "active", "title": tender.title,
                 "date": when(tender.opened_at or tender.deadline), "value": value(bid.price),
                 "suppliers": [parties.add(bid.bidder, "supplier")], "relatedBid": f"bid-{bid.pk}",
                 **related_lots(bid.lot)} for bid in opened_bids if bid.is_winner]
    return pending_awards(tender, parties, opened_bids) + rows


CONTRACT_STATUS = {"concluded": "active", "completed": "active", "accepted": "active", "settled": "active",
                   "closed": "terminated"}


def amendment_text(amendment):
    changes = []
    if amendment.price_after is not None:
        changes.append(f"price {amendment.price_before} -> {amendment.price_after} {CURRENCY}")
    if amendment.duration_after is not None:
        changes.append(f"duration {amendment.duration_before} -> {amendment.duration_after} days")
    if amendment.scope_after:
        changes.append("scope of works changed")
    if amendment.manager_after:
        changes.append(f"project manager {amendment.manager_before} -> {amendment.manager_after}"
                       + (f" ({amendment.approval})" if amendment.approval else ""))
    return "; ".join(changes)


def contracts_section(tender):
    """The contract notices and their public life. This is the hook for the contract room: it reads only the
    public fields of `trading.contracts`; payments, attendance and subcontracts are not public and stay out."""
    rows = []
    for contract in Contract.objects.filter(tender=tender).order_by("concluded_at", "id"):
        milestones = [{"id": f"milestone-{m.pk}", "title": m.title, "type": "delivery", "status": "met",
                       "dateMet": when(m.reached_at), "description": m.note}
                      for m in contract.milestones.order_by("reached_at", "id")]
        final = contract.final_amount
        for code, title, moment, amount in (
                ("completion", "Works completed", contract.completed_at, None),
                ("acceptance", "Works accepted", contract.accepted_at, None),
                ("final-accounts", "Final accounts agreed", contract.settled_at, final),
                ("retention", "Retention money released", contract.retention_released_at, None)):
            if moment:
                milestones.append({"id": f"{code}-{contract.pk}", "title": title, "type": "delivery",
                                   "status": "met", "dateMet": when(moment),
                                   **({"value": value(amount)} if amount is not None else {})})
        row = {
            "id": f"contract-{contract.pk}", "awardID": f"award-{contract.award_id}",
            "title": contract.reference, "description": contract.current_scope,
            "status": CONTRACT_STATUS.get(contract.status, "active"),
            "value": value(contract.current_price),
            "dateSigned": when(contract.concluded_at),
            "period": {"startDate": when(contract.concluded_at), "durationInDays": contract.current_duration_days},
            "documents": [{"id": f"contract-notice-{contract.pk}", "documentType": "contractNotice",
                           "title": "Contract notice", "format": "text/html",
                           "url": site_url(reverse("contracts:detail", args=[contract.pk])),
                           "datePublished": when(contract.concluded_at)}],
            **related_lots(contract.lot),
        }
        if milestones:
            row["implementation"] = {"milestones": milestones}
        amendments = [{"id": f"amendment-{a.pk}", "date": when(a.recorded_at), "rationale": a.reason,
                       "description": amendment_text(a)} for a in contract.amendments.order_by("number")]
        if amendments:
            row["amendments"] = amendments
        rows.append(row)
    return rows


def stage(release):
    """The stage a release reports, for its tag: the furthest the procedure has gone."""
    if release["tender"]["status"] == "cancelled":
        return "tenderCancellation"
    contracts = release.get("contracts", [])
    if any(c.get("implementation") for c in contracts):
        return "implementation"
    if contracts:
        return "contract"
    if release.get("awards"):
        return "award"
    return "tender"


def opened_bids_of(tender):
    """The bids that were opened and announced: none before the opening, and never a sealed one."""
    if tender.opened_at is None and tender.status not in OPENED:
        return None
    return list(Bid.objects.filter(tender=tender, status=BidStatus.OPENED, price__isnull=False)
                .select_related("bidder", "lot").order_by("lot__number", "announce_order", "id"))


def release_content(tender):
    """The public data of a non-draft tender as an OCDS release, without id, date and tag. Always in one language
    (the data as entered, labels in English), whatever the caller's, so the same data gives the same release."""
    with translation.override("en"):
        return _release_content(tender)


def _release_content(tender):
    assert tender.status != TenderStatus.DRAFT, "a draft is not public"
    parties = Parties()
    buyer = parties.add(tender.project.entity, "buyer")
    opened = opened_bids_of(tender)
    release = {
        "ocid": ocid_of(tender),
        "initiationType": "tender",
        "buyer": buyer,
        "planning": planning(tender),
        "tender": tender_section(tender, parties, opened),
    }
    if opened is not None:
        verdicts_public = CandidateNotice.objects.filter(tender=tender).exists()
        release["bids"] = bids_section(tender, opened, verdicts_public)
        awards = awards_section(tender, parties, opened)
        if awards:
            release["awards"] = awards
    contracts = contracts_section(tender)
    if contracts:
        release["contracts"] = contracts
    release["parties"] = parties.as_list()
    return release
