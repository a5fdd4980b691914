"""A database writer swaps a sealed bid or an attachment; the opening must notice before it announces anything.

Sealing needs only the tender's public key, so anyone who can write the database or the media store can put
another valid bid in place of a bidder's. What they cannot make is the platform's signature on the receipt.
"""
import datetime as dt
import json
from pathlib import Path

import pytest

from trading.audit.models import AuditEntry
from trading.bids import content as bid_content
from trading.bids import receipts
from trading.bids.models import Bid, BidAttachment, BidStatus
from trading.bids.opening import selectors
from trading.bids.opening.models import Audience, OpeningEvent, OpeningRecord
from trading.tenders import clock

from tests.bids.builders import submit
from tests.opening.builders import ceremony, events, planted_bid, run_to, sha, with_attachment
from tests.files import pdf

pytestmark = pytest.mark.django_db


def test_a_bid_swapped_in_the_database_is_not_announced_but_alarmed_and_recorded_with_its_reason():
    c = ceremony(n_bids=4)
    victim = c.bids[1]
    planted = planted_bid(c)
    # The writer covers its tracks in the digest column too; the bidder's receipt still verifies.
    Bid.objects.filter(pk=victim.pk).update(sealed_content=planted, content_digest=sha(planted))
    assert receipts.check_against_platform(json.dumps(victim.receipt.document()))[1] == []

    run_to(c, "closed")
    announced = [e.payload for e in events(c, "bid_announced")]
    assert all(a["price"] != "1.00" for a in announced)
    assert len(announced) == 3 and victim.bidder_id not in {a["bidder_id"] for a in announced}
    victim.refresh_from_db()
    assert victim.status == BidStatus.INVALID and victim.price is None
    assert "signed receipt" in victim.opening_note and "audit log" in victim.opening_note
    assert not any("1.00" == str(e.payload.get("price")) for e in OpeningEvent.objects.filter(tender=c.tender))
    rejected = events(c, "bid_rejected")
    assert [(e.payload["bidder_id"], e.payload["status"], e.audience) for e in rejected] == \
        [(victim.bidder_id, "invalid", Audience.PUBLIC)]

    # The supervisors' alarm: in the hall for officials only, and in the log as the opening's alarm.
    [alarm] = events(c, "integrity_alarm")
    assert alarm.audience == Audience.OFFICIALS and alarm.payload["bid_id"] == victim.pk
    assert any("signed receipt" in reason for reason in alarm.payload["reasons"])
    official = selectors.events_after(c.tender.pk, {"kind": "official"})
    public = selectors.events_after(c.tender.pk, {"kind": "public"})
    assert "integrity_alarm" in {e["kind"] for e in official} and "integrity_alarm" not in {e["kind"] for e in public}
    entry = AuditEntry.objects.get(action="opening.alarm")
    assert entry.summary["cause"] == "sealed_bid_mismatch" and entry.summary["bid"] == victim.pk

    # The signed record says what was found and why, with the receipt that proves it.
    opening_record = OpeningRecord.objects.get(tender=c.tender)
    [row] = [r for r in opening_record.body["bids"] if r["bid_id"] == victim.pk]
    assert row["status"] == "invalid" and row["price"] is None and "signed receipt" in row["note"]
    assert row["ciphertext_sha256"] == sha(planted) != row["receipt"]["payload"]["ciphertext_sha256"]
    assert "integrity_alarm" in [s["kind"] for s in opening_record.body["steps"]]


def test_an_attachment_swapped_in_storage_is_caught_and_its_bid_is_not_announced():
    c = ceremony(n_bids=4)
    victim = with_attachment(c, 0)
    attachment = victim.attachments.get()
    planted = bid_content.seal_attachment(bytes(c.tender.key.public_key),
                                          bid_content.Attachment("plan.pdf", pdf("another plan")))
    Path(attachment.sealed_file.path).write_bytes(planted)
    BidAttachment.objects.filter(pk=attachment.pk).update(digest=sha(planted), size=len(planted))

    run_to(c, "announcing")
    assert victim.bidder_id not in {e.payload["bidder_id"] for e in events(c, "bid_decrypted")}
    assert Bid.objects.filter(tender=c.tender, status=BidStatus.OPENED).count() == 3
    victim.refresh_from_db()
    assert victim.status == BidStatus.INVALID and "Attachment 1" in victim.opening_note
    assert [e.payload["bidder_id"] for e in events(c, "integrity_alarm")] == [victim.bidder_id]
    assert AuditEntry.objects.filter(action="opening.alarm", summary__bid=victim.pk).exists()


def test_a_withdrawn_bid_brought_back_in_the_database_is_not_opened():
    c = ceremony(n_bids=4)
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)):
        c.bids[3] = submit(c.bidders[3], c.tender, price="999999.00", ip="198.51.100.4").bid
    older = Bid.objects.get(bidder=c.bids[3].bidder, tender=c.tender, version=1)
    # The writer puts the first version back in place of the bidder's last word; both receipts are genuine.
    Bid.objects.filter(pk=c.bids[3].pk).update(status=BidStatus.REPLACED)
    Bid.objects.filter(pk=older.pk).update(status=BidStatus.ACTIVE)

    run_to(c, "announcing")
    assert older.bidder_id not in {e.payload["bidder_id"] for e in events(c, "bid_decrypted")}
    older.refresh_from_db()
    assert older.status == BidStatus.INVALID and "replaced or withdrawn" in older.opening_note


