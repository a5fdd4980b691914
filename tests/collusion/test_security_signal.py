"""The account that actually paid the bid security is the "same account" signal of deemed collusion
(Implementing Regulations art. 40): two bidders whose security came from one account are found together."""
import pytest

from trading.collusion.adapters import DatabaseBids
from trading.collusion.engine.signals import shared_identities

from tests.deposits.builders import secured_reported

pytestmark = pytest.mark.django_db


def test_two_bidders_paying_security_from_one_account_share_an_identity():
    a = secured_reported(accounts={1: "6222 0210 9999 0001", 2: "6222 0210 9999 0001"})
    frame = DatabaseBids(tender_ids=[a.tender.pk]).frame
    paid = dict(zip(frame["bidder_id"], frame["security_account"]))
    assert len(set(paid.values())) == 3  # bidders 1 and 2 share one account; bidder 0 has its own
    found = shared_identities(frame)
    shared = found[(found["signal"] == "security_account") & (found["scope"] == "tender")]
    assert len(shared) == 1 and len(shared.iloc[0]["bidders"]) == 2
    names = {a.bids[1].bidder.name, a.bids[2].bidder.name}
    assert set(shared.iloc[0]["bidders"]) == names
