"""The opening marks every announced bid whose bid security the tender asks for and no one confirmed: in the
announcement, the signed record, its page and its PDF. A bid with confirmed security, and every bid of a tender
that asks for none, carries no mark."""
import datetime as dt
from unittest import mock

import pytest
from reportlab.platypus import Paragraph

from tests.factories import make_user
from tests.opening.builders import ceremony, events, run_to
from trading.bids.opening import record as opening_record_module
from trading.bids.opening.models import OpeningRecord
from trading.bids.opening.record import render_pdf, verify_record
from trading.tenders import clock

from .builders import confirm, declare

pytestmark = pytest.mark.django_db
MARK = "Bid security not confirmed"


def paid_one_declared_one_silent():
    """Three bidders on a tender asking 20 000.00: the first paid (confirmed by finance), the second only declared
    a payment nobody confirmed, the third did nothing."""
    c = ceremony(n_bids=3)
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)):
        confirm(declare(c.bidders[0], c.tender, reference="BS-PAID"), finance=make_user("finance"))
        declare(c.bidders[1], c.tender, reference="BS-DECLARED")
    return c


def by_bidder(rows, c):
    names = {user.organisation.name: i for i, user in enumerate(c.bidders)}
    return {names[row["bidder"]]: row for row in rows}


def test_each_announced_bid_without_confirmed_security_is_marked_and_the_paid_one_is_not():
    c = paid_one_declared_one_silent()
    run_to(c, "closed")
    announced = by_bidder([e.payload for e in events(c, "bid_announced")], c)
    assert "marks" not in announced[0] and announced[0]["security_reference"] == "BG-2026-0001"
    for i in (1, 2):
        assert announced[i]["marks"] == ["security_not_confirmed"]
        assert announced[i]["mark_labels"] == [MARK]
        assert announced[i]["security_reference"] == "BG-2026-0001"  # as sealed: the verifier compares it

    record = OpeningRecord.objects.get(tender=c.tender)
    assert verify_record(record.body, record.signature, record.platform_public_key)
    signed = by_bidder(record.body["bids"], c)
    assert [signed[i]["marks"] for i in range(3)] == [[], ["security_not_confirmed"], ["security_not_confirmed"]]
    assert signed[1]["security_reference"] == "BG-2026-0001"  # the signed body keeps the bidder's own words


def test_the_record_page_and_its_pdf_show_the_mark_beside_the_unsecured_bids(client):
    c = paid_one_declared_one_silent()
    run_to(c, "closed")
    page = client.get(f"/opening/{c.tender.pk}/record/").content.decode()
    assert page.count(MARK) == 2

    record = OpeningRecord.objects.get(tender=c.tender)
    with mock.patch.object(opening_record_module, "Paragraph", wraps=Paragraph) as paragraph:
        assert render_pdf(record.body).startswith(b"%PDF")
    texts = [str(call.args[0]) for call in paragraph.call_args_list]
    assert sum(MARK in text for text in texts) == 2


def test_a_tender_asking_no_security_marks_no_bid():
    c = ceremony(n_bids=3, bid_security_amount=0)
    run_to(c, "closed")
    assert all("marks" not in e.payload for e in events(c, "bid_announced"))
    assert all(row["marks"] == [] for row in OpeningRecord.objects.get(tender=c.tender).body["bids"])

