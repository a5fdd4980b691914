from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed
from trading.tenders.forms import apply_errors

from . import messages as texts
from . import selectors, services
from .forms import SubscriptionForm


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    rows = [(n, texts.subject(n), texts.body(n)) for n in page]
    form = None
    if allowed(request.user, "bid.submit"):
        subscription = selectors.subscription_of(request.user)
        form = SubscriptionForm(initial={"project_types": subscription.project_types,
                                         "regions": " ".join(subscription.regions), "keywords": subscription.keywords,
                                         "email": subscription.email if subscription.pk else True})
    return render(request, "notifications/inbox.html", {"page": page, "rows": rows, "form": form})


@login_required
@require_POST
def read(request, pk=None):
    services.mark_read(Caller.from_request(request), pk)
    notification = selectors.own(request.user, pk) if pk else None
    if notification is not None and notification.url:
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def subscribe(request):
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        try:
            services.subscribe(Caller.from_request(request), form.cleaned_data["project_types"],
                               form.cleaned_data["regions"], form.cleaned_data["keywords"], form.cleaned_data["email"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your subscription is saved."))
            return redirect("notifications:inbox")
    page = Paginator(selectors.inbox(request.user), 30).get_page(1)
    return render(request, "notifications/inbox.html", {
        "page": page, "rows": [(n, texts.subject(n), texts.body(n)) for n in page], "form": form}, status=400)
