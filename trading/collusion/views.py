"""Pages for discipline staff and administrators: thin, over selectors and services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize

from . import selectors, services
from .models import CaseStatus, Flag, GroupRisk, TenderRisk
from .reporting import SCREENS
from .sentences import figure_rows, kind_label, signal_label, translate_flag

def _screen_names():
    return {
        "cv": _("Coefficient of variation"), "spd": _("Spread (highest / lowest − 1)"),
        "diffp": _("Gap between the two lowest (DIFFP)"), "rd": _("Relative distance (RD)"),
        "skew": _("Skewness"), "kurt": _("Kurtosis"), "ks": _("Distance from uniform (KS)"),
    }


def _pattern_names():
    return {
        "identical": _("Bids with a price identical to another firm's"),
        "step_cv_arith": _("Variation of the steps between bids (0 = equal steps)"),
        "step_cv_geom": _("Variation of the percentage steps (0 = equal ratios)"),
        "reserve_round": _("Bids at a round percentage of the reserve price"),
        "cluster_above": _("Share of losing bids within 3% above the lowest"),
        "sub3_cv_min": _("Lowest variation among 3-bid subgroups"),
        "sub4_cv_min": _("Lowest variation among 4-bid subgroups"),
    }


FLAGS_SHOWN = 20       # on a tender, group or bidder page; the rest on the paginated list
FLAGS_PER_PAGE = 50


def _flag_rows(flags):
    return [{"flag": f, "label": kind_label(f.kind), "text": f.text} for f in flags]


def _top_flags(flags, report, about, pk):
    """The most severe flags (``flags`` come most severe first) and a link to all of them."""
    url = reverse("collusion:flag_list", args=[report.pk]) + f"?{about}={pk}"
    return {"flags": _flag_rows(flags[:FLAGS_SHOWN]), "flags_total": len(flags), "flags_url": url}


@login_required
def dashboard(request, pk=None):
    report = selectors.report_or_latest(request.user, pk)
    context = {"report": report, "reports": selectors.latest_reports(),
               "can_run": allowed(request.user, "collusion.report"),
               "can_manage": allowed(request.user, "case.manage")}
    if report is not None:
        context.update(
            tenders=selectors.flagged_tenders(report), groups=selectors.top_groups(report),
            bidders=selectors.top_bidders(report), flags=_flag_rows(report.flags.select_related("group")[:25]),
            open_cases=selectors.cases(request.user).exclude(status__in=["referred", "dismissed"])[:20],
        )
    context["openings"] = selectors.opening_risks(request.user)
    return render(request, "collusion/dashboard.html", context)


@login_required
def search(request):
    query = request.GET.get("q", "")
    return render(request, "collusion/search.html", {"q": query, **selectors.search(request.user, query)})


@login_required
def opening_card(request, reference):
    card = selectors.get_opening_risk(request.user, reference)
    flags = [{**f, "label": kind_label(f["kind"]), "text": translate_flag(f["kind"], f["figures"], f["sentence"])}
             for f in card.flags]
    return render(request, "collusion/opening.html", {"card": card, "flags": flags})


@login_required
def tender_by_reference(request, reference):
    return _tender_card(request, selectors.tender_risk_by_reference(request.user, reference,
                                                                    request.GET.get("report")))


@login_required
@require_POST
def run_report(request):
    report = services.run_report(Caller.from_request(request))
    messages.success(request, _("A new report was stored: %(tenders)s tenders, %(groups)s groups.") % {
        "tenders": report.summary.get("tenders", 0), "groups": report.summary.get("groups", 0)})
    return redirect("collusion:report", pk=report.pk)


@login_required
def tender_card(request, pk):
    return _tender_card(request, selectors.get_tender_risk(request.user, pk))


def _tender_card(request, tr):
    f = tr.features
    screens = [{"name": _screen_names()[s], "key": s, "value": f.get(s), "market": f.get(f"m_{s}"),
                "suspicion": f.get(f"p_{s}")} for s in SCREENS]
    patterns = [{"name": name, "value": f.get(k)} for k, name in _pattern_names().items()]
    group = tr.report.groups.filter(number=tr.group_number).first() if tr.group_number is not None else None
    bidders = selectors.bidders_by_label(tr.report, [b["bidder"] for b in tr.bids if b.get("bidder")])
    bids = [{**b, "bidder_risk": bidders.get(b.get("bidder"))} for b in tr.bids]
    return render(request, "collusion/tender.html", {
        "tr": tr, "screens": screens, "patterns": patterns, "group": group, "bids": bids,
        **_top_flags(selectors.flags_for_tender(tr), tr.report, "tender", tr.pk),
        "can_manage": allowed(request.user, "case.manage"),
        "cases": selectors.open_cases_about(tr.report, tender_risk=tr),
    })


def _graph(group: GroupRisk):
    bidders = selectors.bidders_by_label(group.report, group.members)
    wins = {m: 0 for m in group.members}
    bids = {m: 0 for m in group.members}
    for row in group.timeline:
        for m in row["bidders"]:
            bids[m] += 1
        if row["winner"] in wins:
            wins[row["winner"]] += 1
    covers = set(group.figures.get("cover_bidders") or [])
    nodes = [{"id": m, "wins": wins[m], "bids": bids[m], "cover": m in covers,
              "risk": getattr(bidders.get(m), "risk", None),
              "url": reverse("collusion:bidder", args=[bidders[m].pk]) if m in bidders else None} for m in group.members]
    edges = [{"source": a, "target": b, "weight": group.cobids[i][j]}
             for i, a in enumerate(group.members) for j, b in enumerate(group.members)
             if i < j and group.cobids and group.cobids[i][j] > 0]
    return {"nodes": nodes, "edges": edges}


@login_required
def group_page(request, pk):
    group = selectors.get_group(request.user, pk)
    graph = _graph(group)
    matrix = [{"member": m, "cells": [{"count": c, "self": i == j} for j, c in enumerate(row)]}
              for i, (m, row) in enumerate(zip(group.members, group.cobids))]
    timeline = group.timeline
    rows = [{"member": m, "cells": [("win" if t["winner"] == m else "bid" if m in t["bidders"] else "")
                                     for t in timeline]} for m in group.members]
    tenders = selectors.tender_risks_by_reference(group.report, [t["tender"] for t in timeline])
    columns = [{**t, "risk": tenders.get(t["tender"])} for t in timeline]
    return render(request, "collusion/group.html", {
        "group": group, "graph": graph, "matrix": matrix, "timeline_rows": rows, "timeline_columns": columns,
        "winner_sequence": [t["winner"] for t in timeline if t["winner"] in group.members],
        **_top_flags(selectors.flags_for_bidders(group.report, group.members), group.report, "group", group.pk),
        "can_manage": allowed(request.user, "case.manage"),
        "cases": selectors.open_cases_about(group.report, group=group),
        "identities": [{**i, "signal": signal_label(i["signal"])}
                       for i in group.figures.get("shared_identities") or []],
    })


@login_required
def group_graph(request, pk):
    return JsonResponse(_graph(selectors.get_group(request.user, pk)))


@login_required
def bidder_page(request, pk):
    bidder = selectors.get_bidder(request.user, pk)
    return render(request, "collusion/bidder.html", {
        "bidder": bidder, "tenders": selectors.tenders_of_bidder(bidder),
        **_top_flags(selectors.flags_for_bidders(bidder.report, [bidder.label]), bidder.report, "bidder", bidder.pk),
    })


@login_required
def flag_list(request, pk):
    """Every flag about one tender, group or bidder of a report, most severe first."""
    report = selectors.report_or_latest(request.user, pk)
    about, flags = selectors.flags_about(report, group=request.GET.get("group"),
                                         tender=request.GET.get("tender"), bidder=request.GET.get("bidder"))
    page = Paginator(flags, FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    key = next(((k, request.GET[k]) for k in ("group", "tender", "bidder") if request.GET.get(k)), None)
    about_url = reverse(f"collusion:{key[0]}", args=[about.pk]) if about is not None else None
    return render(request, "collusion/flags.html", {
        "report": report, "about": about, "about_url": about_url, "page": page, "flags": _flag_rows(page.object_list),
        "query": f"{key[0]}={key[1]}&" if key else "", "can_manage": allowed(request.user, "case.manage"),
    })


@login_required
def flag_page(request, pk):
    flag = selectors.get_flag(request.user, pk)
    tenders = selectors.tender_risks_by_reference(flag.report, flag.tenders)
    bidders = selectors.bidders_by_label(flag.report, flag.bidders)
    return render(request, "collusion/flag.html", {
        "flag": flag, "label": kind_label(flag.kind), "text": flag.text, "figures": figure_rows(flag.figures),
        "tenders": [(ref, tenders.get(ref)) for ref in flag.tenders],
        "bidders": [(label, bidders.get(label)) for label in flag.bidders],
        "can_manage": allowed(request.user, "case.manage"),
    })


@login_required
def case_list(request):
    status = request.GET.get("status") or None
    return render(request, "collusion/cases.html", {
        "cases": selectors.cases(request.user, status if status in CaseStatus.values else None),
        "statuses": CaseStatus.choices, "status": status,
    })


@login_required
@require_POST
def case_open(request):
    authorize(request.user, "collusion.view")
    sources = {
        "flag": get_object_or_404(Flag, pk=request.POST["flag"]) if request.POST.get("flag") else None,
        "group": get_object_or_404(GroupRisk, pk=request.POST["group"]) if request.POST.get("group") else None,
        "tender_risk": (get_object_or_404(TenderRisk, pk=request.POST["tender_risk"])
                        if request.POST.get("tender_risk") else None),
    }
    try:
        case = services.open_case(Caller.from_request(request), title=request.POST.get("title", ""),
                                  note=request.POST.get("note", ""), **sources)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(request.META.get("HTTP_REFERER") or "collusion:dashboard")
    messages.success(request, _("Case %(id)s opened.") % {"id": case.pk})
    return redirect("collusion:case", pk=case.pk)


@login_required
def case_detail(request, pk):
    case = selectors.get_case(request.user, pk)
    return render(request, "collusion/case.html", {
        "case": case, "notes": case.notes.select_related("author"),
        "next_statuses": [(s, CaseStatus(s).label) for s in sorted(services.TRANSITIONS[case.status])],
        "can_manage": allowed(request.user, "case.manage"),
        "flag_text": case.flag.text if case.flag else "",
    })


@login_required
@require_POST
def case_note(request, pk):
    case = selectors.get_case(request.user, pk)
    try:
        services.add_note(Caller.from_request(request), case, request.POST.get("text", ""))
        messages.success(request, _("Note added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("collusion:case", pk=case.pk)


@login_required
@require_POST
def case_status(request, pk):
    case = selectors.get_case(request.user, pk)
    try:
        case = services.change_status(Caller.from_request(request), case, request.POST.get("status", ""),
                                      request.POST.get("note", ""))
        messages.success(request, _("The case is now %(status)s.") % {"status": case.get_status_display().lower()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("collusion:case", pk=case.pk)
