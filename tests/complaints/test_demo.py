"""The demo market holds one complaint upheld, made through the services, public with its decision notice."""
import pytest

from fixtures import demo
from trading.complaints.models import Complaint
from trading.credit.models import CreditEntry

pytestmark = pytest.mark.django_db


def test_the_demo_market_has_an_upheld_complaint_on_the_winners_record(client):
    demo.load(seed=3, contractors=30, tenders=60)
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.decision, complaint.remedy) == ("decided", "upheld", "finding")
    assert complaint.against == complaint.tender.awards.get(revoked_at__isnull=True).winner
    assert complaint.accepted_at <= complaint.acceptance_due and complaint.decided_at <= complaint.decision_due
    assert CreditEntry.objects.get(kind="complaint_upheld").source == f"complaints.Complaint:{complaint.pk}"
    notice = client.get(f"/complaints/decision/{complaint.pk}/").content.decode()
    assert "Upheld" in notice and complaint.against.name in notice
    assert "Upheld" in client.get("/complaints/").content.decode()
