"""Awarded tenders for the contract room, and its steps through the real services.

    w = awarded()                 # fast: the award room's rows written directly (the award's own road is tested
                                  # in tests/award; `real_award()` walks it for the few tests that need it)
    c = w.conclude()              # at the award amount with the bid's project manager
    w.amend(c, price="1030000.00")
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_organisation, make_user
from tests.files import jpg
from tests.tenders.builders import published_tender
from trading.accounts.caller import Caller
from trading.accounts.roles import OrganisationKind
from trading.award.models import Award
from trading.bids.models import Bid, BidStatus
from trading.contracts import services
from trading.evaluation.models import Report
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.moves import move_tender

PRICES = ["980000.00", "1010000.50", "995500.00"]
MANAGERS = ["Li Na", "Zhao Lei", "Sun Mei"]
TERMS = dict(duration_days=240, scope="Resurfacing of the ring road, 3.2 km, with markings.", warranty_days=365,
             retention_amount="29400.00", subcontract_percent=20)


def document(name="supplementary agreement.txt", text=b"Supplementary agreement no. 1, signed by both parties."):
    return SimpleUploadedFile(name, text)


def photo(name="site.jpg"):
    return SimpleUploadedFile(name, jpg())


def call(user):
    return Caller(user=user, ip="203.0.113.30", user_agent="pytest")


@dataclass
class Awarded:
    tender: Tender
    entity: object
    bidders: list
    bids: list
    awards: list
    supervisor: object = field(default_factory=lambda: make_user("supervisor"))

    @property
    def award(self):
        return self.awards[0]

    @property
    def winner(self):
        return self.bidders[0]

    def conclude(self, award=None, **changes):
        award = award or self.award
        terms = dict(TERMS, price=str(award.amount), project_manager=award.bid.project_manager)
        terms.update(changes)
        return services.conclude_contract(call(self.entity), award.pk, **terms)

    def amend(self, contract, reason="Extra drainage found under the carriageway.", files=None, **changes):
        return services.amend_contract(call(self.entity), contract.pk, reason,
                                       files=[document()] if files is None else files, **changes)

    def check_in(self, contract, user=None, **kw):
        values = dict(latitude="26.074500", longitude="119.296500", photo=photo())
        values.update(kw)
        return services.record_attendance(call(user or self.winner), contract.pk, **values)

    def to_acceptance(self, contract):
        services.complete_works(call(self.entity), contract.pk, "Works finished.")
        return services.accept_works(call(self.entity), contract.pk, "Accepted by the acceptance committee.")


def awarded(prices=PRICES, managers=MANAGERS, entity=None, lots=0):
    """A tender awarded to the first of its bidders at its price (with `lots`, each lot awarded on its own: to the
    first bidder for lot 1, the second for lot 2...). The steps up to the award move the tender along the lifecycle
    directly; the bids, the report and the awards are written as the award room writes them."""
    entity = entity or make_user("entity")
    fields = {"lots": [{"title": f"Section {n}", "ceiling_price": "400000.00"} for n in range(1, lots + 1)]} \
        if lots else {}
    tender = published_tender(entity, deadline=clock.now() - dt.timedelta(minutes=1), **fields)
    caller = call(entity)
    for status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING, TenderStatus.EVALUATION,
                   TenderStatus.CANDIDATES):
        move_tender(caller, tender, status, "test step")
    now = clock.now()
    bidders, bids, awards = [], [], []
    sections = list(tender.lots.order_by("number")) or [None]
    for price, manager in zip(prices, managers):
        user = make_user("contractor", organisation=make_organisation(OrganisationKind.CONTRACTOR))
        bidders.append(user)
        for lot in sections:
            bids.append(Bid.objects.create(tender=tender, lot=lot, bidder=user.organisation, submitted_by=user,
                                           received_at=now, status=BidStatus.OPENED, price=Decimal(price),
                                           duration_days=240, project_manager=manager))
    report = Report.objects.create(tender=tender, outcome="ranked", body={"lots": []}, signature="0" * 128,
                                   platform_public_key="0" * 64, signed_at=now)
    for n, lot in enumerate(sections):
        bid = next(b for b in bids if b.lot == lot and b.bidder == bidders[n % len(bidders)].organisation)
        awards.append(Award.objects.create(tender=tender, lot=lot, report=report, bid=bid, winner=bid.bidder,
                                           amount=bid.price, rank=1, awarded_at=now, awarded_by=entity, body={},
                                           signature="0" * 128, platform_public_key="0" * 64))
        Bid.objects.filter(pk=bid.pk).update(is_winner=True)
    single = awards[0] if not lots else None
    Tender.objects.filter(pk=tender.pk).update(winner=single and single.winner,
                                               awarded_amount=sum(a.amount for a in awards))
    tender.refresh_from_db()
    move_tender(caller, tender, TenderStatus.AWARDED, "test step")
    return Awarded(tender=tender, entity=entity, bidders=bidders, bids=bids, awards=awards)
