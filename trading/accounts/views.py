from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import services
from .caller import Caller
from .forms import (ContractorRegistrationForm, FirstUserFields, InviteForm, OrganisationFields,
                    OrganisationRegistrationForm, PassphraseForm, RoleChangeForm)
from .models import HolderKey, RoleChange, RoleChangeStatus, User
from .permissions import allowed, authorize


def _submit(form, call):
    """Run a service with a valid form's data; its field errors go back onto the form."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _sections(form, extra_company=(), extra_user=()):
    return {"form": form,
            "company_fields": [form[name] for name in (*extra_company, *OrganisationFields.base_fields)],
            "user_fields": [form[name] for name in (*extra_user, *FirstUserFields.base_fields)]}


def register(request):
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in already; log out to register another company."))
        return redirect("accounts:profile")
    form = ContractorRegistrationForm(request.POST or None)
    if request.method == "POST":
        result = _submit(form, lambda data: services.register_contractor(Caller.from_request(request), data))
        if result:
            organisation, user = result
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("%(name)s is registered. Welcome!") % {"name": organisation.name})
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", _sections(form))


@login_required
def register_organisation(request):
    authorize(request.user, "organisation.manage")
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST":
        result = _submit(form, lambda data: services.register_organisation(
            Caller.from_request(request), data["kind"], data["role"], data))
        if result:
            organisation, user = result
            messages.success(request, _("%(name)s is registered with its first user %(user)s.") % {
                "name": organisation.name, "user": user.username})
            return redirect("accounts:register_organisation")
    return render(request, "accounts/register_organisation.html",
                  _sections(form, extra_company=("kind",), extra_user=("role",)))


@login_required
def profile(request):
    holds_shares = allowed(request.user, "opening.hold_share")
    holder_key = HolderKey.objects.filter(user=request.user).first()
    form = PassphraseForm(request.POST or None, replacing=holder_key is not None) if holds_shares else None
    if request.method == "POST":
        if not holds_shares:
            raise PermissionDenied(_("Your role does not hold opening key shares."))
        key = _submit(form, lambda data: services.register_holder_key(
            Caller.from_request(request), data["passphrase"], data.get("old_passphrase")))
        if key:
            if holder_key is None:
                messages.success(request, _("Your opening key is registered. Keep the passphrase safe: it cannot be "
                                            "recovered."))
            else:
                messages.success(request, _("Your opening key is replaced; %(n)d key shares were moved to it. Keep "
                                            "the new passphrase safe.") % {"n": key.resealed_shares})
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "holds_shares": holds_shares, "holder_key": holder_key,
    })


@login_required
def organisation_users(request):
    """The users of one's own organisation and every administrator's change of them; the manager invites."""
    organisation = request.user.organisation
    if organisation is None:
        raise Http404(_("You belong to no organisation."))
    manages = request.user.manages_organisation
    form = InviteForm(request.POST or None, organisation=organisation) if manages else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only the manager of an organisation invites its people."))
        user = _submit(form, lambda data: services.invite_member(Caller.from_request(request), data))
        if user:
            messages.success(request, _("%(user)s is a user of %(name)s now.") % {
                "user": user.username, "name": organisation.name})
            return redirect("accounts:organisation_users")
    return render(request, "accounts/organisation_users.html", {
        "organisation": organisation, "members": organisation.users.order_by("username"), "form": form,
        "changes": RoleChange.objects.filter(organisation=organisation).select_related(
            "user", "requested_by", "decided_by"),
    }, status=400 if form is not None and form.errors else 200)


@login_required
def role_changes(request):
    """Administrators ask for role and membership changes here; a second administrator decides them."""
    authorize(request.user, "organisation.manage")
    form = RoleChangeForm(request.POST or None)
    if request.method == "POST":
        def ask(data):
            user = User.objects.filter(username=data["username"]).first()
            if user is None:
                raise ValidationError({"username": _("There is no user %(name)s.") % {"name": data["username"]}})
            return services.request_role_change(Caller.from_request(request), user, data["new_role"],
                                                data["reason"], data["leaves_organisation"])
        if _submit(form, ask):
            messages.success(request, _("The change is asked; it applies once a second administrator approves it."))
            return redirect("accounts:role_changes")
    return render(request, "accounts/role_changes.html", {
        "form": form, "pending": RoleChange.objects.filter(status=RoleChangeStatus.PENDING).select_related(
            "user", "requested_by", "organisation"),
        "decided": RoleChange.objects.exclude(status=RoleChangeStatus.PENDING).select_related(
            "user", "requested_by", "decided_by")[:50],
    }, status=400 if form.errors else 200)


@login_required
def decide_role_change(request, pk):
    authorize(request.user, "organisation.manage")
    if request.method != "POST":
        return redirect("accounts:role_changes")
    change = get_object_or_404(RoleChange, pk=pk)
    try:
        services.decide_role_change(Caller.from_request(request), change, request.POST.get("decision") == "approve")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return render(request, "accounts/role_changes.html", {
            "form": RoleChangeForm(), "pending": RoleChange.objects.filter(status=RoleChangeStatus.PENDING),
            "decided": [], "refusal": str(exc)}, status=403)
    else:
        messages.success(request, _("The change is decided and shown to the organisation."))
    return redirect("accounts:role_changes")
