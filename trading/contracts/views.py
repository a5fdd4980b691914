"""Pages of the contract room: the public list and contract page (notice, amendments, progress), the tender's
contracts (where the entity concludes), the parties' and supervisors' sections (documents, payments, attendance,
subcontracts, red flags), and the project manager's check-in page for a phone. Thin: selectors decide, services
write."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed
from trading.award.models import Award
from trading.bids.selectors import published_tender
from trading.form_pages import form_then_redirect
from trading.tenders import clock
from trading.tenders.models import Checkpoint
from trading.tenders.selectors import is_own

from . import selectors, services
from .checkpoints import CHECKPOINTS
from .forms import (
    AcceptForm,
    AmendForm,
    AttendanceForm,
    CheckInForm,
    ConcludeForm,
    DecisionForm,
    MilestoneForm,
    NoteForm,
    PaymentForm,
    RateForm,
    ReleaseForm,
    SettleForm,
    SubcontractForm,
)
from .models import Approval, ContractStatus

CODES = [code for code, _label, _source in CHECKPOINTS]


def contract_list(request):
    return render(request, "contracts/list.html", {"contracts": selectors.public_contracts()[:200]})


@login_required
def mine(request):
    """The contracts of the user's organisation (as contractor or entity); every contract for supervisors."""
    rows = list(selectors.watched_contracts(request.user)[:200])
    now = clock.now()
    return render(request, "contracts/mine.html", {
        "contracts": rows, "managers": selectors.manager_rates(rows, now),
        "may_check_in": allowed(request.user, "contract.check_in")})


def tender_contracts(request, tender_pk):
    tender = published_tender(tender_pk)
    entity = allowed(request.user, "contract.conclude") and is_own(request.user, tender)
    awards = list(Award.objects.filter(tender=tender, revoked_at__isnull=True).select_related("winner", "lot", "bid")
                  .order_by("lot__number", "id"))
    concluded = {c.award_id: c for c in selectors.contracts_of(tender)}
    return render(request, "contracts/tender.html", {
        "tender": tender, "entity": entity and tender.status == "awarded",
        "rows": [(a, concluded.get(a.pk)) for a in awards]})


def _conclude_page(request, award, form, status=200):
    return render(request, "contracts/conclude.html", {"award": award, "tender": award.tender, "form": form},
                  status=status)


@login_required
def conclude(request, award_pk):
    award = Award.objects.select_related("tender__project__entity", "winner", "bid", "lot").filter(pk=award_pk).first()
    if award is None:
        raise Http404(_("No such award."))
    if not (allowed(request.user, "contract.conclude") and is_own(request.user, award.tender)):
        raise PermissionDenied(_("Only the tender's own entity concludes its contract."))
    if request.method != "POST":
        return _conclude_page(request, award, ConcludeForm(initial={
            "price": award.amount, "project_manager": award.bid.project_manager,
            "duration_days": award.bid.duration_days, "subcontract_percent": 0}))
    form = ConcludeForm(request.POST)
    return form_then_redirect(
        request, form, lambda data: services.conclude_contract(Caller.from_request(request), award.pk, **data),
        _("The contract is concluded and its notice published."),
        lambda contract: redirect("contracts:detail", pk=contract.pk),
        lambda: _conclude_page(request, award, form, status=400))


FORMS = {"amend_form": AmendForm, "milestone_form": MilestoneForm, "payment_form": PaymentForm,
         "complete_form": NoteForm, "accept_form": AcceptForm, "settle_form": SettleForm,
         "release_form": ReleaseForm, "rate_form": RateForm, "attendance_form": AttendanceForm,
         "subcontract_form": SubcontractForm, "decision_form": DecisionForm}


def _detail(request, contract, status=200, **bound):
    user = request.user
    oversee = selectors.may_oversee(user, contract)
    entity = is_own(user, contract.tender) and allowed(user, "contract.progress")
    contractor = selectors.is_party(user, contract) and allowed(user, "contract.subcontract")
    now = clock.now()
    context = {
        "contract": contract, "tender": contract.tender, "now": now, "oversee": oversee,
        "amendments": selectors.amendments(contract), "milestones": contract.milestones.all(),
        "entity": entity, "contractor": contractor, "supervisor": allowed(user, "contract.approve"),
        "may_amend": entity and allowed(user, "contract.amend") and not contract.reached(ContractStatus.ACCEPTED),
        "may_rate": allowed(user, "contract.rate") and is_own(user, contract.tender)
        and contract.reached(ContractStatus.ACCEPTED) and contract.rated_at is None,
        "may_record_attendance": allowed(user, "contract.attendance") and (allowed(user, "contract.watch")
                                                                           or is_own(user, contract.tender))
        and not contract.reached(ContractStatus.COMPLETED),
        "under_way": contract.status == ContractStatus.CONCLUDED, "status": ContractStatus,
        "pending": Approval.PENDING, "cumulative": selectors.cumulative_price_change(contract),
    }
    if oversee:
        context.update({
            "payments": contract.payments.select_related("milestone"),
            "attendance": contract.attendance.all()[:60],
            "rate": selectors.attendance_rate(contract, now),
            "subcontracts": contract.subcontracts.select_related("subcontractor"),
            "flags": Checkpoint.objects.filter(tender=contract.tender, code__in=CODES).order_by("code"),
        })
    for name, form_class in FORMS.items():
        context[name] = bound.get(name) or form_class()
    milestone_choices = [("", "—")] + [(m.pk, m.title) for m in context["milestones"]]
    context["payment_form"].fields["milestone"].widget.choices = milestone_choices
    return render(request, "contracts/detail.html", context, status=status)


