"""The demo market, built as `make demo` builds it, tells the four after-award stories of issue 11: a complaint
upheld, a contract amended beyond the threshold, a project manager who skipped the site, a debarred firm refused
at submission. Each is made through the services, so each shows where a user looks for it."""
import pytest

from fixtures import credit as demo_credit
from fixtures import demo
from trading.accounts.models import User
from trading.bids.models import Bid
from trading.complaints.models import Complaint
from trading.contracts.models import Contract
from trading.contracts.selectors import cumulative_price_change
from trading.credit.selectors import active_debarment
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint
from trading.tenders.selectors import tender_policy

pytestmark = pytest.mark.django_db


def flagged(code):
    """The contracts whose tender shows this checkpoint red (now, or earlier in its life)."""
    return [c for c in Contract.objects.select_related("tender")
            if Checkpoint.objects.filter(tender=c.tender, code=code, state="red").exists()
            or Checkpoint.objects.filter(tender=c.tender, code=code, was_red=True).exists()]


def test_the_demo_market_tells_the_four_after_award_stories(client):
    lines = []
    demo.load(seed=3, contractors=30, tenders=60, log=lines.append)
    for contract in Contract.objects.select_related("tender"):
        refresh_checkpoints(contract.tender)

    # A complaint upheld, with its public decision notice.
    complaint = Complaint.objects.get(decision="upheld")
    assert "Upheld" in client.get(f"/complaints/decision/{complaint.pk}/").content.decode()

    # A contract amended beyond the policy's share of its price: red to the supervisor.
    [amended] = flagged("amendment_price")
    limit = tender_policy(amended.tender).thresholds["amendment_price_percent"]
    assert cumulative_price_change(amended) * 100 > limit * amended.tender.awarded_amount

    # A project manager who skipped the site: recorded absent, the attendance red.
    [skipped] = flagged("manager_attendance")
    assert skipped.attendance.filter(present=False).exists() and skipped != amended

    # A debarred firm whose bid was refused at submission, with the decision named.
    firm = User.objects.get(username="debarred").organisation
    assert active_debarment(firm) is not None
    assert not Bid.objects.filter(bidder=firm, tender__imported=False).exists()  # its market history stays
    [refused] = [line for line in lines if "was refused" in line]
    assert demo_credit.DECISION in refused and firm.name in refused
