from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize
from trading.tenders.forms import apply_errors
from trading.tenders.selectors import is_own, tender_for

from . import selectors, services
from .forms import AvailabilityForm, DeclarationForm, DrawForm, EndRelationForm, ReasonForm, RelationForm
from .models import SeatStatus

PAGE_SIZE = 20


def _say(request, error):
    messages.error(request, " ".join(error.messages))


# --- the expert's desk -----------------------------------------------------------------------

@login_required
def dashboard(request):
    authorize(request.user, "expert.declare")
    seats = selectors.own_seats(request.user)
    return render(request, "experts/dashboard.html", {
        "profile": selectors.own_profile(request.user), "seats": seats,
        "pending": selectors.pending_declarations(request.user),
        "declaration_form": DeclarationForm(), "reason_form": ReasonForm()})


def _profile_page(request, availability=None, relation=None):
    profile = selectors.own_profile(request.user)
    if availability is None and profile:
        availability = AvailabilityForm(initial={"on_leave_from": profile.on_leave_from,
                                                 "on_leave_until": profile.on_leave_until})
    return render(request, "experts/profile.html", {
        "profile": profile, "specialities": selectors.speciality_labels(profile.specialities if profile else []),
        "availability_form": availability, "relation_form": relation or RelationForm(),
        "end_form": EndRelationForm()})


@login_required
def profile(request):
    authorize(request.user, "expert.declare")
    return _profile_page(request)


def _profile_form(request, form_class, act, done, slot):
    """Post one of the profile page's forms to its service; on a refusal show the page with the form's errors."""
    authorize(request.user, "expert.declare")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(Caller.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("experts:profile")
    return _profile_page(request, **{slot: form})


@login_required
@require_POST
def availability(request):
    return _profile_form(request, AvailabilityForm, services.update_availability,
                         _("Your availability was saved."), "availability")


@login_required
@require_POST
def relation_add(request):
    return _profile_form(request, RelationForm, services.declare_relation, _("Your declaration was recorded."),
                         "relation")


@login_required
@require_POST
def relation_end(request, pk):
    authorize(request.user, "expert.declare")
    form = EndRelationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.end_relation(Caller.from_request(request), pk, form.cleaned_data["until"])
        messages.success(request, _("The end of the relation was recorded."))
    except ValidationError as error:
        _say(request, error)
    return redirect("experts:profile")


# --- seats -----------------------------------------------------------------------------------

def _after_seat(request, result):
    if result.problem:
        messages.warning(request, _("The seat is vacant: %(problem)s") % {"problem": result.problem})
    tender_pk = result.seat.committee.tender_id
    if allowed(request.user, "expert.declare"):
        return redirect("experts:dashboard")
    return redirect("experts:committee", tender_pk=tender_pk)


def _seat_action(request, seat_pk, form_class, act, done):
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        result = act(Caller.from_request(request), seat_pk, **form.cleaned_data)
    except ValidationError as error:
        _say(request, error)
        return redirect("experts:dashboard" if allowed(request.user, "expert.declare") else "experts:committees")
    messages.success(request, done(result))
    return _after_seat(request, result)


@login_required
@require_POST
def declare(request, seat_pk):
    return _seat_action(request, seat_pk, DeclarationForm, services.declare, lambda r: (
        _("You are seated on the committee.") if r.seat.status == SeatStatus.SEATED
        else _("Your conflict was recorded and you withdrew from the committee.")))


@login_required
@require_POST
def decline(request, seat_pk):
    return _seat_action(request, seat_pk, ReasonForm, services.decline_seat,
                        lambda r: _("The decline was recorded."))


@login_required
@require_POST
def absent(request, seat_pk):
    return _seat_action(request, seat_pk, ReasonForm, services.record_absence,
                        lambda r: _("The absence was recorded."))


# --- committees ------------------------------------------------------------------------------

def committee(request, tender_pk):
    """Public: the draw commitment and the seats; names only for those who may see them."""
    tender = tender_for(request.user, tender_pk)
    context = selectors.committee_page(request.user, tender)
    may_draw = allowed(request.user, "committee.draw") and is_own(request.user, tender)
    context.update(may_draw=may_draw, draw_form=DrawForm(tender=tender) if may_draw else None,
                   reason_form=ReasonForm())
    return render(request, "experts/committee.html", context)


@login_required
@require_POST
def draw(request, tender_pk):
    tender = tender_for(request.user, tender_pk)
    authorize(request.user, "committee.draw")
    form = DrawForm(request.POST, tender=tender)
    if form.is_valid():
        try:
            services.draw_committee(Caller.from_request(request), tender, form.cleaned_data["specialities"],
                                    form.cleaned_data["representative"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The committee was drawn. The drawn experts now sign their declarations."))
            return redirect("experts:committee", tender_pk=tender.pk)
    context = selectors.committee_page(request.user, tender)
    context.update(may_draw=True, draw_form=form, reason_form=ReasonForm())
    return render(request, "experts/committee.html", context)


@login_required
@require_POST
def fill(request, tender_pk):
    tender = tender_for(request.user, tender_pk)
    try:
        services.fill_vacancies(Caller.from_request(request), tender)
        messages.success(request, _("The vacant seats were drawn again."))
    except ValidationError as error:
        _say(request, error)
    return redirect("experts:committee", tender_pk=tender.pk)


@login_required
def committees(request):
    if not allowed(request.user, "committee.watch"):
        authorize(request.user, "committee.draw")
    page = Paginator(selectors.committees_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/committees.html", {"page": page})
