from django.http import Http404
from django.utils.translation import gettext as _

from trading.bids.content import as_row_id

from .models import Notification, Subscription


def inbox(user):
    return Notification.objects.filter(user=user).select_related("tender").order_by("-created_at", "-id")


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def own(user, notification_id):
    row_id = as_row_id(notification_id)
    found = inbox(user).filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404(_("No such notification."))
    return found


def subscription_of(user):
    return Subscription.objects.filter(user=user).first() or Subscription(user=user)
