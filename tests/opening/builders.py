"""A tender whose deadline has just passed, with sealed bids, ready for its opening ceremony."""
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from trading.accounts.caller import Caller
from trading.bids import content as bid_content
from trading.bids.models import Bid, BidStatus
from trading.bids.opening import services
from trading.bids.opening.models import OpeningEvent, OpeningSession
from trading.tenders import clock

from tests.bids.builders import CONTENT, HOLDER_PASSPHRASE, give_holder_key, submit
from tests.factories import make_user
from tests.tenders.builders import published_tender
from tests.files import pdf

PRICES = ["980000.00", "1010000.50", "995500.00", "1002000.00", "990000.00"]


@dataclass
class Ceremony:
    tender: object
    host: object
    supervisors: list
    bidders: list
    bids: list = field(default_factory=list)

    @property
    def holders(self):
        return [self.host, *self.supervisors]

    def call(self, user):
        return Caller(user=user, ip="203.0.113.9", user_agent="pytest")


def ceremony(n_bids=3, min_bids=3, threshold=2, is_public=True, deadline_ago=dt.timedelta(minutes=1),
             confirmation_minutes=30, **tender_fields):
    host = give_holder_key(make_user("entity"))
    supervisors = [give_holder_key(make_user("supervisor")), give_holder_key(make_user("supervisor"))]
    deadline = clock.now() - deadline_ago
    tender = published_tender(entity_user=host, holders=[host, *supervisors], deadline=deadline,
                              key_threshold=threshold, min_bids=min_bids, is_public=is_public,
                              confirmation_minutes=confirmation_minutes, ceiling_price=Decimal("1100000.00"),
                              **tender_fields)
    bidders = [make_user("contractor") for _ in range(n_bids)]
    bids = []
    with clock.frozen_at(deadline - dt.timedelta(minutes=5)):
        for i, user in enumerate(bidders):
            bids.append(submit(user, tender, price=PRICES[i % len(PRICES)], duration_days=150 + i,
                               project_manager=f"Manager {i}", ip=f"198.51.100.{i + 1}").bid)
    return Ceremony(tender, host, supervisors, bidders, bids)


LOT_CEILINGS = {1: Decimal("600000.00"), 2: Decimal("350000.00"), 3: Decimal("100000.00")}
LOT_TITLES = {1: "Carriageway resurfacing", 2: "Street lighting", 3: "Drainage"}


def lot_ceremony(per_lot, min_bids=3, **options):
    """A tender in lots 1..max(per_lot) whose deadline just passed; `per_lot` {lot number: bids} from shared bidders.

    Bidder i bids for every lot that takes more than i bids, the higher lot first, so the bids of the
    lots arrive interleaved in time (the opening still announces them lot by lot).
    """
    lots = [{"title": LOT_TITLES[n], "ceiling_price": str(LOT_CEILINGS[n])} for n in range(1, max(per_lot) + 1)]
    c = ceremony(n_bids=0, min_bids=min_bids, lots=lots, **options)
    c.bidders = [make_user("contractor") for _ in range(max(per_lot.values()))]
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=5)):
        for i, user in enumerate(c.bidders):
            for number in sorted(per_lot, reverse=True):
                if i < per_lot[number]:
                    c.bids.append(submit(user, c.tender, lot=number, price=str(LOT_CEILINGS[number] - 10000 * (i + 1)),
                                         project_manager=f"Manager {i}", ip=f"198.51.100.{i + 1}").bid)
    return c


def submit_sealed_as_is(c, index, ciphertext):
    """Bidder `index` submits a new version whose sealed content is `ciphertext`, exactly as its own client
    sealed it: the receipt and the audit log name these bytes (what a client that seals for itself can send)."""
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)), \
            mock.patch("trading.bids.content.seal_content", return_value=ciphertext):
        c.bids[index] = submit(c.bidders[index], c.tender, ip=f"198.51.100.{index + 1}").bid
    return c.bids[index]


PDF = pdf()


def sha(data):
    return hashlib.sha256(bytes(data)).hexdigest()


def planted_bid(c, price="1.00"):
    """Another perfectly valid sealing to the same tender key, as anyone may make: sealing needs no secret."""
    return bid_content.seal_content(bytes(c.tender.key.public_key), {**CONTENT, "price": price})


def with_attachment(c, index):
    """Bidder `index` replaces its bid with one carrying a PDF attachment."""
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)):
        c.bids[index] = submit(c.bidders[index], c.tender, attachments=[SimpleUploadedFile("plan.pdf", PDF)],
                               price=PRICES[index % len(PRICES)], ip=f"198.51.100.{index + 1}").bid
    return c.bids[index]


def events(c, kind):
    return list(OpeningEvent.objects.filter(tender=c.tender, kind=kind).order_by("seq"))


def run_to(c, step):
    """Drive the ceremony through the services up to `step` (a state name)."""
    t = c.tender.pk
    if not OpeningSession.objects.filter(tender=c.tender).exclude(state="waiting").exists():
        services.open_room(c.call(c.host), t)  # unless the test opened the room itself
    if step == "room_open":
        return
    for user in c.bidders:
        services.sign_in(c.call(user), t)
    if step == "signing_in":
        return
    services.present_share(c.call(c.host), t, HOLDER_PASSPHRASE)
    if step == "decrypting":
        return
    services.present_share(c.call(c.supervisors[0]), t, HOLDER_PASSPHRASE)
    if step == "announcing":
        return
    # Every opened bid, then the ceiling (bids of a lot that failed at the opening are not opened).
    for _ in range(Bid.objects.filter(tender=c.tender, status=BidStatus.OPENED).count() + 1):
        services.announce_next(c.call(c.host), t)
    if step == "confirming":
        return
    for user in c.bidders:
        services.confirm(c.call(user), t)
    services.close_opening(c.call(c.host), t)
