"""A small known market for the statistics, built through the real services, whose figures are computed by hand in
the tests.

    m = market()
    T1  entity A, works, ceiling 1,100,000.00: three bids opened (980,000.00 / 1,010,000.50 / 995,500.00), the
        committee's report, the candidate notice, awarded to 980,000.00 thirty days after publication, the contract
        concluded forty days after publication.
    T2  entity A, works, ceiling 500,000.00: one bid, bidding closed, failed.
    H1  imported history, buyer "B1": bids 450,000 (winner) and 480,000, reserve 500,000.
    H2  imported history, buyer "B1": one bid 300,000 (winner), reserve 300,000.
    Small projects of entity A: works 1,900,000 (day 0, direct) and 2,300,000 (day 30, invited): 4,200,000 within
    the window, over the 4,000,000 threshold; works 1,000,000 (day 200, open call for quotations); goods 500,000
    (day 10, single source).
"""
import datetime as dt
from dataclasses import dataclass

from tests.award.builders import reported
from tests.bids.builders import submit
from tests.contracts.builders import TERMS, call
from tests.factories import make_user
from tests.tenders.builders import published_tender
from trading.accounts.caller import Caller
from trading.contracts import services as contract_services
from trading.history.importer import import_bid_file
from trading.publication import services
from trading.tenders import clock
from trading.tenders.models import TenderStatus
from trading.tenders.moves import move_tender

DAY = dt.timedelta(days=1)
HISTORY = """tender_id,bidder_id,amount,date,is_winner,reserve_price,buyer_id
1,F1,450000,2024-03-01,1,500000,B1
1,F2,480000,2024-03-01,0,500000,B1
2,F3,300000,2024-05-10,1,300000,B1
"""
DECIDED = dt.date(2026, 1, 5)


@dataclass
class Market:
    entity: object  # an official of entity A
    t1: object
    t2: object
    contract: object
    small: list


def small(entity_user, name, project_type, amount, method, day):
    return services.file_small_project(
        Caller(user=entity_user, ip="203.0.113.40"), name=name, project_type=project_type, amount=amount,
        method=method, decision_reference=f"Office meeting {day}", decision_date=DECIDED + dt.timedelta(days=day),
        decision_body="Director's office meeting", supplier="Local Supplier Co.")


def history(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HISTORY)
    import_bid_file(Caller.system(), path, prefix="HIST-", operator=True)


def market(tmp_path):
    a = reported(prices=["980000.00", "1010000.50", "995500.00"])
    a.publish()
    published = a.tender.published_at
    with clock.frozen_at(published + 30 * DAY):
        award = a.award(a.bids[0])
    with clock.frozen_at(published + 40 * DAY):
        contract = contract_services.conclude_contract(
            call(a.entity), award.pk, **dict(TERMS, price=str(award.amount), project_manager=a.bids[0].project_manager))
    t2 = published_tender(a.entity, deadline=clock.now() - dt.timedelta(minutes=1), ceiling_price="500000.00",
                          bid_security_amount="10000.00")
    with clock.frozen_at(t2.deadline - dt.timedelta(minutes=5)):
        submit(make_user("contractor"), t2, price="450000.00")
    move_tender(Caller.system(), t2, TenderStatus.BIDDING_CLOSED, "deadline passed")
    move_tender(Caller.system(), t2, TenderStatus.FAILED, "fewer bids than the minimum")
    history(tmp_path)
    smalls = [small(a.entity, "Roof repair of the school", "works", "1900000.00", "direct", 0),
              small(a.entity, "Repainting of the school", "works", "2300000.00", "invited", 30),
              small(a.entity, "Footpath of the park", "works", "1000000.00", "open_quotation", 200),
              small(a.entity, "Office furniture", "goods", "500000.00", "single_source", 10)]
    return Market(a.entity, a.tender, t2, contract, smalls)
