"""Writes of the credit record. The rooms above (complaints, contracts, collusion cases, bid security) call
`note` inside their own transaction when something they decide belongs on a firm's record.

Debarments and administrative penalties are decisions of the supervising department (Tendering Law art. 53-54,
Implementing Regulations art. 67-69), so supervisors enter them (`credit.manage`), not the administrator, who keeps
users and settings and must not be able to bar a competitor. Recording or lifting a debarment locks the firm's row,
as `bids.services.submit_bid` does: a submission either finished before the debarment or sees it.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.models import Organisation
from trading.accounts.permissions import authorize
from trading.accounts.roles import OrganisationKind
from trading.audit.services import record
from trading.tenders import clock, rules

from .models import CreditEntry, Debarment, EntryKind

MAX_DECISION = 200


def note(caller, organisation, kind, summary, source="", rating=None, at=None):
    """Add one entry to the firm's credit record (audited); `source` names what it rests on ("app.Model:id")."""
    if kind not in EntryKind.values:
        raise ValueError(f"unknown credit entry kind {kind!r}")
    with transaction.atomic():
        entry = CreditEntry.objects.create(
            organisation=organisation, kind=kind, summary=summary[:500], rating=rating, source=source[:100],
            at=at or clock.now(), recorded_by=caller.user if caller.user.is_authenticated else None)
        record(caller, "credit.note", entry, organisation=organisation.credit_code, kind=kind, source=source)
    return entry


def _firm(organisation_id):
    """A contractor by id from user input; anything else is a 404."""
    try:
        row_id = int(getattr(organisation_id, "pk", organisation_id))
    except (TypeError, ValueError):
        row_id = None
    firm = (Organisation.objects.filter(pk=row_id, kind=OrganisationKind.CONTRACTOR).first()
            if row_id and 0 < row_id < 2 ** 63 else None)
    if firm is None:
        raise Http404(_("No such firm."))
    return firm


def record_debarment(caller, organisation_id, *, decision, reason, starts_at, ends_at):
    """A supervisor enters a debarment decision: the firm may neither bid nor be awarded from `starts_at` until
    `ends_at`. Audited and noted on the firm's credit record."""
    authorize(caller.user, "credit.manage")
    firm = _firm(organisation_id)
    errors = {}
    decision = rules.text(errors, "decision", decision, MAX_DECISION)
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT)
    starts_at = rules.moment(errors, "starts_at", starts_at)
    ends_at = rules.moment(errors, "ends_at", ends_at)
    if starts_at is None and "starts_at" not in errors:
        errors["starts_at"] = _("This field is required.")
    if ends_at is None and "ends_at" not in errors:
        errors["ends_at"] = _("This field is required.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("A debarment must end after it starts.")
    elif ends_at and ends_at <= clock.now():
        errors["ends_at"] = _("This debarment would already be over; a past decision goes on the record as a "
                              "penalty.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=firm.pk)
        now = clock.now()
        debarment = Debarment.objects.create(organisation=firm, decision=decision, reason=reason,
                                             starts_at=starts_at, ends_at=ends_at, recorded_by=caller.user,
                                             recorded_at=now)
        note(caller, firm, EntryKind.DEBARMENT, _("Debarred by decision %(decision)s from %(start)s until %(end)s.")
             % {"decision": decision, "start": rules.when(starts_at), "end": rules.when(ends_at)},
             source=f"credit.Debarment:{debarment.pk}", at=now)
        record(caller, "credit.debar", debarment, organisation=firm.credit_code, decision=decision,
               starts_at=starts_at, ends_at=ends_at)
    return debarment


def lift_debarment(caller, debarment_id, reason):
    """A supervisor lifts a debarment before its end (the decision was revoked on review or appeal), with why."""
    authorize(caller.user, "credit.manage")
    errors = {}
    reason = rules.text(errors, "lifted_reason", reason, rules.MAX_REASON)
    try:
        row_id = int(debarment_id)
    except (TypeError, ValueError):
        row_id = None
    if not row_id or not 0 < row_id < 2 ** 63 or not Debarment.objects.filter(pk=row_id).exists():
        raise Http404(_("No such debarment."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        debarment = Debarment.objects.select_related("organisation").get(pk=row_id)
        Organisation.objects.select_for_update().get(pk=debarment.organisation_id)
        debarment = Debarment.objects.select_for_update().get(pk=row_id)
        now = clock.now()
        if debarment.lifted_at is not None:
            raise ValidationError({"debarment": _("This debarment was already lifted on %(when)s.") % {
                "when": rules.when(debarment.lifted_at)}})
        if debarment.ends_at <= now:
            raise ValidationError({"debarment": _("This debarment ended on %(when)s; there is nothing to lift.") % {
                "when": rules.when(debarment.ends_at)}})
        debarment.lifted_at, debarment.lifted_reason = now, reason
        debarment.save(update_fields=["lifted_at", "lifted_reason"])
        record(caller, "credit.lift", debarment, organisation=debarment.organisation.credit_code,
               decision=debarment.decision, reason=reason)
    return debarment


def record_penalty(caller, organisation_id, *, summary, decision):
    """A supervisor enters an administrative penalty (a fine, a warning) on a firm's credit record."""
    authorize(caller.user, "credit.manage")
    firm = _firm(organisation_id)
    errors = {}
    decision = rules.text(errors, "decision", decision, MAX_DECISION)
    summary = rules.text(errors, "summary", summary, rules.MAX_REASON - MAX_DECISION - 10)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return note(caller, firm, EntryKind.PENALTY, f"{decision}: {summary}", source=f"decision:{decision}"[:100])
