from trading.tenders import clock

from .models import CreditEntry, Debarment


def active_debarment(organisation, moment=None):
    """The debarment in force for the firm at `moment` (now by default), or None."""
    moment = moment or clock.now()
    return (Debarment.objects.filter(organisation=organisation, lifted_at__isnull=True, starts_at__lte=moment,
                                     ends_at__gt=moment).order_by("-ends_at").first())


def credit_record(organisation):
    return CreditEntry.objects.filter(organisation=organisation).order_by("-at", "-id")
