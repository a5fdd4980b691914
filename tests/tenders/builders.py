"""Builders for tenders in any state, going through the real services.

    published_tender()                       # 30-day bidding period, 2 key holders
    published_tender(deadline=soon)          # a deadline closer than the statutory
                                             # minimum (even in the past) is reached by
                                             # publishing at an earlier moment of the
                                             # shared clock, so the tender is lawful
    published_tender(holders=[entity, supervisor], key_threshold=2, title="Road")

Each holder gets a personal key with passphrase "passphrase-<username>" unless it
already has one. Publication sends `tender_published`, so the bids app's receiver
creates the tender key when that app is installed.
"""
import datetime as dt
from decimal import Decimal

from trading.accounts.caller import Caller
from trading.accounts.models import HolderKey
from trading.accounts.services import register_holder_key
from trading.tenders import clock, selectors, services
from trading.tenders.models import TenderStatus

from tests.factories import make_user

PROJECT_FIELDS = ("project_type", "budget", "funding_source", "agency")


def passphrase(user):
    return f"passphrase-{user.get_username()}"


def ensure_holder_key(user):
    if not HolderKey.objects.filter(user=user).exists():
        register_holder_key(Caller(user=user, ip="127.0.0.1"), passphrase(user))
    return user


def keyed_supervisor():
    """A supervisor who already holds a personal key, or a new one: personal keys are slow to make."""
    existing = HolderKey.objects.filter(user__role="supervisor", user__is_active=True).select_related("user").first()
    return existing.user if existing else ensure_holder_key(make_user("supervisor"))


def project(entity_user, **fields):
    values = dict(name="Ring road section 3", project_type="works", budget=Decimal("1200000.00"),
                  funding_source="Municipal budget")
    values.update(fields)
    return services.register_project(Caller(user=entity_user, ip="127.0.0.1"), **values)


def draft_tender(entity_user=None, project_obj=None, **fields):
    entity_user = entity_user or make_user("entity")
    project_fields = {k: fields.pop(k) for k in PROJECT_FIELDS if k in fields}
    project_obj = project_obj or project(entity_user, **project_fields)
    values = dict(title="Resurfacing of the ring road", description="Asphalt and markings.",
                  ceiling_price=Decimal("1000000.00"), evaluation_method="lowest_price",
                  bid_security_amount=Decimal("20000.00"))
    values.update(fields)
    return services.create_tender(Caller(user=entity_user, ip="127.0.0.1"), project_obj, **values)


def published_tender(entity_user=None, holders=None, deadline=None, **fields):
    """A published tender of `entity_user` (a new entity user if None).

    holders: the opening officials (default: the entity user and a supervisor with a key).
    deadline: default 30 days ahead; anything sooner than the tender's bidding period (the
    platform policy's, or a longer one asked for) is published with the shared clock moved
    back to `deadline - (bidding period + 1 day, or 1 minute in training)`, so tests get a tender whose deadline passes
    soon (or has passed).
    Other keyword arguments go to create_tender (or register_project for project fields).
    """
    entity_user = entity_user or make_user("entity")
    holders = holders if holders is not None else [entity_user, keyed_supervisor()]
    for holder in holders:
        ensure_holder_key(holder)
    real_now = clock.now()
    deadline = deadline or real_now + dt.timedelta(days=30)
    tender = draft_tender(entity_user, **fields)
    policy = selectors.current_policy(tender.procedure_type)
    # One unit of the policy (a day, or a minute in training) to spare.
    needed = policy.delta("bidding_period", tender.bidding_period) + policy.delta("bidding_period", 1)
    shift = min(dt.timedelta(0), (deadline - needed) - real_now)
    with clock.shifted(shift):
        services.update_tender(Caller(user=entity_user, ip="127.0.0.1"), tender, deadline=deadline)
        services.publish_tender(Caller(user=entity_user, ip="127.0.0.1"), tender, holders)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    return tender
