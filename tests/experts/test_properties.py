"""Property: over random pools, the service's draw never seats an ineligible or conflicted expert, never two of
one employer, always the policy's number, and an auditor re-running it from the audit entry gets the same ids."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_organisation
from trading.accounts.roles import OrganisationKind
from trading.audit.models import AuditEntry
from trading.bids.models import Bid
from trading.experts import selectors
from trading.experts.models import Committee, DeclaredRelation, ExpertStatus, RelationKind, Seat, SeatStatus
from trading.tenders import clock

from .builders import draw, make_expert, past_committee

pytestmark = pytest.mark.django_db
SIZE, SITTINGS = 5, 3  # the default policy's committee size and sittings per entity

EMPLOYERS = ["entity", "bidder0", "bidder1", "other0", "other1", "other2", None]
NAMES = ["Institute A", "institute  a", "Institute B", "bidder0-name", None]  # None: a name of its own
LEAVE = ["none", "today", "past", "future", "open_from_past", "until_today"]
RELATION = [None, ("bidder0", None), ("bidder1", 400), ("entity", 1000), ("bidder0", 1200), ("other0", None)]

def mostly(usual, *others, weight=5):
    """A fact that is usually harmless, sometimes one of the others: pools where draws both succeed and fail."""
    return st.sampled_from([usual] * weight + list(others))


expert_spec = st.fixed_dictionaries({
    "employer": mostly(None, *EMPLOYERS[:-1], weight=12), "name": mostly(*reversed(NAMES)),
    "status": mostly(ExpertStatus.ACTIVE, ExpertStatus.SUSPENDED, ExpertStatus.RETIRED, weight=12),
    "leave": mostly(*LEAVE, weight=15), "relation": mostly(*RELATION, weight=15),
    "recent_sittings": mostly(0, 1, 2, 3, 4, weight=12), "old_sittings": st.integers(0, 2),
    "specialities": st.sampled_from([{"building"}, {"building"}, {"building", "water"}, {"water"}, set()]),
})


@pytest.fixture
def world(tender):
    bidders = [bid.bidder for bid in Bid.objects.filter(tender=tender).select_related("bidder").order_by("id")]
    orgs = {"entity": tender.project.entity, "bidder0": bidders[0], "bidder1": bidders[1],
            **{f"other{i}": make_organisation(OrganisationKind.CONTRACTOR) for i in range(3)}}
    past = [past_committee(tender, f"P-{n}") for n in range(6)]  # to give experts sittings for the same entity
    return tender, orgs, past


def build(spec, orgs, past, today, now):
    leave = {"none": {}, "today": {"on_leave_from": today, "on_leave_until": today},
             "past": {"on_leave_from": today - dt.timedelta(9), "on_leave_until": today - dt.timedelta(1)},
             "future": {"on_leave_from": today + dt.timedelta(1)},
             "open_from_past": {"on_leave_from": today - dt.timedelta(3)},
             "until_today": {"on_leave_until": today}}[spec["leave"]]
    name = spec["name"]
    if name == "bidder0-name":
        name = f" {orgs['bidder0'].name.upper()}"
    expert = make_expert(specialities=sorted(spec["specialities"]), status=spec["status"],
                         employer=orgs.get(spec["employer"]), employer_name=None if spec["employer"] else name,
                         **leave)
    if spec["relation"]:
        org, days_ago = spec["relation"]
        DeclaredRelation.objects.create(expert=expert, organisation=orgs[org], kind=RelationKind.RELATED,
                                        until=None if days_ago is None else today - dt.timedelta(days_ago),
                                        declared_at=now)
    for n in range(spec["recent_sittings"] + spec["old_sittings"]):
        age = dt.timedelta(days=30 * n) if n < spec["recent_sittings"] else dt.timedelta(days=400 + n)
        Seat.objects.create(committee=past[n], user=expert.user, expert=expert, status=SeatStatus.SEATED,
                            drawn_at=now - age)
    return expert


def oracle(spec, expert, orgs, today):
    """Eligibility and the employer, worked out from the generated facts, not from the selectors."""
    conflicted = {"entity", "bidder0", "bidder1"}
    on_leave = spec["leave"] in ("today", "open_from_past", "until_today")
    name_conflict = spec["employer"] is None and spec["name"] == "bidder0-name"
    related = spec["relation"] and spec["relation"][0] in conflicted and (
        spec["relation"][1] is None or spec["relation"][1] <= 3 * 365)
    eligible = (spec["status"] == ExpertStatus.ACTIVE and not on_leave and spec["employer"] not in conflicted
                and not name_conflict and not related and spec["recent_sittings"] < SITTINGS)
    if spec["employer"]:
        employer = spec["employer"]
    elif spec["name"] in ("Institute A", "institute  a"):
        employer = "institute a"
    else:
        employer = ("own", expert.pk) if spec["name"] is None else spec["name"]
    return eligible, employer


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs=st.lists(expert_spec, min_size=8, max_size=24), water=st.booleans())
def test_the_draw_seats_only_eligible_experts_of_distinct_employers_and_replays_exactly(world, specs, water):
    tender, orgs, past = world
    required = ["building", "water"] if water else ["building"]
    now = clock.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        experts = [build(spec, orgs, past, today, now) for spec in specs]
        facts = {e.pk: oracle(spec, e, orgs, today) for spec, e in zip(specs, experts)}
        eligible = {pk for pk, (ok, _) in facts.items() if ok}
        groups = {facts[pk][1] for pk in eligible}
        covered = {s for spec, e in zip(specs, experts) if e.pk in eligible for s in spec["specialities"]}
        assert set(selectors.eligible_pool(tender).ids) == eligible
        try:
            committee = draw(tender, specialities=required)
        except ValidationError as refusal:
            message = " ".join(refusal.messages)
            if "building" not in covered:
                assert "Building construction" in message
            elif not water:
                assert len(groups) < SIZE and f"Only {len(groups)} eligible" in message
            assert not Committee.objects.filter(tender=tender).exists()
        else:
            drawn = list(committee.seats.values_list("expert_id", flat=True))
            assert len(drawn) == SIZE == len(set(drawn))
            assert set(drawn) <= eligible
            assert len({facts[pk][1] for pk in drawn}) == SIZE
            for speciality in required:
                assert any(speciality in spec["specialities"] for spec, e in zip(specs, experts) if e.pk in drawn)
            entry = AuditEntry.objects.get(action="experts.draw_committee", object_id=str(committee.pk))
            assert selectors.replay(entry.summary) == entry.summary["drawn"]
            assert sorted(entry.summary["drawn"]) == sorted(drawn)
            assert selectors.verify_committee(tender) == []
            if not water:
                assert len(groups) >= SIZE and "building" in covered
        transaction.set_rollback(True)
