"""Reads shared by the collusion pages, exports and commands."""
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from trading.accounts.permissions import authorize

from .models import BidderRisk, Case, CollusionReport, Flag, GroupRisk, OpeningRisk, TenderRisk


def latest_report():
    return CollusionReport.objects.order_by("-created_at", "-id").first()


def report_or_latest(user, report_id=None):
    authorize(user, "collusion.view")
    if report_id:
        return get_object_or_404(CollusionReport, pk=report_id)
    return latest_report()


def flagged_tenders(report, limit=50):
    return report.tender_risks.filter(band__in=["red", "yellow"]).order_by("-risk", "reference")[:limit]


def top_groups(report, limit=20):
    return report.groups.order_by("-risk", "number")[:limit]


def top_bidders(report, limit=20):
    return report.bidder_risks.select_related("group").order_by("-risk", "label")[:limit]


def flags_for_tender(tender_risk):
    return [f for f in tender_risk.report.flags.all() if tender_risk.reference in f.tenders]


def flags_for_bidders(report, labels):
    labels = set(labels)
    return [f for f in report.flags.all() if labels & set(f.bidders)]


def flags_about(report, group=None, tender=None, bidder=None):
    """(the group, tender risk or bidder risk the flags are about or None, its flags)."""
    if group:
        about = get_object_or_404(GroupRisk, pk=_number(group), report=report)
        return about, flags_for_bidders(report, about.members)
    if tender:
        about = get_object_or_404(TenderRisk, pk=_number(tender), report=report)
        return about, flags_for_tender(about)
    if bidder:
        about = get_object_or_404(BidderRisk, pk=_number(bidder), report=report)
        return about, flags_for_bidders(report, [about.label])
    return None, list(report.flags.all())


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def tender_risks_by_reference(report, references):
    return {t.reference: t for t in report.tender_risks.filter(reference__in=list(references)).only("report_id",
        "id", "reference", "risk", "band")}


def bidders_by_label(report, labels):
    return {b.label: b for b in report.bidder_risks.filter(label__in=list(labels)).only("id", "label", "risk", "band")}


def tenders_of_bidder(bidder_risk, limit=100):
    """The bidder's tenders in the report, riskiest first."""
    needle = f"\n{bidder_risk.label}\n"
    return list(bidder_risk.report.tender_risks.filter(bidder_labels__contains=needle).order_by("-risk")[:limit])


def get_tender_risk(user, pk):
    authorize(user, "collusion.view")
    return get_object_or_404(TenderRisk.objects.select_related("report", "tender"), pk=pk)


def tender_risk_by_reference(user, reference, report_id=None):
    """The card of tender ``reference`` in report ``report_id``, or in the latest report
    that holds it: a link by reference keeps pointing at the same tender after new reports."""
    authorize(user, "collusion.view")
    rows = TenderRisk.objects.select_related("report", "tender").filter(reference=reference)
    if report_id:
        rows = rows.filter(report_id=_number(report_id))
    row = rows.order_by("-report__created_at", "-report_id").first()
    if row is None:
        raise Http404
    return row


def opening_risks(user, limit=20):
    authorize(user, "collusion.view")
    return OpeningRisk.objects.order_by("-scored_at", "-id")[:limit]


def get_opening_risk(user, reference):
    authorize(user, "collusion.view")
    return get_object_or_404(OpeningRisk.objects.select_related("tender", "report"), reference=reference)


SEARCH_LIMIT = 50


def search(user, query, report=None):
    """Tenders by reference, bidders by name or unified social credit code, in ``report``
    (default the latest); tenders scored at their opening by reference."""
    authorize(user, "collusion.view")
    query = (query or "").strip()
    report = report or latest_report()
    if not query:
        return {"tenders": [], "bidders": [], "openings": []}
    openings = list(OpeningRisk.objects.filter(reference__icontains=query)[:SEARCH_LIMIT])
    if report is None:
        return {"tenders": [], "bidders": [], "openings": openings}
    tenders = list(report.tender_risks.filter(reference__icontains=query).order_by("-risk")[:SEARCH_LIMIT])
    bidders = list(report.bidder_risks.select_related("group", "organisation")
                   .filter(Q(label__icontains=query) | Q(organisation__credit_code__iexact=query))
                   .order_by("-risk")[:SEARCH_LIMIT])
    return {"tenders": tenders, "bidders": bidders, "openings": openings}


def get_group(user, pk):
    authorize(user, "collusion.view")
    return get_object_or_404(GroupRisk.objects.select_related("report"), pk=pk)


def get_bidder(user, pk):
    authorize(user, "collusion.view")
    return get_object_or_404(BidderRisk.objects.select_related("report", "group", "organisation"), pk=pk)


def get_flag(user, pk):
    authorize(user, "collusion.view")
    return get_object_or_404(Flag.objects.select_related("report", "group"), pk=pk)


def get_case(user, pk):
    authorize(user, "collusion.view")
    return get_object_or_404(Case.objects.select_related("report", "flag", "group", "tender_risk", "opened_by"), pk=pk)


def cases(user, status=None):
    authorize(user, "collusion.view")
    qs = Case.objects.select_related("opened_by", "group", "tender_risk", "flag")
    return qs.filter(status=status) if status else qs


def open_cases_about(report, group=None, tender_risk=None):
    q = Q()
    if group is not None:
        q |= Q(group=group) | Q(flag__group=group)
    if tender_risk is not None:
        q |= Q(tender_risk=tender_risk)
    return Case.objects.filter(q).exclude(status__in=["referred", "dismissed"]) if q else Case.objects.none()


def case_evidence_flags(case, limit=30):
    """The flags that back a case, most severe first: its own flag, the flags about its
    group's members, or those about its tender."""
    if case.flag is not None:
        flags = [case.flag] + [f for f in flags_for_bidders(case.flag.report, case.flag.bidders) if f.pk != case.flag.pk]
    elif case.group is not None:
        flags = flags_for_bidders(case.group.report, case.group.members)
    elif case.tender_risk is not None:
        flags = flags_for_tender(case.tender_risk)
    else:
        flags = []
    return flags[:limit]


def latest_reports(limit=10):
    return CollusionReport.objects.order_by("-created_at", "-id")[:limit]
