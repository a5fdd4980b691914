"""The demo's debarred firm (fixtures/credit.py) really is refused at submission, with the decision named."""
import pytest

from fixtures import credit as demo_credit
from tests.factories import make_organisation
from trading.bids.models import Bid
from trading.credit.selectors import active_debarment

pytestmark = pytest.mark.django_db


def test_the_demo_debars_a_market_firm_and_its_bid_is_refused(tender, supervisor):
    firm = make_organisation()
    lines = []
    demo_credit.debarred_firm_refused({"supervisor": supervisor}, lines.append)
    assert active_debarment(firm) is not None and not Bid.objects.exists()
    assert len(lines) == 1 and "was refused" in lines[0] and demo_credit.DECISION in lines[0]
