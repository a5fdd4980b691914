"""A subcontract from the winner to a firm that bid against it in the same tender (how cover bidders are paid)
reaches the collusion report as a red flag that discipline staff read, in their language, beside the tender."""
import pytest

from tests.contracts.builders import awarded, call
from tests.factories import make_organisation
from trading.accounts.caller import Caller
from trading.collusion.models import Flag
from trading.collusion.services import run_report
from trading.contracts import services as contracts

pytestmark = pytest.mark.django_db
SENTENCE = "subcontracted work to"


def test_a_subcontract_to_a_losing_bidder_is_a_red_flag_of_the_report(client, discipline):
    w = awarded()
    contract = w.conclude()
    contracts.declare_subcontract(call(w.winner), contract.pk, make_organisation().credit_code, "Road markings",
                                  "9000.00")
    quiet = run_report(Caller.system())
    assert not quiet.flags.filter(kind="losing_bidder_subcontract").exists()

    loser = w.bidders[2].organisation
    contracts.declare_subcontract(call(w.winner), contract.pk, loser.credit_code, "Kerbs", "50000.00")
    report = run_report(Caller.system())
    flag = Flag.objects.get(report=report, kind="losing_bidder_subcontract")
    assert flag.band == "red" and flag.tenders == [w.tender.reference]
    assert set(flag.bidders) == {w.winner.organisation.name, loser.name}
    assert SENTENCE in flag.sentence and loser.name in flag.sentence
    assert report.summary["flags"] == report.flags.count()

    client.force_login(discipline)
    page = client.get(f"/collusion/flags/{flag.pk}/").content.decode()
    assert "Subcontract to a losing bidder" in page and loser.name in page
    tender_card = client.get(f"/collusion/tender/{w.tender.reference}/", follow=True).content.decode()
    assert SENTENCE in tender_card

