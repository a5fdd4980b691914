"""The reader's own writes: reading notifications, keeping a subscription."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.accounts.permissions import authorize
from trading.audit.services import record
from trading.tenders import clock, rules
from trading.tenders.models import ProjectType

from . import selectors
from .models import Notification

MAX_REGIONS = 20


def mark_read(caller, notification_id=None):
    """One notification (by id) or all of the caller's, read now."""
    unread = Notification.objects.filter(user=caller.user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=selectors.own(caller.user, notification_id).pk)
    return unread.update(read_at=clock.now())


def subscribe(caller, project_types, regions, keywords, email=True):
    """A contractor says which new tenders it wants to hear of (empty lists: all of them)."""
    authorize(caller.user, "bid.submit")
    errors = {}
    if not isinstance(project_types, (list, tuple)) or any(t not in ProjectType.values for t in project_types):
        errors["project_types"] = _("Choose among: %(types)s.") % {"types": ", ".join(ProjectType.values)}
    if (not isinstance(regions, (list, tuple)) or len(regions) > MAX_REGIONS
            or any(not isinstance(r, str) or not r.isdigit() or not 2 <= len(r) <= 6 for r in regions)):
        errors["regions"] = _("Give up to %(n)d administrative division codes of 2 to 6 digits, e.g. 3501.") % {
            "n": MAX_REGIONS}
    keywords = rules.text(errors, "keywords", keywords, 200, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subscription = selectors.subscription_of(caller.user)
        subscription.project_types, subscription.regions = sorted(set(project_types)), sorted(set(regions))
        subscription.keywords, subscription.email = keywords, bool(email)
        subscription.save()
        record(caller, "notifications.subscribe", subscription, project_types=subscription.project_types,
               regions=subscription.regions, keywords=keywords)
    return subscription
