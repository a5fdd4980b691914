"""Pages of the complaints room: a tender's questions, objections and complaints; a complaint's own page with the
supervisor's actions; the public decision notices and statistics. Thin: selectors decide, services write."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.models import Organisation
from trading.accounts.permissions import allowed
from trading.bids.models import Bid
from trading.bids.selectors import published_tender
from trading.form_pages import form_then_redirect
from trading.tenders import clock, holds
from trading.tenders.selectors import is_own, tender_policy

from . import selectors, services
from .forms import (
    AcceptForm,
    ComplaintForm,
    DecideForm,
    ObjectionAnswerForm,
    ObjectionForm,
    QuestionAnswerForm,
    QuestionForm,
    ReasonForm,
)


def _firms(tender):
    return Organisation.objects.filter(pk__in=Bid.objects.filter(tender=tender).values("bidder_id")).order_by("name")


def _tender_page(request, tender, forms=None, answering=None, status=200):
    user, now = request.user, clock.now()
    forms = forms or {}
    organisation_id = getattr(user, "organisation_id", None) if user.is_authenticated else None
    policy = tender_policy(tender)
    open_for_bids = tender.status == "published" and tender.deadline > now
    entity = is_own(user, tender) if user.is_authenticated else False
    return render(request, "complaints/tender.html", {
        "tender": tender, "now": now, "entity": entity, "answer_period": policy.describe("objection_answer"),
        "complaint_window": policy.describe("complaint_window"),
        "acceptance_period": policy.describe("complaint_acceptance"),
        "decision_period": policy.describe("complaint_decision"),
        "answering_question": answering[1] if answering and answering[0] == "question" else None,
        "answering_objection": answering[1] if answering and answering[0] == "objection" else None,
        "objection_cutoff": tender.deadline - policy.delta("document_objection_cutoff") if tender.deadline else None,
        "questions": selectors.questions_for(user, tender),
        "objections": selectors.objections_for(user, tender),
        "complaints": selectors.complaints_for(user, tender) if user.is_authenticated else [],
        "complaint_count": tender.complaints.count(),
        "holds": holds.reasons(tender, "award") + [r for r in holds.reasons(tender, "opening")
                                                   if r not in holds.reasons(tender, "award")],
        "may_ask": open_for_bids and allowed(user, "question.ask")
        and selectors.obtained_documents(organisation_id, tender),
        "may_object": open_for_bids and allowed(user, "document_objection.file")
        and selectors.obtained_documents(organisation_id, tender),
        "may_answer_questions": entity and allowed(user, "question.answer") and open_for_bids,
        "may_answer_objections": entity and allowed(user, "document_objection.answer") and open_for_bids,
        "may_complain": allowed(user, "complaint.file") and selectors.interested(organisation_id, tender),
        "question_form": forms.get("question") or QuestionForm(),
        "objection_form": forms.get("objection") or ObjectionForm(),
        "complaint_form": forms.get("complaint") or ComplaintForm(firms=_firms(tender),
                                                                  initial={"known_at": services.known_now()}),
        "question_answer_form": forms.get("question_answer") or QuestionAnswerForm(),
        "objection_answer_form": forms.get("objection_answer") or ObjectionAnswerForm(),
        "blank_question_answer": QuestionAnswerForm(), "blank_objection_answer": ObjectionAnswerForm(),
    }, status=status)


def tender_page(request, tender_pk):
    return _tender_page(request, published_tender(tender_pk))


def _post(request, tender_pk, form, key, write, done, answering=None):
    tender = published_tender(tender_pk)
    return form_then_redirect(
        request, form, lambda data: write(Caller.from_request(request), tender, data), done,
        lambda _made: redirect("complaints:tender", tender_pk=tender.pk),
        lambda: _tender_page(request, tender, {key: form}, answering=answering, status=400))


@login_required
@require_POST
def ask(request, tender_pk):
    return _post(request, tender_pk, QuestionForm(request.POST), "question",
                 lambda caller, tender, data: services.ask_question(caller, tender.pk, data["text"]),
                 _("Your question is sent; the answer will be published as a clarification, without your name."))


@login_required
@require_POST
def answer_question(request, tender_pk, pk):
    return _post(request, tender_pk, QuestionAnswerForm(request.POST), "question_answer",
                 lambda caller, tender, data: services.answer_question(caller, pk, data["answer"],
                                                                       data["changes_conditions"]),
                 _("The answer is published as a clarification."), answering=("question", pk))


@login_required
@require_POST
def object_(request, tender_pk):
    return _post(request, tender_pk, ObjectionForm(request.POST), "objection",
                 lambda caller, tender, data: services.file_document_objection(caller, tender.pk, data["text"]),
                 _("Your objection is filed; the procedure is suspended until the entity answers it."))


@login_required
@require_POST
def answer_objection(request, tender_pk, pk):
    return _post(request, tender_pk, ObjectionAnswerForm(request.POST), "objection_answer",
                 lambda caller, tender, data: services.answer_document_objection(
                     caller, pk, data["answer"], data["upheld"], data["changes_conditions"]),
                 _("The objection is answered; the answer is published as a clarification."),
                 answering=("objection", pk))


@login_required
@require_POST
def complain(request, tender_pk):
    tender = published_tender(tender_pk)
    form = ComplaintForm(request.POST, firms=_firms(tender))
    return form_then_redirect(
        request, form, lambda data: services.file_complaint(
            Caller.from_request(request), tender.pk, data["subject"], data["text"], data["known_at"],
            data["against"], request.FILES.getlist("evidence")),
        _("Your complaint is filed with the supervising department."),
        lambda made: redirect("complaints:complaint", pk=made.pk),
        lambda: _tender_page(request, tender, {"complaint": form}, status=400))


def _complaint_page(request, complaint, forms=None, status=200):
    forms = forms or {}
    handler = allowed(request.user, "complaint.handle")
    return render(request, "complaints/complaint.html", {
        "complaint": complaint, "tender": complaint.tender, "now": clock.now(), "handler": handler,
        "evidence": complaint.evidence.all(),
        "accept_form": forms.get("accept") or AcceptForm(), "refuse_form": forms.get("refuse") or ReasonForm(),
        "suspend_form": forms.get("suspend") or ReasonForm(), "decide_form": forms.get("decide") or DecideForm(),
    }, status=status)


@login_required
def complaint(request, pk):
    return _complaint_page(request, selectors.complaint_for(request.user, pk))


def _handle(request, pk, form, key, write, done):
    found = selectors.complaint_for(request.user, pk)

    def again():
        found.refresh_from_db()
        return _complaint_page(request, found, {key: form}, status=400)

    return form_then_redirect(request, form, lambda data: write(Caller.from_request(request), found.pk, data), done,
                              lambda _made: redirect("complaints:complaint", pk=found.pk), again)


@login_required
@require_POST
def accept(request, pk):
    return _handle(request, pk, AcceptForm(request.POST), "accept",
                   lambda caller, pk, data: services.accept_complaint(caller, pk, data["suspend"], data["reason"]),
                   _("The complaint is accepted."))


@login_required
@require_POST
def refuse(request, pk):
    return _handle(request, pk, ReasonForm(request.POST), "refuse",
                   lambda caller, pk, data: services.refuse_complaint(caller, pk, data["reason"]),
                   _("The complaint is refused; the refusal is published."))


@login_required
@require_POST
def suspend(request, pk):
    return _handle(request, pk, ReasonForm(request.POST), "suspend",
                   lambda caller, pk, data: services.suspend_procedure(caller, pk, data["reason"]),
                   _("The procedure is suspended."))


@login_required
@require_POST
def release(request, pk):
    found = selectors.complaint_for(request.user, pk)
    try:
        services.release_procedure(Caller.from_request(request), found.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The suspension is lifted."))
    return redirect("complaints:complaint", pk=found.pk)


@login_required
@require_POST
def decide(request, pk):
    return _handle(request, pk, DecideForm(request.POST), "decide",
                   lambda caller, pk, data: services.decide_complaint(caller, pk, data["decision"], data["ruling"],
                                                                      data["remedy"]),
                   _("The decision is recorded and published."))


@login_required
def evidence(request, pk):
    found = selectors.evidence_for(request.user, pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type="application/octet-stream")


def decisions(request):
    return render(request, "complaints/decisions.html", {
        "decisions": selectors.decisions()[:200], "stats": selectors.statistics(),
        "mine": selectors.complaints_for(request.user)[:200] if request.user.is_authenticated else [],
    })


def decision(request, pk):
    return render(request, "complaints/decision.html", {"complaint": selectors.decision_notice(pk)})
