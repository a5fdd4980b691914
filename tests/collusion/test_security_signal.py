"""The account that actually paid the bid security is the "same account" signal of deemed collusion
(Implementing Regulations art. 40): two bidders whose security came from one account are found together."""
import pytest

from tests.deposits.builders import secured_reported
from trading.accounts.models import Organisation
from trading.collusion.adapters import DatabaseBids
from trading.collusion.engine.signals import shared_identities
from trading.deposits.models import SecurityPayment

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


def test_where_the_security_was_paid_the_declared_account_is_not_the_evidence():
    # Two bidders registered one account but paid their security from accounts of their own: the real payments
    # say nothing in common, so the declaration raises no "same account" finding in this tender.
    a = secured_reported(accounts={1: "6222 0210 7777 0001", 2: "6222 0210 7777 0002"})
    Organisation.objects.filter(pk__in=[a.bids[1].bidder_id, a.bids[2].bidder_id]).update(
        bank_account="6222 0000 1111 2222")
    frame = DatabaseBids(tender_ids=[a.tender.pk]).frame
    assert frame["bank_account"].isna().all()
    found = shared_identities(frame)
    assert found[found["signal"].isin(["bank_account", "security_account"])].empty


def test_without_security_received_the_declared_account_still_counts():
    a = secured_reported()
    SecurityPayment.objects.filter(tender=a.tender).delete()
    Organisation.objects.filter(pk__in=[a.bids[1].bidder_id, a.bids[2].bidder_id]).update(
        bank_account="6222 0000 1111 2222")
    found = shared_identities(DatabaseBids(tender_ids=[a.tender.pk]).frame)
    shared = found[(found["signal"] == "bank_account") & (found["scope"] == "tender")]
    assert len(shared) == 1 and len(shared.iloc[0]["bidders"]) == 2
