"""Builders for tenders in any state, going through the real services.

    published_tender()                       # 30-day bidding period, 3 key holders, k = 2
    published_tender(deadline=soon)          # a deadline closer than the statutory
                                             # minimum (even in the past) is reached by
                                             # publishing at an earlier moment of the
                                             # shared clock, so the tender is lawful
    published_tender(holders=[entity, supervisor], key_threshold=2, title="Road")

The platform's key policy (k >= 2, n >= k + 1, a supervisor, two organisations) holds for every
tender built here: holders given that fall short of it are completed with keyed supervisors, so
the shares of the holders named keep opening the tender as the test expects.

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
    return keyed_supervisors(1)[0]


def keyed_supervisors(n, besides=()):
    """n supervisors with personal keys, none of them in `besides`; made when there are not enough."""
    taken = {user.pk for user in besides}
    existing = [key.user for key in HolderKey.objects.filter(user__role="supervisor", user__is_active=True)
                .exclude(user__in=taken).select_related("user").order_by("pk")[:n]]
    return existing + [ensure_holder_key(make_user("supervisor")) for _ in range(n - len(existing))]


def lawful_holders(holders, threshold=2):
    """`holders` completed with keyed supervisors until they meet the platform's key policy."""
    holders = list(holders)
    missing = max(threshold + 1 - len(holders), 0)
    if not any(user.role == "supervisor" for user in holders):
        missing = max(missing, 1)
    holders += keyed_supervisors(missing, besides=holders)
    if len({user.organisation_id for user in holders}) < 2:
        holders += [ensure_holder_key(make_user("supervisor"))]
    return holders


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

    holders: the opening officials (default: the entity user and two supervisors with a key), completed
    to the platform's key policy when they fall short of it.
    deadline: default 30 days ahead; anything sooner than the tender's bidding period (the
    platform policy's, or a longer one asked for) is published with the shared clock moved
    back to `deadline - (bidding period + 1 day, or 1 minute in training)`, so tests get a tender whose deadline passes
    soon (or has passed).
    Other keyword arguments go to create_tender (or register_project for project fields).
    """
    entity_user = entity_user or make_user("entity")
    holders = holders if holders is not None else [entity_user]
    for holder in holders:
        ensure_holder_key(holder)
    threshold = fields.get("key_threshold") or 2
    if threshold >= 2:  # a test asking for k = 1 wants the refusal
        holders = lawful_holders(holders, threshold)
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
