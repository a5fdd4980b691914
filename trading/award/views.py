"""Pages of the award room: the tender's candidates-and-award page (public notice, objections, the entity's
actions), the award notice PDF, and the bidder's result notices. Thin: selectors decide, services write."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.bids.selectors import published_tender
from trading.form_pages import form_then_redirect
from trading.tenders import clock
from trading.tenders.selectors import is_own

from . import notices, selectors, services
from .forms import AnswerForm, AwardForm, ObjectionForm, RevokeForm


def _page(request, tender, objection_form=None, answer_form=None, answering=None, award_form=None, awarding=None,
          revoke_form=None, revoking=None):
    user = request.user
    live = selectors.live_notice(tender)
    entity = allowed(user, "tender.advance") and is_own(user, tender)
    now = clock.now()
    return render(request, "award/tender.html", {
        "tender": tender, "now": now, "entity": entity,
        "notice": live and {"row": live, "body": notices.readable_notice(live.body)},
        "withdrawn": [n for n in selectors.notices(tender) if n.withdrawn],
        "objections": selectors.objections_for(user, tender),
        "objection_count": tender.candidate_objections.count(),
        "may_object": live is not None and live.open_at(now) and selectors.may_object(user, tender),
        "objection_form": objection_form or ObjectionForm(),
        "answer_form": answer_form or AnswerForm(), "answering": answering,
        "award_form": award_form or AwardForm(), "awarding": awarding,
        "revoke_form": revoke_form or RevokeForm(), "revoking": revoking,
        "blank_answer": AnswerForm(), "blank_revoke": RevokeForm(),
        "awards": [(a, notices.readable_award(a.body)) for a in selectors.awards(tender)],
        "may_publish": entity and tender.status == "evaluation",
    }, status=400 if any(f is not None and f.errors for f in (objection_form, answer_form, award_form,
                                                               revoke_form)) else 200)


def tender_page(request, tender_pk):
    return _page(request, published_tender(tender_pk))


def _done(request, tender_pk, text):
    messages.success(request, text)
    return redirect("award:tender", tender_pk=tender_pk)


@login_required
@require_POST
def publish(request, tender_pk):
    try:
        services.publish_candidate_notice(Caller.from_request(request), tender_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("award:tender", tender_pk=tender_pk)
    return _done(request, tender_pk, _("The candidate notice is published."))


def _write(request, tender, form, write, done, **page):
    return form_then_redirect(request, form, write, done, lambda _made: redirect("award:tender", tender_pk=tender.pk),
                              lambda: _page(request, tender, **page))


@login_required
@require_POST
def object_(request, tender_pk):
    tender = published_tender(tender_pk)
    form = ObjectionForm(request.POST)
    return _write(request, tender, form, lambda data: services.file_objection(
        Caller.from_request(request), tender.pk, data["text"], data["lot"], request.FILES.getlist("attachments")),
        _("Your objection is filed; the entity must answer it."), objection_form=form)


@login_required
@require_POST
def answer(request, tender_pk, objection_pk):
    tender = published_tender(tender_pk)
    form = AnswerForm(request.POST)
    return _write(request, tender, form, lambda data: services.answer_objection(
        Caller.from_request(request), objection_pk, data["answer"], data["decision"], data["remedy"]),
        _("The objection is answered."), answer_form=form, answering=objection_pk)


@login_required
@require_POST
def award(request, tender_pk):
    tender = published_tender(tender_pk)
    form = AwardForm(request.POST)
    return _write(request, tender, form, lambda data: services.award(
        Caller.from_request(request), tender.pk, data["bid"], data["pass_over"], data["reason"]),
        _("The award is recorded; the award notice and the result notices are published."),
        award_form=form, awarding=form.data.get("bid"))


@login_required
@require_POST
def revoke(request, tender_pk, award_pk):
    tender = published_tender(tender_pk)
    form = RevokeForm(request.POST)
    return _write(request, tender, form, lambda data: services.revoke_award(
        Caller.from_request(request), award_pk, data["because"], data["reason"]),
        _("The award is revoked; the next candidate may be awarded."), revoke_form=form, revoking=award_pk)


def award_notice_pdf(request, award_pk):
    made = selectors.award_notice(award_pk)
    published_tender(made.tender_id)
    return FileResponse(io.BytesIO(notices.award_notice_pdf(made.body)), content_type="application/pdf",
                        filename=f"award-notice-{made.tender.reference}-{made.pk}.pdf")


@login_required
def attachment(request, pk):
    found = selectors.attachment_for(request.user, pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type="application/octet-stream")


@login_required
def results(request):
    authorize(request.user, "candidate.object")
    return render(request, "award/results.html", {"rows": selectors.result_notices(request.user)})
