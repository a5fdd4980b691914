"""Public pages: statistics with charts and downloads, the small-project register with its splitting flags, the
integrity index and each entity's page (notice, figures, written feedback). Thin: selectors compute, services write.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.tenders.forms import apply_errors
from trading.tenders.models import ProjectType
from trading.tenders.money import format_amount

from . import charts, exports, selectors, services
from .forms import FeedbackForm, FilterForm, SmallProjectForm

FORMATS = {"csv", "xlsx"}


def _filters(request, grouped=False):
    """(Filters, group, the filter form with every problem on its field)."""
    form = FilterForm(request.GET or None)
    if not grouped:
        del form.fields["group"]
    f, errors = selectors.clean_filters(request.GET)
    group = request.GET.get("group") or "month"
    if group not in dict(selectors.GROUPS):
        errors["group"] = _("Choose how the figures are grouped.")
        group = "month"
    if not grouped:
        errors.pop("group", None)
    if request.GET:
        form.is_valid()
        for field, message in errors.items():
            if field not in form.errors:
                form.add_error(field, message)
    return f, group, form


def _money(value):
    return float(value or 0)


def statistics_page(request):
    f, group, form = _filters(request, grouped=True)
    stats = selectors.statistics(f, group)
    rows = stats["rows"]
    savings_by_type = selectors.statistics(f, "type")["rows"] if group != "type" else rows
    query = urlencode({**f.as_query(), "group": group})
    return render(request, "publication/statistics.html", {
        "form": form, "stats": stats, "total": stats["total"], "rows": rows, "filters": f, "query": query,
        "group_label": dict(selectors.GROUPS)[group],
        "tenders_chart": charts.bar_chart([(r["label"], r["tenders"]) for r in rows],
                                          _("Tenders by %(group)s") % {"group": dict(selectors.GROUPS)[group]}),
        "value_chart": charts.bar_chart([(r["label"], _money(r["value"])) for r in rows],
                                        _("Value of tenders (yuan)"), fmt=format_amount, colour="#00838f"),
        "savings_chart": charts.bar_chart([(r["label"], r["savings_percent"]) for r in savings_by_type],
                                          _("Savings by procurement type (%)"), fmt="{:.1f}%", colour="#2e7d32"),
        "competition_chart": charts.bar_chart([(r["label"], r["bids_per_tender"]) for r in rows],
                                              _("Bids per opened tender"), fmt="{:.2f}", colour="#6a1b9a"),
        "split_window": selectors.SPLIT_WINDOW_DAYS,
    })


def statistics_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    f, group, _form = _filters(request, grouped=True)
    stats = selectors.statistics(f, group)
    rows = [*stats["rows"], {**stats["total"], "label": _("All")}]
    header, body = exports.table(rows, exports.STAT_COLUMNS)
    if fmt == "csv":
        return exports.csv_response("sunlight-statistics", header, body)
    return exports.xlsx_response("sunlight-statistics", _("Statistics"), header, body)


def small_projects_page(request):
    f, _group, form = _filters(request)
    may_file = allowed(request.user, "smallproject.file")
    filing = SmallProjectForm(request.POST or None) if may_file else None
    if request.method == "POST":
        authorize(request.user, "smallproject.file")
        if filing.is_valid():
            try:
                services.file_small_project(Caller.from_request(request), **filing.cleaned_data)
            except ValidationError as error:
                apply_errors(filing, error)
            else:
                messages.success(request, _("The project is filed in the register."))
                return redirect("publication:small_projects")
    thresholds = [(label, selectors.tendering_threshold(value))
                  for value, label in ProjectType.choices if value in ("works", "goods", "services")]
    return render(request, "publication/small_projects.html", {
        "form": form, "projects": selectors.small_projects(f)[:500], "flags": selectors.splitting_flags(f),
        "filing": filing, "thresholds": thresholds, "split_window": selectors.SPLIT_WINDOW_DAYS,
    }, status=400 if filing is not None and filing.errors else 200)


def integrity_page(request):
    f, _group, form = _filters(request)
    rows = selectors.integrity(f)
    counts = {band: sum(1 for r in rows if r["band"] == band) for band in ("red", "yellow", "blue", "none")}
    chart = charts.bar_chart([(selectors.BAND_LABELS[b], counts[b], charts.COLOURS[b]) for b in counts],
                             _("Procuring entities by warning"))
    return render(request, "publication/integrity.html", {
        "form": form, "rows": rows, "chart": chart, "query": urlencode(f.as_query()), "points": selectors.POINTS,
        "single_bid_points": selectors.SINGLE_BID_POINTS, "bands": selectors.BANDS,
    })


def integrity_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    f, _group, _form = _filters(request)
    header, body = exports.table(selectors.integrity(f), exports.INTEGRITY_COLUMNS)
    if fmt == "csv":
        return exports.csv_response("sunlight-integrity", header, body)
    return exports.xlsx_response("sunlight-integrity", _("Integrity index"), header, body)


def entity_page(request, pk):
    f, _group, form = _filters(request)
    row = selectors.entity_integrity(pk, f)
    own = (request.user.is_authenticated and getattr(request.user, "organisation_id", None) == row["entity"])
    may_answer = own and allowed(request.user, "integrity.feedback")
    feedback_form = FeedbackForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied(_("Only the entity's own officials may answer its integrity index."))
        if feedback_form.is_valid():
            try:
                services.write_feedback(Caller.from_request(request), feedback_form.cleaned_data["text"])
            except ValidationError as error:
                apply_errors(feedback_form, error)
            else:
                messages.success(request, _("Your feedback is published with the index."))
                return redirect(reverse("publication:entity", args=[row["entity"]]))
    return render(request, "publication/entity.html", {
        "row": row, "form": form, "feedback_form": feedback_form, "points": selectors.POINTS,
        "statistics_query": urlencode({"entity": row["entity"]}),
    }, status=400 if feedback_form is not None and feedback_form.errors else 200)
