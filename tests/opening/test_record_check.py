"""After the opening: the record carries what anyone needs to check it, and the standalone verifier checks it."""
import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from trading import platform_key, sealing
from trading.audit import checkpoints
from trading.audit.models import AuditEntry
from trading.bids.models import Bid
from trading.bids.opening.models import OpeningRecord
from trading.tenders.rules import when_iso

from tests.opening.builders import ceremony, lot_ceremony, planted_bid, run_to, sha, with_attachment

pytestmark = pytest.mark.django_db

VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_opening.py"


def bundle_of(c, client=None):
    response = (client or Client()).get(reverse("opening:record_bundle", args=[c.tender.pk]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def run_verifier(tmp_path, bundle, key=None):
    """The verifier as an outsider runs it: its own process, no project on the path, and Django unimportable."""
    path = tmp_path / "record.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    code = ("import sys, runpy; sys.modules['django'] = None; "
            f"sys.argv = ['verify_opening.py', {str(path)!r}, '--platform-key', {key or platform_key.public_key()!r}]; "
            f"runpy.run_path({str(VERIFIER)!r}, run_name='__main__')")
    return subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)


def test_the_record_publishes_digests_receipts_ciphertexts_and_a_signed_audit_checkpoint():
    c = ceremony(n_bids=3)
    with_attachment(c, 2)
    client = Client()
    assert client.get(reverse("opening:record_bundle", args=[c.tender.pk])).status_code == 404  # not yet
    run_to(c, "closed")
    opening_record = OpeningRecord.objects.get(tender=c.tender)
    body = opening_record.body

    page = client.get(reverse("realtime:record", args=[c.tender.pk])).content.decode()
    assert reverse("opening:record_bundle", args=[c.tender.pk]) in page  # the record page offers it
    # Its moments in the platform's zone to the minute, as the PDF shows them, not the signed body's UTC ISO text.
    assert body["opened_at"] not in page and when_iso(body["opened_at"]) in page
    bundle = bundle_of(c, client)
    assert bundle["body"] == body and bundle["signature"] == opening_record.signature
    assert platform_key.verify(bundle["body"], bundle["signature"], platform_key.public_key())
    for row in body["bids"]:
        bid = Bid.objects.get(pk=row["bid_id"])
        signed = row["receipt"]["payload"]
        assert platform_key.verify(signed, row["receipt"]["signature"], platform_key.public_key())
        assert row["ciphertext_sha256"] == sha(bid.sealed_content) == signed["ciphertext_sha256"]
        assert row["attachments_sha256"] == signed["attachments_sha256"]
        assert row["ciphertext_published"] is True
        published = bundle["ciphertexts"][str(bid.pk)]
        assert sha(base64.b64decode(published["content"])) == row["ciphertext_sha256"]
        assert [sha(base64.b64decode(f)) for f in published["attachments"]] == row["attachments_sha256"]
    assert len([r for r in body["bids"] if r["attachments_sha256"]]) == 1

    # The record anchors the audit log: a checkpoint signed by the platform key, covering the decryption.
    checkpoint = body["audit_checkpoint"]
    assert platform_key.verify(checkpoint["body"], checkpoint["signature"], platform_key.public_key())
    assert checkpoint["body"]["size"] >= AuditEntry.objects.get(action="opening.decrypt").seq
    assert checkpoints.problems([checkpoint], platform_key.public_key()) == []


def test_the_ciphertexts_of_a_failed_lot_stay_unpublished_though_the_key_is():
    c = lot_ceremony({1: 3, 2: 2}, min_bids=3)
    run_to(c, "closed")
    body = OpeningRecord.objects.get(tender=c.tender).body
    assert body["tender_private_key"]
    failed = {r["bid_id"] for r in body["bids"] if r["status"] == "lot_failed"}
    assert len(failed) == 2
    bundle = bundle_of(c)
    assert failed.isdisjoint(int(k) for k in bundle["ciphertexts"]) and len(bundle["ciphertexts"]) == 3


def test_the_bundle_is_read_by_whoever_reads_the_record():
    c = ceremony(is_public=False)
    run_to(c, "closed")
    url = reverse("opening:record_bundle", args=[c.tender.pk])
    assert Client().get(url).status_code == 403
    bidder = Client()
    bidder.force_login(c.bidders[0])
    assert bidder.get(url).status_code == 200
    assert Client().get(reverse("opening:record_bundle", args=[987654])).status_code == 404


def test_the_verifier_passes_a_real_record_and_fails_a_tampered_one(tmp_path):
    c = ceremony(n_bids=3)
    with_attachment(c, 1)
    run_to(c, "closed")
    bundle = bundle_of(c)

    real = run_verifier(tmp_path, bundle)
    assert real.returncode == 0, real.stdout + real.stderr
    assert "VALID" in real.stdout and real.stdout.count("decrypts to the announced price") == 3
    assert "audit checkpoint" in real.stdout

    # A changed announced price: the signature no longer holds.
    changed = json.loads(json.dumps(bundle))
    changed["body"]["bids"][0]["price"] = "1.00"
    result = run_verifier(tmp_path, changed)
    assert result.returncode == 1 and "record signature: NOT" in result.stdout

    # A ciphertext swapped after the opening: not the one the signed record names.
    swapped = json.loads(json.dumps(bundle))
    first = str(bundle["body"]["bids"][0]["bid_id"])
    swapped["ciphertexts"][first]["content"] = base64.b64encode(planted_bid(c)).decode()
    result = run_verifier(tmp_path, swapped)
    assert result.returncode == 1 and "SHA-256 differs" in result.stdout

    # A dishonest platform signs a record announcing another price than the sealed bid holds: still caught.
    lying = json.loads(json.dumps(bundle))
    lying["body"]["bids"][0]["price"] = "1.00"
    lying["signature"] = platform_key.sign(lying["body"])
    result = run_verifier(tmp_path, lying)
    assert result.returncode == 1 and "announces price other than the sealed bid says" in result.stdout

    # Checked against any other key than the pinned platform key, nothing is valid.
    result = run_verifier(tmp_path, bundle, key=sealing.signing_public_key(sealing.new_signing_seed()))
    assert result.returncode == 1 and "NOT the pinned platform key" in result.stdout


def test_the_verifier_confirms_offline_that_a_set_aside_bid_was_not_the_one_its_receipt_names(tmp_path):
    c = ceremony(n_bids=4)
    planted = planted_bid(c)
    Bid.objects.filter(pk=c.bids[1].pk).update(sealed_content=planted, content_digest=sha(planted))
    run_to(c, "closed")
    result = run_verifier(tmp_path, bundle_of(c))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "confirmed, the stored ciphertext is not the one its signed receipt names" in result.stdout
    assert result.stdout.count("decrypts to the announced price") == 3
