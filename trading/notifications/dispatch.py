"""The dispatcher: reads the audit log from where it stopped, makes each notification once, mails it.

It runs in the checkpoint watcher (every minute with `make demo`, from cron in production), so people
hear of an event whether or not anyone has a page open. Entries still under an embargo are never used.
"""
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction

from trading.audit.embargo import embargoed_keys
from trading.audit.models import AuditEntry
from trading.bids.models import Bid, BidStatus, TenderKey
from trading.tenders.models import Tender, TenderStatus

from . import messages
from .models import Cursor, EmailState, Kind, Notification, Subscription
from .recipients import RULES, _facts, _page, members

BATCH = 500
OPENING_SOON = timedelta(minutes=60)


def _make(user, kind, params, url, tender, key, now):
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, kind=kind, params=params, url=url or "", tender=tender,
                                               key=key[:100], created_at=now)
    except IntegrityError:  # made by an earlier run: once per person and event
        return None


def _from_log(now):
    made = []
    with transaction.atomic():
        cursor, _created = Cursor.objects.select_for_update().get_or_create(pk=1)
        entries = list(AuditEntry.objects.filter(seq__gt=cursor.last_seq, action__in=list(RULES))
                       .order_by("seq")[:BATCH])
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        secret = set(embargoed_keys())
        for entry in entries:
            if entry.embargo and entry.embargo in secret:
                continue
            for user, kind, params, url, tender in RULES[entry.action](entry):
                made.append(_make(user, kind, params, url, tender, f"{kind}:{entry.seq}", now))
        cursor.last_seq = entries[-1].seq if len(entries) == BATCH else last
        cursor.save(update_fields=["last_seq"])
    return [n for n in made if n]


def _openings_soon(now):
    """Bidders, key holders and the entity of each tender whose opening starts within the hour."""
    made = []
    for tender in Tender.objects.select_related("project__entity").filter(
            status=TenderStatus.PUBLISHED, deadline__gt=now, deadline__lte=now + OPENING_SOON):
        organisations = set(Bid.objects.filter(tender=tender, status=BidStatus.ACTIVE)
                            .values_list("bidder_id", flat=True)) | {tender.project.entity_id}
        users = {u.pk: u for u in members(organisations)}
        key = TenderKey.objects.filter(tender=tender).first()
        if key is not None:
            users.update({share.holder.pk: share.holder for share in key.shares.select_related("holder")})
        for user in users.values():
            made.append(_make(user, Kind.OPENING_SOON, _facts(tender), _page(tender), tender,
                              f"opening_soon:{tender.pk}", now))
    return [n for n in made if n]


def _mail(notifications):
    wanted = {s.user_id: s.email for s in Subscription.objects.filter(user_id__in={n.user_id for n in notifications})}
    connection = get_connection(fail_silently=False)
    for notification in notifications:
        address = notification.user.email
        if not address or not wanted.get(notification.user_id, True):
            continue
        subject, body = messages.email(notification, settings.SITE_URL)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection)
            state = EmailState.SENT
        except OSError:
            state = EmailState.FAILED
        Notification.objects.filter(pk=notification.pk).update(email_state=state)


def dispatch(now):
    """Make and mail every notification due; return how many were made."""
    made = _from_log(now) + _openings_soon(now)
    _mail(made)
    return len(made)
