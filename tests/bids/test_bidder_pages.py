"""What a bidder meets on My bids, the bid form and the receipts once things change: a withdrawal asks first,
nothing is offered on a tender whose bidding closed (and asking anyway is refused with the reason), and a receipt
whose bid was replaced says so and points to the receipt that replaced it."""
import json

import pytest
from django.urls import reverse

from tests.bids.builders import after_deadline, submit
from tests.tenders.builders import published_tender
from trading.bids.models import Bid, BidStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(entity_user, supervisor):
    return published_tender(entity_user=entity_user, holders=[entity_user, supervisor], title="Canal dredging")


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_withdrawing_asks_first(client, contractor, tender):
    bid = submit(contractor, tender).bid
    client.force_login(contractor)
    mine = page(client.get(reverse("bids:my_bids")))
    withdraw_url = reverse("bids:withdraw", args=[bid.pk])
    # My bids links to the question; it holds no form that withdraws in one click.
    assert f'href="{withdraw_url}"' in mine and f'action="{withdraw_url}"' not in mine
    question = page(client.get(withdraw_url))
    assert "Withdraw your bid?" in question and "cannot be restored" in question
    assert f'action="{withdraw_url}"' in question and "No, keep my bid" in question
    bid.refresh_from_db()
    assert bid.status == BidStatus.ACTIVE  # asking withdrew nothing
    done = client.post(withdraw_url, follow=True)
    assert "Your bid was withdrawn." in page(done)
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN


def test_nothing_is_offered_after_the_deadline_and_asking_is_refused(client, contractor, tender):
    bid = submit(contractor, tender).bid
    client.force_login(contractor)
    with after_deadline(tender):
        mine = page(client.get(reverse("bids:my_bids")))
        assert "Bidding closed at" in mine
        assert reverse("bids:withdraw", args=[bid.pk]) not in mine
        assert f'href="{reverse("bids:submit", args=[tender.pk])}' not in mine
        form = page(client.get(reverse("bids:submit", args=[tender.pk])))
        assert 'id="bidding-closed"' in form and 'id="bid-form"' not in form and "Bidding closed at" in form
        for method in (client.get, client.post):
            refused = page(method(reverse("bids:withdraw", args=[bid.pk]), follow=True))
            assert "Bidding closed at" in refused and "bids can no longer be submitted, replaced or withdrawn" in refused
    bid.refresh_from_db()
    assert bid.status == BidStatus.ACTIVE


def test_a_superseded_receipt_says_so(client, contractor, tender):
    first = submit(contractor, tender, client_key="first").bid
    second = submit(contractor, tender, client_key="second", price="990000.00").bid
    first.refresh_from_db()
    assert first.status == BidStatus.REPLACED and second.version == first.version + 1
    client.force_login(contractor)
    shown = page(client.get(reverse("bids:receipt", args=[first.pk])))
    assert 'id="superseded"' in shown and f"replaced by version {second.version}" in shown
    assert reverse("bids:receipt", args=[second.pk]) in shown
    assert 'id="superseded"' not in page(client.get(reverse("bids:receipt", args=[second.pk])))
    mine = page(client.get(reverse("bids:my_bids")))
    assert "superseded" in mine

    document = json.dumps(Bid.objects.get(pk=first.pk).receipt.document())
    verdict = page(client.post(reverse("bids:verify_receipt"), {"receipt_text": document}))
    assert "Valid: receipt" in verdict and f"Superseded: the bid it names was replaced by version {second.version}" in verdict
    assert f"(receipt #{second.receipt.seq})" in verdict
    latest = json.dumps(Bid.objects.get(pk=second.pk).receipt.document())
    assert "Superseded" not in page(client.post(reverse("bids:verify_receipt"), {"receipt_text": latest}))
