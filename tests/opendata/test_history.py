"""Imported history (written in bulk, so no after-commit publication) is published by `opendata_publish`, with
its winning bids as awards."""
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import make_user
from tests.opendata.ocds import assert_valid
from trading.accounts.caller import Caller
from trading.history.importer import import_bid_file
from trading.opendata.build import ocid_of
from trading.opendata.models import Release
from trading.tenders.models import Tender

pytestmark = pytest.mark.django_db

HISTORY = """tender_id,bidder_id,amount,date,is_winner,reserve_price
T1,acme,1000000.00,2024-03-05,1,1200000
T1,bolt,1040000.50,2024-03-05,0,1200000
T1,crane,1090000,2024-03-05,0,1200000
"""


def test_imported_history_is_published_by_the_command_with_its_winner(tmp_path):
    path = tmp_path / "bids.csv"
    path.write_text(HISTORY)
    import_bid_file(Caller(user=make_user("admin"), ip="127.0.0.1"), str(path))
    assert not Release.objects.exists()
    call_command("opendata_publish", "--new-only")  # as make demo runs it after loading the history
    tender = Tender.objects.get()
    package = APIClient().get(f"/api/ocds/records/{ocid_of(tender)}/").json()
    assert_valid("record-package", package)
    release = package["records"][0]["compiledRelease"]
    (award,) = release["awards"]
    assert award["value"]["amount"] == 1000000.0 and award["status"] == "active"
    assert sorted(d["value"]["amount"] for d in release["bids"]["details"]) == [1000000.0, 1040000.5, 1090000.0]
    call_command("opendata_publish")
    assert Release.objects.count() == 1
