"""Pages of the evaluation: the member's desk and sheet, the entity's overview, the bidder's justifications,
the report. Thin: the selectors decide who sees what, the services write."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.bids.selectors import published_tender
from trading.tenders import clock
from trading.tenders.forms import apply_errors
from trading.tenders.models import TenderStatus
from trading.tenders.selectors import is_own

from . import selectors, services
from .forms import AnswerForm, QuestionForm, SheetForm
from .models import Outcome
from .report import readable_report, render_pdf


def _say(request, error):
    messages.error(request, " ".join(error.messages))


# --- the member's desk ------------------------------------------------------------------------

@login_required
def desk(request):
    authorize(request.user, "evaluation.review")
    tenders = list(selectors.member_tenders(request.user))
    sheets = {s.tender_id: s for s in request.user.evaluation_sheets.filter(tender__in=tenders)}
    return render(request, "evaluation/desk.html", {"rows": [(t, sheets.get(t.pk)) for t in tenders]})


def _workspace(request, tender, form=None, question_form=None):
    user = request.user
    facts = selectors.facts(tender)
    sheet = selectors.own_sheet(user, tender)
    signed = bool(sheet and sheet.submitted)
    signed_report = selectors.signed_report(tender)
    if form is None and not signed and signed_report is None and tender.status == TenderStatus.EVALUATION:
        form = SheetForm(facts, initial=SheetForm.initial_from(sheet))
    numbers = selectors.seat_numbers(tender)
    return render(request, "evaluation/workspace.html", {
        "tender": tender, "facts": facts, "sheet": sheet, "signed": signed, "form": form,
        "question_form": question_form or QuestionForm(), "now": clock.now(),
        "seat": numbers.get(user.pk), "numbers": numbers,
        "others": list(selectors.others_sheets(user, tender)) if signed else [],
        "report": signed_report,
    })


@login_required
def workspace(request, tender_pk):
    """The member's page: the decrypted bids, the justification queries, the sheet (draft, then signed)."""
    tender = published_tender(tender_pk)
    selectors.require_member(request.user, tender)
    if request.method != "POST":
        return _workspace(request, tender)
    form = SheetForm(selectors.facts(tender), request.POST)
    if form.is_valid():
        signing = "sign" in request.POST
        try:
            if signing:
                services.submit_sheet(Caller.from_request(request), tender.pk, form.as_data())
            else:
                services.save_sheet(Caller.from_request(request), tender.pk, form.as_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your sheet is signed.") if signing else _("Your draft is saved."))
            return redirect("evaluation:workspace", tender_pk=tender.pk)
    return _workspace(request, tender, form=form)


@login_required
@require_POST
def ask(request, tender_pk, bid_pk):
    tender = published_tender(tender_pk)
    selectors.require_member(request.user, tender)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_justification(Caller.from_request(request), bid_pk, form.cleaned_data["question"])
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(request, _("The bidder is asked to justify its price."))
            return redirect("evaluation:workspace", tender_pk=tender.pk)
    return _workspace(request, tender, question_form=form)


@login_required
def attachment(request, pk):
    opened = services.open_bid_attachment(Caller.from_request(request), pk)
    return FileResponse(io.BytesIO(opened.data), as_attachment=True, filename=opened.name,
                        content_type="application/octet-stream")


# --- the entity and the supervisors ---------------------------------------------------------------

@login_required
def overview(request, tender_pk):
    """Progress by seat (names only where the experts app shows them), the queries, the report when signed."""
    tender = published_tender(tender_pk)
    if not selectors.may_watch(request.user, tender):
        raise PermissionDenied(_("Only the tender's entity, supervisors and discipline staff follow the evaluation."))
    signed_report = selectors.signed_report(tender)
    names = selectors.seat_names(request.user, tender)
    return render(request, "evaluation/overview.html", {
        "tender": tender, "now": clock.now(),
        "progress": [(row, names.get(row.seat)) for row in selectors.progress(request.user, tender)],
        "justifications": tender.justifications.select_related("bid__bidder"), "report": signed_report,
        "may_fail": (signed_report is not None and signed_report.outcome == Outcome.FAILED
                     and tender.status == TenderStatus.EVALUATION and allowed(request.user, "tender.advance")
                     and is_own(request.user, tender)),
    })


@login_required
@require_POST
def fail(request, tender_pk):
    try:
        services.fail_for_too_few_bids(Caller.from_request(request), tender_pk)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The procedure has failed: too few valid bids."))
    return redirect("evaluation:overview", tender_pk=tender_pk)


# --- the bidder -----------------------------------------------------------------------------------

def _justifications(request, form=None, answering=None):
    return render(request, "evaluation/justifications.html", {
        "rows": selectors.own_justifications(request.user), "form": form, "answering": answering,
        "blank": AnswerForm(), "now": clock.now()})


@login_required
def justifications(request):
    return _justifications(request)


@login_required
@require_POST
def answer(request, pk):
    query = selectors.own_justification(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_justification(Caller.from_request(request), query.pk, form.cleaned_data["answer"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your justification was sent to the committee."))
            return redirect("evaluation:justifications")
    return _justifications(request, form=form, answering=query.pk)


# --- the report -----------------------------------------------------------------------------------

def report(request, tender_pk):
    tender = published_tender(tender_pk)
    signed_report = selectors.report_for(request.user, tender)
    return render(request, "evaluation/report.html", {
        "tender": tender, "report": signed_report, "superseded": selectors.superseded_reports(tender),
        "body": readable_report(signed_report.body, selectors.seat_names(request.user, tender)),
        "may_watch": selectors.may_watch(request.user, tender),
        "is_member": selectors.seat_of(request.user, tender) is not None})


def report_pdf(request, tender_pk):
    tender = published_tender(tender_pk)
    signed_report = selectors.report_for(request.user, tender)
    # Drawn from the signed body in the reader's language (the stored PDF is in the language it was signed in).
    return FileResponse(io.BytesIO(render_pdf(signed_report.body)), content_type="application/pdf",
                        filename=f"evaluation-report-{tender.reference}.pdf")
