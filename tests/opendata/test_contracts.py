"""The contract and its life in open data: the contract notice, amendments, milestones, completion and acceptance,
final accounts; payments and attendance are not public and stay out."""
import pytest
from rest_framework.test import APIClient

from tests.contracts.builders import awarded, call
from tests.opendata.ocds import assert_valid
from trading.contracts import services
from trading.opendata.build import ocid_of

pytestmark = pytest.mark.django_db


def latest(tender):
    """The compiled release, and the tag of the latest release."""
    response = APIClient().get(f"/api/ocds/records/{ocid_of(tender)}/")
    assert response.status_code == 200
    assert_valid("record-package", response.json())
    (record,) = response.json()["records"]
    return {**record["compiledRelease"], "tag": record["releases"][-1]["tag"]}


def test_the_contract_its_amendment_and_its_implementation(committed):
    with committed():
        w = awarded()
    with committed():
        contract = w.conclude()
    release = latest(w.tender)
    (row,) = release["contracts"]
    assert row["awardID"] == f"award-{w.award.pk}" and row["status"] == "active"
    assert row["value"]["amount"] == 980000.0 and release["tag"] == ["contract"]
    with committed():
        w.amend(contract, price="1030000.00")
        services.record_milestone(call(w.entity), contract.pk, "Base course laid")
        services.record_payment(call(w.entity), contract.pk, "300000.00", "PAY-SECRET-0001")
        w.to_acceptance(contract)
    release = latest(w.tender)
    (row,) = release["contracts"]
    assert row["value"]["amount"] == 1030000.0
    (amendment,) = row["amendments"]
    assert amendment["rationale"] == "Extra drainage found under the carriageway."
    assert "980000.00 -> 1030000.00" in amendment["description"]
    titles = [m["title"] for m in row["implementation"]["milestones"]]
    assert titles == ["Base course laid", "Works completed", "Works accepted"]
    assert release["tag"] == ["implementation"]
    assert "PAY-SECRET-0001" not in str(release) and "300000" not in str(release)
