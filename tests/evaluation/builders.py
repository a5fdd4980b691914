"""A tender after its opening, with a seated committee, ready for evaluation.

    e = evaluating(prices=["980000.00", "1010000.50", "995500.00"])
    e.sign_all()                                   # every member passes every bid
    e.sign(e.members[0], reject=[e.bids[0]])       # one member's sheet

The opening runs through the real services (tests/opening/builders.py), and the committee is drawn and
seated through the experts app's (tests/experts/builders.seated_committee): the policy's five members,
or four experts and the entity's representative.
"""
import contextlib
import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from trading.accounts.caller import Caller
from trading.evaluation import services
from trading.experts.models import Committee, Seat, SeatStatus
from trading.tenders import clock

from tests.bids.builders import submit
from tests.experts.builders import seated_committee
from tests.factories import make_user
from tests.opening import builders as opening
from tests.opening.builders import ceremony, run_to


def seat_directly(tender, experts=1):
    """Seat experts by writing Committee and Seat rows, for what the experts app never allows: a committee
    before the opening record is signed (its draw refuses), to test the evaluation's own guard."""
    now = clock.now()
    members = [make_user("expert") for _ in range(experts)]
    committee = Committee.objects.create(tender=tender, size=experts, seed="0" * 64, formed_at=now, created_at=now)
    for user in members:
        Seat.objects.create(committee=committee, user=user, status=SeatStatus.SEATED, drawn_at=now, declared_at=now)
    return members


@contextlib.contextmanager
def _prices(prices):
    saved = opening.PRICES
    opening.PRICES = list(prices) if prices else saved
    try:
        yield
    finally:
        opening.PRICES = saved


@dataclass
class Evaluation:
    ceremony: object
    members: list
    bids: list = field(default_factory=list)

    @property
    def tender(self):
        return self.ceremony.tender

    @property
    def representative(self):
        return next((m for m in self.members if m.role == "entity"), None)

    def call(self, user):
        return Caller(user=user, ip="203.0.113.20", user_agent="pytest")

    def sheet(self, reject=(), scores=None, reasons=None):
        """A complete sheet: reject the bids in `reject` (non-responsive), pass the others with `scores`."""
        reviews = []
        for bid in self.bids:
            if bid in reject:
                reviews.append({"bid": bid.pk, "verdict": "reject", "ground": "non_responsive",
                                "reason": "Bill of quantities incomplete."})
            else:
                reviews.append({"bid": bid.pk, "verdict": "pass", "reason": (reasons or {}).get(bid, ""),
                                "scores": (scores or {}).get(bid, {})})
        return {"reviews": reviews}

    def sign(self, member, **sheet):
        return services.submit_sheet(self.call(member), self.tender.pk, self.sheet(**sheet))

    def sign_all(self, **sheet):
        for member in self.members:
            self.sign(member, **sheet)


ATTACHMENT = ("method statement.txt", b"Method statement: two crews, night work on the ring road.")


def _with_attachment(c):
    """The first bidder replaces its bid, before the deadline, by one with an attachment."""
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=2)):
        c.bids[0] = submit(c.bidders[0], c.tender, price=opening.PRICES[0],
                           attachments=[SimpleUploadedFile(*ATTACHMENT)]).bid


def evaluating(prices=None, representative=False, n_bids=None, step="closed", attachment=False, **tender_fields):
    """A tender with its opening run to `step` and a seated committee (closed: in evaluation, drawn by the
    experts app; before that, one expert seated directly)."""
    with _prices(prices):
        c = ceremony(n_bids=n_bids or len(prices or opening.PRICES[:3]), **tender_fields)
        if attachment:
            _with_attachment(c)
        run_to(c, step)
    c.tender.refresh_from_db()
    if step == "closed":
        official = make_user("entity", organisation=c.tender.project.entity) if representative else None
        committee = seated_committee(c.tender, representative=official)
        seated = [s.user for s in committee.seats.filter(status=SeatStatus.SEATED).order_by("draw_round", "id")]
    else:
        seated = seat_directly(c.tender)
    bids = list(c.bids)  # in the bidders' order: bids[i] is bidders[i]'s, at prices[i]
    for bid in bids:
        bid.refresh_from_db()
    return Evaluation(c, seated, bids)


def only_other(other, e):
    """A member of the other evaluation who does not also sit on e's committee (both draw from one pool)."""
    return next(m for m in other.members if m not in e.members)
