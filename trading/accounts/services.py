from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.audit.services import record
from trading.sealing import new_holder_key

from . import credit_code
from .models import HolderKey, Organisation, User
from .permissions import allowed, authorize
from .roles import OrganisationKind, Role

MIN_PASSPHRASE = 10

ORGANISATION_FIELDS = ("name", "credit_code", "legal_representative", "contact_name", "phone", "email", "address",
                       "bank_account")
# Which roles may belong to which kind of organisation.
ROLE_KINDS = {
    Role.CONTRACTOR: {OrganisationKind.CONTRACTOR},
    Role.ENTITY: {OrganisationKind.ENTITY, OrganisationKind.AGENCY},
    Role.SUPERVISOR: {OrganisationKind.AUTHORITY},
    Role.DISCIPLINE: {OrganisationKind.AUTHORITY},
    Role.EXPERT: {None, OrganisationKind.AUTHORITY},
    Role.ADMIN: {None, OrganisationKind.AUTHORITY},
}


def register_holder_key(caller, passphrase):
    """Give an opening official a personal key, locked by a passphrase only they know.

    Registering again replaces the key; shares sealed to the old key can no longer be opened by this user.
    """
    user = caller.user
    authorize(user, "opening.hold_share")
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError({"passphrase": _("The passphrase needs at least %(n)d characters.") % {"n": MIN_PASSPHRASE}})
    public, locked = new_holder_key(passphrase)
    with transaction.atomic():
        key, created = HolderKey.objects.update_or_create(
            user=user, defaults={"public_key": public, "locked_private_key": locked})
        record(caller, "accounts.register_holder_key", key, replaced=not created)
    return key


# A contractor's registration must give everything bid security and notices need.
CONTRACTOR_REQUIRED = ("legal_representative", "contact_name", "phone", "address", "bank_account")


def _organisation(kind, data):
    organisation = Organisation(kind=kind, **{f: str(data.get(f) or "").strip() for f in ORGANISATION_FIELDS})
    organisation.credit_code = organisation.credit_code.upper()
    errors = {}
    if kind == OrganisationKind.CONTRACTOR:
        for field in CONTRACTOR_REQUIRED:
            if not getattr(organisation, field):
                errors[field] = [_("This field is required.")]
    if organisation.credit_code and not credit_code.is_valid(organisation.credit_code):
        errors["credit_code"] = [_("This is not a valid unified social credit code (the check character is wrong or "
                                   "it has characters a code cannot contain).")]
    elif Organisation.objects.filter(credit_code=organisation.credit_code).exists():
        errors["credit_code"] = [_("An organisation with this unified social credit code is already registered.")]
    try:
        organisation.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return organisation, errors


def _first_user(organisation, role, data):
    text = {f: str(data.get(f) or "").strip() for f in ("username", "user_email", "first_name", "last_name")}
    user = User(username=text["username"], email=text["user_email"], first_name=text["first_name"],
                last_name=text["last_name"], role=role, organisation=organisation)
    user.is_staff = allowed(user, "organisation.manage")  # the admin site's door follows the matrix
    errors = {}
    try:
        user.full_clean(exclude=["password", "organisation"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[{"email": "user_email"}.get(field, field)] = messages
    password = str(data.get("password") or "")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    user.set_password(password)
    return user, errors


def _register(caller, kind, role, data, action):
    organisation, errors = _organisation(kind, data)
    user, user_errors = _first_user(organisation, role, data)
    errors.update(user_errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation.save()
        user.organisation = organisation
        user.save()
        record(caller, action, organisation, name=organisation.name, kind=kind, credit_code=organisation.credit_code,
               first_user=user.username, role=role)
    return organisation, user


def register_contractor(caller, data):
    """A company registers itself as a contractor, with its first user (self-service, no login)."""
    if caller.user.is_authenticated:
        raise PermissionDenied(_("Log out before registering a new company."))
    return _register(caller, OrganisationKind.CONTRACTOR, Role.CONTRACTOR, data, "accounts.register_contractor")


def register_organisation(caller, kind, role, data):
    """An administrator registers a procuring entity, agency or authority with its first user."""
    authorize(caller.user, "organisation.manage")
    kind, role = OrganisationKind(kind), Role(role)
    if kind not in ROLE_KINDS[role]:
        raise ValidationError({"role": _("A %(role)s cannot belong to a %(kind)s.") % {
            "role": role.label, "kind": kind.label}})
    return _register(caller, kind, role, data, "accounts.register_organisation")


def record_admin_change(caller, obj, verb, changes):
    """Audit a change an administrator made in the admin site; joins the admin view's transaction if any."""
    authorize(caller.user, "organisation.manage")
    with transaction.atomic():
        record(caller, f"accounts.admin_{verb}_{obj._meta.model_name}", obj, object=str(obj), changes=changes)
