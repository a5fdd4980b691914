from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .caller import Caller
from .forms import (ContractorRegistrationForm, FirstUserFields, OrganisationFields, OrganisationRegistrationForm,
                    PassphraseForm)
from .models import HolderKey
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
