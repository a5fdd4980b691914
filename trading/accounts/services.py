from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.audit.services import record
from trading.sealing import SealingError, new_holder_key, unlock_holder_key

from . import credit_code, passphrases
from .models import HolderKey, Organisation, RoleChange, RoleChangeStatus, User
from .permissions import allowed, authorize
from .roles import OrganisationKind, Role
from .signals import holder_key_replaced, role_change_conflicts

MIN_PASSPHRASE = passphrases.MIN_LENGTH

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
    Role.FINANCE: {OrganisationKind.AUTHORITY},  # the trading centre's finance staff
}


def register_holder_key(caller, passphrase, old_passphrase=None):
    """Give an opening official a personal key, locked by a passphrase only they know.

    Replacing a key needs the old passphrase: the holder's key shares are opened with the old key and
    sealed again to the new one in the same transaction (bids app, `holder_key_replaced`), so every
    tender the holder keeps a share of can still be opened. Without the old passphrase nothing changes;
    a holder who lost it is replaced by redundancy (k of n holders, n > k), never by the platform.
    """
    user = caller.user
    authorize(user, "opening.hold_share")
    try:
        passphrases.check(passphrase, user)
    except ValidationError as exc:
        raise ValidationError({"passphrase": exc.messages}) from None
    existing = HolderKey.objects.filter(user=user).first()
    old_private = None
    if existing is not None:
        if not old_passphrase:
            raise ValidationError({"old_passphrase": _(
                "You already have an opening key. Give its passphrase to replace it: your key shares are sealed "
                "to it and are moved to the new key. Nothing was changed.")})
        try:
            old_private = unlock_holder_key(existing.locked_private_key, old_passphrase)
        except SealingError:
            raise ValidationError({"old_passphrase": _(
                "This is not the passphrase of your current key. Nothing was changed: your key and your shares "
                "stay as they were.")}) from None
        if old_passphrase == passphrase:
            raise ValidationError({"passphrase": _("The new passphrase must differ from the old one.")})
    public, locked = new_holder_key(passphrase)
    with transaction.atomic():
        if existing is None:
            key = HolderKey.objects.create(user=user, public_key=public, locked_private_key=locked)
            record(caller, "accounts.register_holder_key", key, replaced=False)
            return key
        key = HolderKey.objects.select_for_update().get(pk=existing.pk)
        if bytes(key.locked_private_key) != bytes(existing.locked_private_key):
            raise ValidationError({"old_passphrase": _("Your key changed meanwhile; try again.")})
        results = holder_key_replaced.send(sender=HolderKey, user=user, old_private_key=old_private,
                                           new_public_key=public)
        resealed = sum(count or 0 for _receiver, count in results)
        key.public_key, key.locked_private_key = public, locked
        key.save(update_fields=["public_key", "locked_private_key"])
        record(caller, "accounts.register_holder_key", key, replaced=True, resealed_shares=resealed)
    key.resealed_shares = resealed
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
        user.manages_organisation = True  # the first user invites the organisation's other people
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


# --- separation of duties (issue 12, finding 3) ---------------------------------------------------
# An administrator never puts a user into an organisation nor moves one between organisations: the
# organisation's own manager invites its people. A role or membership change by an administrator is
# asked by one administrator, applied only when a second one approves, and shown to the organisation.

def invite_member(caller, data):
    """The organisation's manager adds a person to their own organisation, in a role its kind allows."""
    manager = caller.user
    organisation = getattr(manager, "organisation", None)
    if not (manager.is_authenticated and manager.is_active and manager.manages_organisation and organisation):
        raise PermissionDenied(_("Only the manager of an organisation invites its people."))
    if manager.role == Role.ADMIN:
        raise PermissionDenied(_("An administrator puts nobody into an organisation, not even their own."))
    errors = {}
    role = str(data.get("role") or "")
    if role not in Role.values or organisation.kind not in ROLE_KINDS[Role(role)]:
        errors["role"] = [_("A %(kind)s cannot have users in this role.") % {"kind": organisation.get_kind_display()}]
    user, user_errors = _first_user(organisation, role if not errors else manager.role, data)
    errors.update(user_errors)
    if errors:
        raise ValidationError(errors)
    user.manages_organisation = False
    with transaction.atomic():
        user.save()
        record(caller, "accounts.invite_member", user, organisation=organisation.name, username=user.username,
               role=role)
    return user


