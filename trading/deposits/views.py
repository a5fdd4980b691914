"""Pages of bid security: a tender's security (the bidder's declaration, the register with the finance staff's
and the entity's actions), the finance desk, and a contractor's own payments. Thin: selectors decide, services
write."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.bids.selectors import published_tender
from trading.form_pages import form_then_redirect
from trading.tenders import clock
from trading.tenders.lifecycle import bidding_over
from trading.tenders.selectors import is_own

from . import selectors, services
from .forms import ConfirmForm, DeclareForm, ForfeitForm, RefundForm
from .models import SecurityPayment


def _page(request, tender, declare_form=None, confirm_form=None, refund_form=None, forfeit_form=None, acting=None):
    user = request.user
    now = clock.now()
    return render(request, "deposits/tender.html", {
        "tender": tender, "now": now, "own": selectors.own_payment(user, tender),
        "may_declare": allowed(user, "security.pay") and tender.bid_security_amount > 0
        and tender.status == "published" and tender.deadline and now < tender.deadline,
        "register": selectors.register(user, tender), "full": selectors.may_see_register(user, tender),
        "missing": selectors.security_missing(tender) if bidding_over(tender) else set(),
        "confirm": allowed(user, "security.confirm"), "refund": allowed(user, "security.refund"),
        "forfeit": allowed(user, "security.forfeit") and is_own(user, tender) and bidding_over(tender),
        "declare_form": declare_form or DeclareForm(), "confirm_form": confirm_form or ConfirmForm(),
        "refund_form": refund_form or RefundForm(), "forfeit_form": forfeit_form or ForfeitForm(), "acting": acting,
    }, status=400 if any(f is not None and f.errors for f in (declare_form, confirm_form, refund_form,
                                                               forfeit_form)) else 200)


def tender_page(request, tender_pk):
    return _page(request, published_tender(tender_pk))


def _submit(request, tender, form, service, done, **page):
    back = redirect("deposits:tender", tender_pk=tender.pk)
    return form_then_redirect(request, form, service, done, lambda _made: back, lambda: _page(request, tender, **page))


@login_required
@require_POST
def declare(request, tender_pk):
    authorize(request.user, "security.pay")
    tender = published_tender(tender_pk)
    form = DeclareForm(request.POST)
    return _submit(request, tender, form, lambda data: services.declare_payment(
        Caller.from_request(request), tender.pk, **data), _("Your bid security payment is declared."),
        declare_form=form)


def _payment_of(tender, pk):
    payment = SecurityPayment.objects.filter(tender=tender, pk=pk).first()
    if payment is None:
        raise Http404(_("No such bid security payment."))
    return payment


@login_required
@require_POST
def confirm(request, tender_pk, pk):
    authorize(request.user, "security.confirm")
    tender = published_tender(tender_pk)
    payment = _payment_of(tender, pk)
    form = ConfirmForm(request.POST)
    return _submit(request, tender, form, lambda data: services.confirm_payment(
        Caller.from_request(request), payment.pk, **data), _("The payment is confirmed."), confirm_form=form,
        acting=payment.pk)


@login_required
@require_POST
def refund(request, tender_pk, pk):
    authorize(request.user, "security.refund")
    tender = published_tender(tender_pk)
    payment = _payment_of(tender, pk)
    form = RefundForm(request.POST)
    return _submit(request, tender, form, lambda data: services.refund(
        Caller.from_request(request), payment.pk, **data), _("The refund is recorded."), refund_form=form,
        acting=payment.pk)


@login_required
@require_POST
def forfeit(request, tender_pk, pk):
    authorize(request.user, "security.forfeit")
    tender = published_tender(tender_pk)
    if not is_own(request.user, tender):
        raise Http404(_("No such tender."))
    payment = _payment_of(tender, pk)
    form = ForfeitForm(request.POST)
    return _submit(request, tender, form, lambda data: services.forfeit(
        Caller.from_request(request), payment.pk, **data), _("The security is forfeited."), forfeit_form=form,
        acting=payment.pk)


@login_required
def finance_desk(request):
    authorize(request.user, "security.confirm")
    return render(request, "deposits/desk.html", {"queue": selectors.finance_queue(),
                                                  "notifications": selectors.recent_notifications()})


@login_required
def mine(request):
    authorize(request.user, "security.pay")
    return render(request, "deposits/mine.html", {"payments": selectors.own_payments(request.user)})
