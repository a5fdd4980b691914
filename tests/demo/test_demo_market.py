"""The demo market in the database, loaded the way `make demo` loads it."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from fixtures import demo
from fixtures.experts import EXTRA_EXPERTS
from trading.accounts.models import HolderKey, Organisation, User
from trading.audit.models import AuditEntry
from trading.bids.models import Bid, BidStatus, Receipt
from trading.sealing import unlock_holder_key
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus

pytestmark = pytest.mark.django_db


def command(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def printed_logins(output):
    """(username, password, passphrase or None) from demo_logins' lines."""
    found = []
    for line in output.splitlines():
        match = re.search(r"\s(\S+)\s+(\S+)(?:\s+key passphrase: (\S+))?$", line)
        if match and "Demo logins" not in line and "More " not in line:
            found.append(match.groups())
    return found


def test_make_demo_steps_load_the_full_market_once_and_print_working_logins(client):
    command("migrate", "--no-input", "-v", "0")
    output = command("demo_market", "--if-empty")
    assert "Demo market loaded in" in output

    assert Organisation.objects.filter(kind="contractor").count() >= 200
    history = Tender.objects.filter(imported=True)
    assert history.count() >= 1000
    assert not history.exclude(status=TenderStatus.COMPLETE).exists()
    assert not history.filter(winner__isnull=True).exists()
    assert not history.annotate(n=Count("bids")).filter(n__lt=3).exists()
    assert Bid.objects.filter(tender__imported=True).exclude(status=BidStatus.OPENED).count() == 0
    assert not Bid.objects.filter(tender__imported=True, ip="").exists()
    assert not Bid.objects.filter(tender__imported=True, device_fingerprint="").exists()

    # live tenders in every state, made through the services (each left its audit trail)
    live = Tender.objects.filter(imported=False)
    assert set(live.values_list("status", flat=True)) == set(TenderStatus.values)
    assert AuditEntry.objects.filter(action="bids.submit").count() >= 10
    assert AuditEntry.objects.filter(action="opening.close").count() == 4
    sealed = Bid.objects.filter(tender__status=TenderStatus.PUBLISHED, status=BidStatus.ACTIVE)
    assert sealed.count() >= 3
    assert all(bid.sealed_content and bid.price is None for bid in sealed)
    # Nothing in the demo happened in the future: no bid arrived, and no receipt was signed, after the demo was made.
    made = timezone.now()
    assert not Bid.objects.filter(received_at__gt=made).exists()
    assert not Receipt.objects.filter(issued_at__gt=made).exists()
    assert Tender.objects.get(imported=False, status=TenderStatus.AWARDED).winner is not None
    # after the opening, the road runs through the committee, the report, the notice and the award
    awarded = Tender.objects.get(imported=False, status=TenderStatus.AWARDED)
    assert awarded.awards.get().amount == awarded.awarded_amount
    assert awarded.evaluation_reports.get().outcome == "ranked"
    candidates = Tender.objects.get(imported=False, status=TenderStatus.CANDIDATES)
    notice = candidates.candidate_notices.get()
    assert notice.closes_at > clock.now() and candidates.candidate_objections.filter(answered_at__isnull=True).exists()
    assert "Candidate notice" in client.get(f"/award/tender/{candidates.pk}/").content.decode()
    waiting = Tender.objects.get(imported=False, status=TenderStatus.EVALUATION)
    assert waiting.committee.seats.filter(user__username="expert", status="seated").exists()
    assert not waiting.evaluation_reports.exists()
    assert "expert12" in command("demo_logins")
    in_lots = Tender.objects.get(imported=False, lots__number=2)
    assert in_lots.status == TenderStatus.PUBLISHED
    assert sorted(in_lots.bids.filter(status=BidStatus.ACTIVE).values_list("lot__number", flat=True)) == [1, 1, 1, 2, 2]
    # one practice tender on the training procedure, labelled, with its deadline minutes away and three bids
    practice = Tender.objects.get(imported=False, procedure_type="training")
    assert practice.status == TenderStatus.PUBLISHED and practice.policy["training"]
    assert practice.bids.filter(status=BidStatus.ACTIVE).count() == 3
    assert "Demo / training procedure" in client.get(f"/tenders/{practice.pk}/").content.decode()

    # the cover-bidding pair shares a bank account, an IP address and a machine in the database
    shared = (Organisation.objects.exclude(bank_account="").values("bank_account").annotate(n=Count("id"))
              .filter(n__gt=1))
    assert [row["n"] for row in shared] == [2]
    pair = Organisation.objects.filter(bank_account=shared[0]["bank_account"])
    ips = [set(Bid.objects.filter(bidder=org).values_list("ip", flat=True)) for org in pair]
    devices = [set(Bid.objects.filter(bidder=org).values_list("device_fingerprint", flat=True)) for org in pair]
    assert ips[0] & ips[1] and devices[0] & devices[1]
    assert Tender.objects.filter(winner__in=pair).values("winner").distinct().count() == 1  # the cover never wins

    # demo_logins prints one login per role, and each of them works
    output = command("demo_logins")
    logins = printed_logins(output)
    assert {User.objects.get(username=username).role for username, _p, _k in logins} == {
        "contractor", "entity", "supervisor", "discipline", "expert", "admin"}
    for username, password, passphrase in logins:
        assert client.login(username=username, password=password), username
        client.logout()
        if passphrase:
            key = HolderKey.objects.get(user__username=username)
            assert len(unlock_holder_key(key.locked_private_key, passphrase)) == 32
    assert {username for username, _p, k in logins if k} == {"entity", "supervisor", "supervisor2"}
    assert User.objects.get(username="admin").is_staff

    # the second `make demo` changes nothing
    counts = (Organisation.objects.count(), Tender.objects.count(), Bid.objects.count(), User.objects.count(),
              AuditEntry.objects.count())
    command("migrate", "--no-input", "-v", "0")
    assert "not loaded again" in command("demo_market", "--if-empty")
    assert counts == (Organisation.objects.count(), Tender.objects.count(), Bid.objects.count(),
                      User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="already holds data"):
        command("demo_market")


def test_demo_logins_before_the_demo_says_what_to_do():
    assert "run `python manage.py demo_market` first" in command("demo_logins")


def test_the_demo_loads_whole_or_not_at_all(monkeypatch):
    def live_tenders_fail(*args, **kwargs):
        raise RuntimeError("a service refused")

    monkeypatch.setattr("fixtures.live.make_live_tenders", live_tenders_fail)
    with pytest.raises(RuntimeError):
        demo.load(seed=3, contractors=30, tenders=60)
    assert demo.database_is_empty()
    assert not Bid.objects.exists() and not AuditEntry.objects.exists()


def test_a_smaller_seeded_demo_for_quick_runs():
    loaded = demo.load(seed=5, contractors=30, tenders=60, live=False)
    assert (loaded.contractors, loaded.tenders) == (30, 60)
    assert Tender.objects.filter(imported=True).count() == 60
    assert User.objects.count() == len(demo.LOGINS) + len(demo.EXTRA_CONTRACTORS) + len(EXTRA_EXPERTS)