def _role_change_problems(user, new_role, leaves):
    errors = {}
    if new_role not in Role.values:
        errors["new_role"] = [_("There is no role %(role)r.") % {"role": new_role}]
        return errors
    kind = None if leaves else (user.organisation.kind if user.organisation_id else None)
    if kind not in ROLE_KINDS[Role(new_role)]:
        errors["new_role"] = [_("A %(role)s cannot belong to this organisation; only its own manager invites "
                                "people, and nobody moves a user between organisations.") % {
                                    "role": Role(new_role).label}]
    elif new_role == user.role and not leaves:
        errors["new_role"] = [_("The user already has this role.")]
    return errors


def _conflicts(user):
    """One person holds no two conflicting parts: a change is refused while the user holds a part it would clash
    with (the other apps say which, through `role_change_conflicts`)."""
    reasons = [reason for _receiver, found in role_change_conflicts.send(sender=User, user=user) for reason in found or ()]
    return {"new_role": reasons} if reasons else {}


def request_role_change(caller, user, new_role, reason, leaves_organisation=False):
    """An administrator asks to change a user's role or to take the user out of their organisation."""
    authorize(caller.user, "organisation.manage")
    new_role = str(new_role or "")
    errors = _role_change_problems(user, new_role, leaves_organisation)
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why: the organisation and the approving administrator read it.")]
    if leaves_organisation and not user.organisation_id:
        errors["leaves_organisation"] = [_("This user belongs to no organisation.")]
    if RoleChange.objects.filter(user=user, status=RoleChangeStatus.PENDING).exists():
        errors["username"] = [_("A change of this user already waits for approval.")]
    if not errors:
        errors.update(_conflicts(user))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = RoleChange.objects.create(
            user=user, organisation=user.organisation, old_role=user.role, new_role=new_role,
            leaves_organisation=bool(leaves_organisation), reason=reason[:2000], requested_by=caller.user)
        record(caller, "accounts.request_role_change", change, user=user.username, old_role=user.role,
               new_role=new_role, leaves_organisation=bool(leaves_organisation))
    return change


def decide_role_change(caller, change, approve):
    """A second administrator (never the one who asked) approves and applies, or refuses, a change."""
    authorize(caller.user, "organisation.manage")
    from django.utils import timezone

    with transaction.atomic():
        change = RoleChange.objects.select_for_update().select_related("user").get(pk=change.pk)
        if change.status != RoleChangeStatus.PENDING:
            raise ValidationError({"status": _("This change is already decided.")})
        if change.requested_by_id == caller.user.pk:
            raise PermissionDenied(_("A second administrator must approve this change: you asked for it."))
        if change.user_id == caller.user.pk:
            raise PermissionDenied(_("Nobody approves a change of their own role."))
        user = User.objects.select_for_update().get(pk=change.user_id)
        if approve:
            errors = _role_change_problems(user, change.new_role, change.leaves_organisation)
            errors.update(_conflicts(user))
            if errors:
                raise ValidationError(errors)
            user.role = change.new_role
            if change.leaves_organisation:
                user.organisation = None
                user.manages_organisation = False
            user.is_staff = allowed(user, "organisation.manage")
            user.save(update_fields=["role", "organisation", "manages_organisation", "is_staff"])
        change.status = RoleChangeStatus.APPROVED if approve else RoleChangeStatus.REFUSED
        change.decided_by, change.decided_at = caller.user, timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        record(caller, "accounts.decide_role_change", change, user=user.username, approved=bool(approve),
               new_role=change.new_role, requested_by=change.requested_by.username)
    return change
