import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import authorize
from trading.tenders.forms import apply_errors

from . import receipts, selectors, services
from .content import MAX_ATTACHMENTS, MAX_DURATION_DAYS, PAD_TO, TEXT_LIMITS
from .forms import BidContentForm, BidForm, ReceiptCheckForm
from .models import BidStatus


def _bound(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@login_required
def submit(request, tender_pk):
    """The bid form: the browser seals the content and attachments (bids/seal.js) and posts only ciphertext."""
    authorize(request.user, "bid.submit")
    tender = selectors.published_tender(tender_pk)
    lots = selectors.tender_lots(tender)
    current = selectors.own_active_bids(request.user, tender)
    # "Replace" on my bids links here with ?lot=<number>, so the form starts on that lot.
    form = BidForm(*_bound(request), lots=lots, initial={"lot": request.GET.get("lot", "")})
    sealing_script = "application/json" in request.headers.get("Accept", "")
    closed = selectors.bidding_closed(tender)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submit_bid(Caller.from_request(request), tender.pk,
                                             attachments=form.cleaned_data["sealed_attachments"],
                                             client_key=form.cleaned_data["client_key"],
                                             lot=form.cleaned_data.get("lot"),
                                             sealed_content=form.cleaned_data["sealed_content"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your sealed bid was stored. Keep the receipt below."))
            url = reverse("bids:receipt", kwargs={"bid_pk": submission.bid.pk})
            if not sealing_script:
                return redirect(url)
            return JsonResponse({"receipt_url": url, "receipt_json_url": reverse(
                "bids:receipt_download", kwargs={"bid_pk": submission.bid.pk})}, status=201)
    if request.method == "POST" and sealing_script:
        return JsonResponse({"errors": {field: [str(m) for m in errors] for field, errors in form.errors.items()}},
                            status=400)
    return render(request, "bids/submit.html", {
        "tender": tender, "lots": lots, "form": form, "content_form": BidContentForm(), "current": current,
        "closed": closed,
        "sealing_key": selectors.sealing_key(tender.pk), "limits": {
            "pad_to": PAD_TO, "max_attachments": MAX_ATTACHMENTS, "max_amount": str(settings.SUNLIGHT["MAX_AMOUNT"]),
            "max_attachment_bytes": settings.SUNLIGHT["MAX_ATTACHMENT_BYTES"],
            "extensions": list(settings.SUNLIGHT["DOCUMENT_EXTENSIONS"]), "max_duration": MAX_DURATION_DAYS,
            "text_limits": TEXT_LIMITS}})


@login_required
def my_bids(request):
    bids = list(selectors.own_bids(request.user))
    closed = {}
    for bid in bids:
        if bid.tender_id not in closed:
            closed[bid.tender_id] = selectors.bidding_closed(bid.tender)
        # Replace and Withdraw are offered only while the tender takes bids; otherwise the reason is shown.
        bid.closed = closed[bid.tender_id]
    to_confirm = [bid for bid in selectors.bids_needing_confirmation(request.user)
                  if not closed.get(bid.tender_id)]
    return render(request, "bids/my_bids.html", {"bids": bids, "to_confirm": to_confirm})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, bid_pk):
    """GET: the question (withdrawing cannot be undone, and no bid is left unless a new one is sent before the
    deadline); POST: the withdrawal. My bids links to the question, never straight to the POST."""
    bid = selectors.own_bid(request.user, bid_pk)
    closed = selectors.bidding_closed(bid.tender)
    if closed:
        messages.error(request, closed)
        return redirect("bids:my_bids")
    if request.method == "GET":
        if bid.status != BidStatus.ACTIVE:
            messages.error(request, _("Only a submitted bid can be withdrawn (this one is %(status)s).")
                           % {"status": bid.get_status_display()})
            return redirect("bids:my_bids")
        return render(request, "bids/withdraw.html", {"bid": bid})
    try:
        services.withdraw_bid(Caller.from_request(request), bid_pk)
        messages.success(request, _("Your bid was withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("bids:my_bids")


@login_required
@require_POST
def confirm(request, bid_pk):
    try:
        services.confirm_bid(Caller.from_request(request), bid_pk)
        messages.success(request, _("Your bid is confirmed under the changed conditions."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("bids:my_bids")


@login_required
def receipt(request, bid_pk):
    found = selectors.own_receipt(request.user, bid_pk)
    return render(request, "bids/receipt.html", {
        "receipt": found, "bid": found.bid, "replaced_by": selectors.replaced_by(found.bid),
        "receipt_json": json.dumps(found.document(), indent=2, ensure_ascii=False)})


@login_required
def receipt_download(request, bid_pk):
    found = selectors.own_receipt(request.user, bid_pk)
    response = JsonResponse(found.document(), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="receipt-{found.seq}.json"'
    return response


def verify_receipt(request):
    """Public: anyone checks a receipt against this platform's key."""
    form = ReceiptCheckForm(*_bound(request))
    result = None
    if request.method == "POST" and form.is_valid():
        document, reasons = receipts.check_against_platform(form.cleaned_data["receipt"])
        result = {"valid": not reasons, "reasons": reasons}
        if document is not None:
            result["payload"] = document["payload"]
        if result["valid"]:
            result["replaced_by"] = selectors.replacement_of_receipt(document["payload"])
    key = receipts.platform_key_info()
    return render(request, "bids/verify_receipt.html", {
        "form": form, "result": result, "public_key": key["public_key"], "key_id": key["key_id"]})


def platform_key(request):
    """Public: the key receipts are signed with, to pin once and check receipts offline."""
    if request.GET.get("format") == "json":
        return JsonResponse(receipts.platform_key_info())
    return HttpResponse(receipts.platform_public_key() + "\n", content_type="text/plain; charset=utf-8")


@login_required
def submission_signals(request, tender_pk):
    tender, rows = selectors.submission_signals(request.user, tender_pk)
    return render(request, "bids/signals.html", {"tender": tender, "rows": rows})
