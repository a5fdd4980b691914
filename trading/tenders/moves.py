"""The one place that writes Tender.status: a move along the lifecycle table.

For services only. The calling service has already checked who may make this move
(publication, the opening, the award); people reach it through `services.transition`,
which checks the role and the organisation first.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.audit.services import record

from . import arrival, clock, lifecycle, rules
from .checkpoints import refresh_checkpoints
from .models import StatusChange, Tender, TenderStatus


def move_tender(caller, tender, to_status, reason=""):
    """Move `tender` to `to_status` if the lifecycle allows it now; copy the result onto `tender`."""
    if to_status not in TenderStatus.values:
        raise ValidationError({"status": _("There is no status %(status)r.") % {"status": to_status}})
    to_status = TenderStatus(to_status)
    with transaction.atomic():
        locked = Tender.objects.select_for_update().get(pk=tender.pk)
        from_status = TenderStatus(locked.status)
        if not lifecycle.can_move(from_status, to_status):
            raise ValidationError({"status": _("A tender cannot go from “%(from)s” to “%(to)s”.") % {
                "from": from_status.label, "to": to_status.label}})
        now = clock.now()
        if to_status == TenderStatus.BIDDING_CLOSED and (locked.deadline is None or now < locked.deadline):
            raise ValidationError({"status": _("Bidding is open until the deadline; it cannot close earlier.")})
        if to_status == TenderStatus.BIDDING_CLOSED and now < arrival.settled_at(locked.deadline):
            raise ValidationError({"status": _("Bids that arrived before the deadline may still be waiting to be "
                                               "stored; bidding closes at %(when)s.")
                                   % {"when": rules.when_to_the_second(arrival.settled_at(locked.deadline))}})
        if to_status == TenderStatus.AWARDED and locked.awarded_amount is None:
            raise ValidationError({"status": _("A tender is awarded through the award of its candidates.")})
        locked.status = to_status
        fields = ["status"]
        if to_status == TenderStatus.PUBLISHED:
            locked.published_at, fields = now, fields + ["published_at"]
        if to_status == TenderStatus.OPENING and locked.opened_at is None:
            locked.opened_at, fields = now, fields + ["opened_at"]
        locked.save(update_fields=fields)
        StatusChange.objects.create(tender=locked, from_status=from_status, to_status=to_status, reason=reason[:500],
                                    at=now, by=caller.user if caller.user.is_authenticated else None)
        record(caller, "tenders.transition", locked, from_status=from_status.value, to_status=to_status.value,
               reason=reason[:500])
        refresh_checkpoints(locked, caller)
    copy_fields(tender, locked, "status", "published_at", "opened_at", "was_red")
    return tender


def copy_fields(target, source, *fields):
    """Callers keep their instance: copy what a service wrote on its locked copy."""
    if target is not source:
        for field in fields:
            setattr(target, field, getattr(source, field))