def detail(request, pk):
    return _detail(request, selectors.contract(pk))


def _post(request, pk, form_name, call, done):
    contract = selectors.contract(pk)
    form = FORMS[form_name](request.POST, request.FILES)
    return form_then_redirect(
        request, form, lambda data: call(Caller.from_request(request), contract, data), done,
        lambda _made: redirect("contracts:detail", pk=contract.pk),
        lambda: _detail(request, selectors.contract(pk), status=400, **{form_name: form}))


@login_required
@require_POST
def amend(request, pk):
    return _post(request, pk, "amend_form", lambda caller, c, d: services.amend_contract(
        caller, c.pk, d["reason"], d["price"] or None, d["duration_days"], d["scope"], d["project_manager"],
        request.FILES.getlist("documents")), _("The amendment is recorded."))


@login_required
@require_POST
def decide(request, pk, amendment_pk):
    return _post(request, pk, "decision_form", lambda caller, c, d: services.decide_amendment(
        caller, amendment_pk, d["approve"], d["note"]), _("The decision is recorded."))


@login_required
@require_POST
def milestone(request, pk):
    return _post(request, pk, "milestone_form", lambda caller, c, d: services.record_milestone(
        caller, c.pk, d["title"], d["note"]), _("The milestone is recorded."))


@login_required
@require_POST
def payment(request, pk):
    return _post(request, pk, "payment_form", lambda caller, c, d: services.record_payment(
        caller, c.pk, d["amount"], d["reference"], d["milestone"]), _("The payment is recorded."))


@login_required
@require_POST
def complete(request, pk):
    return _post(request, pk, "complete_form", lambda caller, c, d: services.complete_works(caller, c.pk, d["note"]),
                 _("The completion of the works is recorded."))


@login_required
@require_POST
def accept(request, pk):
    return _post(request, pk, "accept_form", lambda caller, c, d: services.accept_works(caller, c.pk, d["note"]),
                 _("The acceptance is recorded; the warranty runs."))


@login_required
@require_POST
def settle(request, pk):
    return _post(request, pk, "settle_form", lambda caller, c, d: services.settle_accounts(
        caller, c.pk, d["final_amount"], d["note"]), _("The final accounts are recorded."))


@login_required
@require_POST
def release(request, pk):
    return _post(request, pk, "release_form", lambda caller, c, d: services.release_retention(
        caller, c.pk, d["reference"]), _("The retention money is released."))


@login_required
@require_POST
def rate(request, pk):
    return _post(request, pk, "rate_form", lambda caller, c, d: services.rate_contractor(
        caller, c.pk, d["rating"], d["note"]), _("The rating is recorded on the contractor's credit record."))


@login_required
@require_POST
def attendance(request, pk):
    return _post(request, pk, "attendance_form", lambda caller, c, d: services.record_attendance(
        caller, c.pk, present=d["present"], note=d["note"]), _("The attendance is recorded."))


@login_required
@require_POST
def subcontract(request, pk):
    return _post(request, pk, "subcontract_form", lambda caller, c, d: services.declare_subcontract(
        caller, c.pk, d["subcontractor"], d["scope"], d["amount"]), _("The subcontract is declared."))


@login_required
def check_in(request, pk):
    """The project manager's check-in from the site: a page for a phone, with the photo and the phone's place."""
    contract = selectors.contract(pk)
    if not (allowed(request.user, "contract.check_in") and request.user.organisation_id == contract.contractor_id):
        raise PermissionDenied(_("Only the contractor of this contract checks in."))
    def page(form, status=200):
        today = contract.attendance.filter(day=timezone.localdate(clock.now())).first()
        return render(request, "contracts/check_in.html", {"contract": contract, "form": form, "today": today},
                      status=status)

    if request.method != "POST":
        return page(CheckInForm())
    form = CheckInForm(request.POST, request.FILES)
    return form_then_redirect(
        request, form, lambda data: services.record_attendance(
            Caller.from_request(request), contract.pk, data["latitude"], data["longitude"], data["photo"],
            note=data["note"]),
        _("Checked in on site."), lambda _made: redirect("contracts:check_in", pk=contract.pk),
        lambda: page(form, status=400))


@login_required
def document(request, pk):
    found = selectors.document_for(request.user, pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type="application/octet-stream")


@login_required
def photo(request, pk):
    found = selectors.attendance_photo_for(request.user, pk)
    return FileResponse(found.photo.open("rb"), as_attachment=True, filename=f"attendance-{found.pk}-{found.day}"
                        + (".png" if found.photo.name.endswith(".png") else ".jpg"),
                        content_type="application/octet-stream")
