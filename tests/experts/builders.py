"""Builders for the expert pool and committees, through the real services where there is one.

    tender = evaluation_tender()                  # opened, record signed, in evaluation
    pool = make_pool(7, speciality="building")    # seven active experts, each of another employer
    committee = seated_committee(tender)          # drawn and every expert declared no conflict

Expert profiles are kept by the administrator in the admin site (no service): make_expert writes the row.
"""
import itertools

from trading.accounts.caller import Caller
from trading.accounts.models import User
from trading.accounts.roles import Role
from trading.experts import services
from trading.experts.models import ExpertProfile, ExpertStatus, Seat, SeatStatus, Speciality
from trading.tenders.selectors import tender_policy

from tests.factories import make_user
from tests.opening.builders import ceremony, run_to

_numbers = itertools.count(1)


def caller(user):
    return Caller(user=user, ip="203.0.113.50", user_agent="pytest")


def make_expert(speciality=Speciality.BUILDING, specialities=None, employer=None, employer_name=None,
                status=ExpertStatus.ACTIVE, user=None, **fields):
    n = next(_numbers)
    user = user or make_user(Role.EXPERT, first_name="Expert", last_name=f"No{n}")
    return ExpertProfile.objects.create(
        user=user, full_name=fields.pop("full_name", f"Expert Zhang {n}"), region=fields.pop("region", "Fuzhou"),
        employer=employer, employer_name=employer_name or (employer.name if employer else f"Institute {n}"),
        specialities=list(specialities if specialities is not None else [speciality]), status=status, **fields)


def make_pool(n, speciality=Speciality.BUILDING, **fields):
    """n active experts of one speciality, each with another employer."""
    return [make_expert(speciality, **fields) for _ in range(n)]


def evaluation_tender(n_bids=3, **fields):
    """A tender whose opening closed with a signed record: in evaluation, ready for its committee draw."""
    c = ceremony(n_bids=n_bids, **fields)
    run_to(c, "closed")
    c.tender.refresh_from_db()
    return c.tender


def entity_official(tender):
    return User.objects.filter(organisation=tender.project.entity, role=Role.ENTITY, is_active=True).first()


def draw(tender, specialities=(Speciality.BUILDING,), representative=None, by=None):
    return services.draw_committee(caller(by or entity_official(tender)), tender, specialities, representative)


def declare_all(committee):
    for seat in Seat.objects.filter(committee=committee, status=SeatStatus.DRAWN).select_related("user"):
        services.declare(caller(seat.user), seat.pk, False)
    committee.refresh_from_db()
    return committee


def seated_committee(tender, specialities=(Speciality.BUILDING,), representative=None, pool=None):
    """Draw the tender's committee (making a pool when none is given) and seat every drawn expert."""
    if pool is None:
        size = tender_policy(tender).thresholds["committee_size"]
        make_pool(size + 2, speciality=specialities[0] if specialities else Speciality.BUILDING)
    return declare_all(draw(tender, specialities, representative))


def with_committee_size(tender, size):
    """Give the tender's stored policy another committee size (as if published under another policy)."""
    from trading.tenders.models import Tender

    policy = dict(tender.policy)
    policy["thresholds"] = {**policy["thresholds"], "committee_size": size}
    Tender.objects.filter(pk=tender.pk).update(policy=policy)
    tender.refresh_from_db()
    return tender


def past_committee(tender, reference):
    """An earlier committee of the same entity (on a bare tender row), to give experts past sittings."""
    from trading.experts.models import Committee
    from trading.tenders import clock
    from trading.tenders.models import Tender

    other = Tender.objects.create(project=tender.project, reference=reference, title="Past", ceiling_price=1,
                                  evaluation_method="lowest_price", bid_security_amount=1,
                                  procedure_type=tender.procedure_type)
    return Committee.objects.create(tender=other, size=5, seed="past", created_at=clock.now())


def candidates_published(tender):
    """The candidate notice is out (the evaluation app's step; here the lifecycle's one writer moves it)."""
    from trading.tenders.models import TenderStatus
    from trading.tenders.moves import move_tender

    move_tender(Caller.system(), tender, TenderStatus.CANDIDATES)
    tender.refresh_from_db()
    return tender
