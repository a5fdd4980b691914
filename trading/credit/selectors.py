"""Reads of the credit record, shared by pages, the API, bids (the submission check) and award.

A credit record is public (as on the national credit portals), except collusion cases only referred: a referral
is a lead for people to review, not a finding, so the public and other firms see only confirmed cases. The firm
itself and officials (entity, supervisor, discipline staff, administrator) see the whole record.
"""
from django.utils.translation import gettext as _

from trading.accounts.models import Organisation
from trading.accounts.roles import OrganisationKind, Role
from trading.tenders import clock, rules

from .models import CreditEntry, Debarment, EntryKind

OFFICIALS = {Role.ENTITY, Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN}
NOT_PUBLIC = {EntryKind.COLLUSION_REFERRED}


def active_debarment(organisation, moment=None):
    """The debarment in force for the firm at `moment` (now by default), or None."""
    moment = moment or clock.now()
    return (Debarment.objects.filter(organisation=organisation, lifted_at__isnull=True, starts_at__lte=moment,
                                     ends_at__gt=moment).order_by("-ends_at").first())


def debarment_refusal(debarment):
    """What a debarred firm reads when it tries to bid or is to be awarded: the decision and when it ends."""
    return _("%(firm)s is debarred by decision %(decision)s until %(end)s: it can neither bid nor be awarded "
             "before then. Nothing was stored.") % {"firm": debarment.organisation.name,
                                                     "decision": debarment.decision,
                                                     "end": rules.when(debarment.ends_at)}


def credit_record(organisation):
    return CreditEntry.objects.filter(organisation=organisation).order_by("-at", "-id")


def sees_everything(user, organisation):
    if not (user and user.is_authenticated):
        return False
    return user.role in OFFICIALS or user.organisation_id == organisation.pk


def visible_record(user, organisation):
    """The entries of a firm's record this viewer may read."""
    entries = credit_record(organisation)
    if not sees_everything(user, organisation):
        entries = entries.exclude(kind__in=NOT_PUBLIC)
    return entries


def debarments(organisation):
    return Debarment.objects.filter(organisation=organisation).order_by("-starts_at", "-id")


def firm(organisation_id):
    """A contractor by id, or None."""
    try:
        row_id = int(organisation_id)
    except (TypeError, ValueError):
        return None
    if not 0 < row_id < 2 ** 63:
        return None
    return Organisation.objects.filter(pk=row_id, kind=OrganisationKind.CONTRACTOR).first()


def firms(query=""):
    """Contractors by name or credit code, for the public credit search."""
    found = Organisation.objects.filter(kind=OrganisationKind.CONTRACTOR)
    query = (query or "").strip()[:100]
    if query:
        found = found.filter(name__icontains=query) | found.filter(credit_code__iexact=query)
    return found.order_by("name")


def debarred_now(moment=None):
    """Every debarment in force now (the public blacklist)."""
    moment = moment or clock.now()
    return (Debarment.objects.filter(lifted_at__isnull=True, starts_at__lte=moment, ends_at__gt=moment)
            .select_related("organisation").order_by("ends_at", "id"))


def summary(user, organisation):
    """Counts per kind for the firm's page header."""
    counts = {kind: 0 for kind in EntryKind.values}
    for kind in visible_record(user, organisation).values_list("kind", flat=True):
        counts[kind] += 1
    return counts
