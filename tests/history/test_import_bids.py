from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from trading.accounts.caller import Caller
from trading.accounts.credit_code import is_valid
from trading.accounts.models import Organisation
from trading.audit.models import AuditEntry
from trading.bids.models import Bid
from trading.history.importer import import_bid_file
from trading.tenders.models import Project, Tender
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
HEADER = "tender_id,bidder_id,amount,date,is_winner,reserve_price"
BRAZIL_MAP = ["--map", "tender_id=Tender", "--map", "bidder_id=Competitors", "--map", "amount=Bid_value",
              "--map", "date=Date", "--map", "is_winner=Winner", "--map", "reserve_price=Pre-Tender Estimate (PTE)"]

GOOD = f"""{HEADER},ip,device,bank_account,project_manager,buyer_id,disqualified
T1,acme,1000000.00,2024-03-05,1,1200000,10.0.0.1,dev-a,6222-111,Wang Lei,city-water,0
T1,bolt,1040000.50,2024-03-05,0,1200000,10.0.0.2,dev-b,6222-222,Li Na,city-water,0
T1,crane,990000,2024-03-05,0,1200000,10.0.0.3,dev-c,,Zhou Yi,city-water,1
T2,bolt,500000,2024-04-10,,,10.0.0.2,dev-b,,Li Na,,
T2,crane,480000,2024-04-10,,,10.0.0.9,dev-c,,Zhou Yi,,
"""


def write(tmp_path, text, name="bids.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run(path, *args):
    out = StringIO()
    call_command("import_bids", path, *args, stdout=out)
    return out.getvalue()


def assert_nothing_imported():
    assert not Tender.objects.exists() and not Bid.objects.exists() and not Project.objects.exists()
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


def test_a_good_file_becomes_completed_tenders_with_opened_bids_and_winners(tmp_path):
    output = run(write(tmp_path, GOOD))
    assert "Imported 2 tenders with 5 opened bids (5 new organisations)" in output
    t1 = Tender.objects.get(reference="H-T1")
    assert (t1.status, t1.imported, t1.ceiling_price) == ("complete", True, Decimal("1200000.00"))
    assert timezone.localtime(t1.opened_at).date() == date(2024, 3, 5)
    assert t1.winner.external_ref == "acme" and t1.awarded_amount == Decimal("1000000.00")
    assert t1.project.entity.external_ref == "city-water" and t1.project.entity.kind == "entity"
    bids = {b.bidder.external_ref: b for b in t1.bids.all()}
    assert {b.status for b in bids.values()} == {"opened"}
    assert bids["bolt"].price == Decimal("1040000.50") and not bids["bolt"].sealed_content
    assert (bids["bolt"].ip, bids["bolt"].device_fingerprint, bids["bolt"].project_manager) == (
        "10.0.0.2", "dev-b", "Li Na")
    assert bids["crane"].disqualified and not bids["crane"].is_winner
    acme = Organisation.objects.get(external_ref="acme")
    assert acme.kind == "contractor" and acme.bank_account == "6222-111" and is_valid(acme.credit_code)
    # without a flagged winner the lowest valid bid wins; without a reserve the highest bid is the ceiling
    t2 = Tender.objects.get(reference="H-T2")
    assert t2.winner.external_ref == "crane" and t2.ceiling_price == Decimal("500000.00")
    assert t2.project.entity.name == "Buyer in imported history"
    entry = AuditEntry.objects.get(action="history.import")
    assert entry.summary["tenders"] == 2 and entry.summary["bids"] == 5


def test_known_bidders_are_reused_across_files(tmp_path):
    run(write(tmp_path, GOOD))
    run(write(tmp_path, f"{HEADER}\nT9,acme,10,2024-05-01,1,\nT9,dingo,11,2024-05-01,0,\n", "more.csv"))
    assert Organisation.objects.filter(external_ref="acme").count() == 1
    assert Tender.objects.get(reference="H-T9").winner.external_ref == "acme"
    assert len(set(Organisation.objects.values_list("credit_code", flat=True))) == Organisation.objects.count()


def test_a_foreign_file_is_read_through_the_column_mapping(tmp_path):
    output = run(str(DATA / "brazil_layout.csv"), *BRAZIL_MAP, "--prefix", "BR-")
    assert "Imported 2 tenders with 7 opened bids" in output
    tender = Tender.objects.get(reference="BR-2")
    assert tender.winner.external_ref == "1" and tender.ceiling_price == Decimal("104705330.31")
    assert timezone.localtime(tender.opened_at).date() == date(2009, 1, 20)  # Unix seconds, guessed
    assert Organisation.objects.get(external_ref="216").bids.count() == 2  # met in both tenders


@pytest.mark.parametrize("text, message", [
    ("", "file: empty file"),
    (HEADER + "\n", "empty file (no data rows)"),
    ("tender_id,bidder_id,date\nT1,acme,2024-01-01\n", "column 'amount': required column is missing"),
    (f"{HEADER}\nT1,acme,100,2024-01-01,1,\nT1,bolt,lots,2024-01-01,0,\n",
     "row 2 (line 3), column 'amount': not a finite number: 'lots'"),
    (f"{HEADER}\nT1,acme,100,2024-01-01,1,\nT1,bolt,-5,2024-01-01,0,\n", "row 2 (line 3), column 'amount': must not be negative"),
    (f"{HEADER}\nT1,acme,100,2024-13-01,1,\n", "row 1 (line 2), column 'date': bad date"),
    (f"{HEADER}\nT1,acme,100,2024-01-01,maybe,\n", "row 1 (line 2), column 'is_winner': expected 0/1"),
    (f"{HEADER}\nT1,acme,100,2024-01-01,1,\nT1,,90,2024-01-01,0,\n", "row 2 (line 3), column 'bidder_id': value is missing"),
    (f"{HEADER}\nT1,acme,1e15,2024-01-01,1,\n", "row 1 (line 2), column 'amount': larger than"),
])
def test_a_file_with_a_bad_row_imports_nothing_and_says_where(tmp_path, text, message):
    # where a good row comes before the bad one, it is not kept either
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, text))
    line = str(caught.value)
    assert message in line and "nothing was imported" in line and "\n" not in line
    assert_nothing_imported()


def test_a_mapped_column_that_is_absent_is_named_as_the_file_calls_it(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(str(DATA / "brazil_layout.csv"), "--map", "tender_id=Tender", "--map", "amount=Bid_Value")
    assert "Bid_Value" in str(caught.value)
    assert_nothing_imported()


def test_importing_the_same_tenders_twice_is_refused_and_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    counts = (Tender.objects.count(), Bid.objects.count(), Organisation.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="row 1 .*tender_id.*imported before"):
        run(path)
    assert counts == (Tender.objects.count(), Bid.objects.count(), Organisation.objects.count(),
                      AuditEntry.objects.count())


def test_a_missing_file_or_bad_mapping_is_one_clear_line(tmp_path):
    with pytest.raises(CommandError, match="nothing was imported"):
        run(str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="unknown field 'price'"):
        run(write(tmp_path, GOOD), "--map", "price=Bid_value")
    assert_nothing_imported()


@pytest.mark.parametrize("role", ["contractor", "entity", "supervisor", "discipline", "expert", "admin"])
def test_only_administrators_import_history_through_the_service(tmp_path, role):
    user = make_user(role)
    path = write(tmp_path, GOOD)
    if role == "admin":
        assert import_bid_file(Caller(user=user), path).tenders == 2
    else:
        with pytest.raises(PermissionDenied):
            import_bid_file(Caller(user=user), path)
        assert not Tender.objects.exists()
