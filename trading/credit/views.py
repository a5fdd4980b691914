"""Pages of the credit room: the public search and blacklist, each firm's credit record, and the supervisor's
forms to record a penalty or a debarment and to lift one. Thin: selectors decide, services write."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.form_pages import form_then_redirect
from trading.tenders import clock

from . import selectors, services
from .forms import DebarmentForm, LiftForm, PenaltyForm


def index(request):
    query = request.GET.get("q", "")
    return render(request, "credit/index.html", {
        "query": query, "firms": selectors.firms(query)[:50] if query else [],
        "debarred": selectors.debarred_now(),
    })


def _firm_or_404(pk):
    firm = selectors.firm(pk)
    if firm is None:
        raise Http404(_("No such firm."))
    return firm


def _page(request, firm, debar_form=None, penalty_form=None, lift_form=None, lifting=None):
    user = request.user
    now = clock.now()
    return render(request, "credit/firm.html", {
        "firm": firm, "now": now, "entries": selectors.visible_record(user, firm),
        "debarments": selectors.debarments(firm), "active": selectors.active_debarment(firm, now),
        "counts": selectors.summary(user, firm), "manage": allowed(user, "credit.manage"),
        "debar_form": debar_form or DebarmentForm(), "penalty_form": penalty_form or PenaltyForm(),
        "lift_form": lift_form or LiftForm(), "lifting": lifting,
    }, status=400 if any(f is not None and f.errors for f in (debar_form, penalty_form, lift_form)) else 200)


def firm_page(request, pk):
    return _page(request, _firm_or_404(pk))


def _write(request, firm, form, write, done, **page):
    return form_then_redirect(request, form, write, done, lambda _made: redirect("credit:firm", pk=firm.pk),
                              lambda: _page(request, firm, **page))


@login_required
@require_POST
def debar(request, pk):
    authorize(request.user, "credit.manage")
    firm = _firm_or_404(pk)
    form = DebarmentForm(request.POST)
    return _write(request, firm, form, lambda data: services.record_debarment(
        Caller.from_request(request), firm.pk, **data), _("The debarment is recorded."), debar_form=form)


@login_required
@require_POST
def penalty(request, pk):
    authorize(request.user, "credit.manage")
    firm = _firm_or_404(pk)
    form = PenaltyForm(request.POST)
    return _write(request, firm, form, lambda data: services.record_penalty(
        Caller.from_request(request), firm.pk, **data), _("The penalty is recorded."), penalty_form=form)


@login_required
@require_POST
def lift(request, pk, debarment_pk):
    authorize(request.user, "credit.manage")
    firm = _firm_or_404(pk)
    if not selectors.debarments(firm).filter(pk=debarment_pk).exists():
        raise Http404(_("No such debarment."))
    form = LiftForm(request.POST)
    return _write(request, firm, form, lambda data: services.lift_debarment(
        Caller.from_request(request), debarment_pk, data["lifted_reason"]), _("The debarment is lifted."),
        lift_form=form, lifting=debarment_pk)
