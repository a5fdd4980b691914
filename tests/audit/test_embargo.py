"""Who bid on a tender is secret until its opening, in the audit log too."""
from django.urls import reverse

from tests.bids.builders import submit
from tests.tenders.builders import published_tender
from trading.audit.models import AuditEntry
from trading.audit.selectors import verify_chain
from trading.tenders.models import Tender

from .tamper import tamper


def _log_page(client, user):
    client.force_login(user)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    return response.content.decode()


def test_bid_entries_stay_hidden_until_the_opening(client, contractor, supervisor, discipline):
    tender = published_tender()
    submit(contractor, tender)
    bidder = contractor.organisation.name
    assert AuditEntry.objects.filter(action="bids.submit", organisation_label=bidder).exists()

    for reader in (supervisor, discipline):
        page = _log_page(client, reader)
        assert "bids.submit" not in page and bidder not in page
        assert tender.reference in page  # the publication itself is public knowledge

    Tender.objects.filter(pk=tender.pk).update(opened_at=tender.deadline)
    page = _log_page(client, supervisor)
    assert "bids.submit" in page and bidder in page
    assert verify_chain() == []


def test_embargo_cannot_be_lifted_by_editing_the_entry(contractor):
    tender = published_tender()
    submit(contractor, tender)
    # An operator who clears the embargo column to reveal the bidder breaks the chain.
    tamper("UPDATE audit_auditentry SET embargo = '' WHERE action = 'bids.submit'")
    assert any("altered" in problem for problem in verify_chain())
