"""Bids sealed by the bidder's own client (the bid form's script, an API client): the server stores ciphertext it
cannot read, checks only its form, issues the receipt over it; the opening checks the fields."""
import base64
import hashlib
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from nacl.public import PublicKey, SealedBox

from tests.opening.builders import ceremony, run_to, submit_sealed_as_is
from trading import sealing
from trading.bids.models import Bid, BidAttachment, BidStatus, Receipt
from trading.bids.opening.models import OpeningEvent

from .builders import CONTENT, api_client

PDF = b"%PDF-1.7\n% the bidder's technical proposal\n"


def seal_like_an_api_client(public_key_b64, content, files=()):
    """The README's example: PyNaCl only, nothing from the platform's code."""
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    plain = json.dumps({**content, "pad": ""}, ensure_ascii=False).encode()
    plain = json.dumps({**content, "pad": " " * (-len(plain) % 1024)}, ensure_ascii=False).encode()
    sealed_files = [box.encrypt(len(name.encode()).to_bytes(2, "big") + name.encode() + data) for name, data in files]
    return base64.b64encode(box.encrypt(plain)).decode(), sealed_files


def test_an_api_client_seals_its_bid_and_the_server_keeps_exactly_those_bytes(client, tender, contractor):
    key = client.get(f"/api/tenders/{tender.pk}/sealing-key/")  # public: sealing needs no secret
    assert key.status_code == 200 and key.json()["pad_to"] == 1024
    assert base64.b64decode(key.json()["public_key"]) == bytes(tender.key.public_key)
    sealed, files = seal_like_an_api_client(key.json()["public_key"], CONTENT, [("plan.pdf", PDF)])
    answer = api_client(contractor).post("/api/bids/", {
        "tender": tender.pk, "sealed_content": sealed, "client_key": "tool-sealed-1",
        "attachments": [SimpleUploadedFile("sealed.bin", files[0])]}, format="multipart")
    assert answer.status_code == 201, answer.content
    bid = Bid.objects.get()
    assert bytes(bid.sealed_content) == base64.b64decode(sealed)
    receipt = answer.json()["receipt"]["payload"]
    assert receipt["ciphertext_sha256"] == hashlib.sha256(base64.b64decode(sealed)).hexdigest()
    assert receipt["attachments_sha256"] == [hashlib.sha256(files[0]).hexdigest()]
    assert bytes(bid.attachments.get().sealed_file.read()) == files[0]


def test_a_sealed_bid_of_the_wrong_form_is_refused_per_field_and_nothing_is_stored(tender, contractor):
    api = api_client(contractor)
    sealed, _files = seal_like_an_api_client(base64.b64encode(bytes(tender.key.public_key)).decode(), CONTENT)
    answers = {
        "plain and sealed": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": sealed, **CONTENT},
                                     format="json"),
        "not base64": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": "%%%"}, format="json"),
        "too short": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": base64.b64encode(b"x" * 50)
                                             .decode()}, format="json"),
        "too long": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": base64.b64encode(
            b"x" * (48 + 8 * 1024 + 1)).decode()}, format="json"),
        "a number": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": 12345}, format="json"),
        "an empty file": api.post("/api/bids/", {"tender": tender.pk, "sealed_content": sealed,
                                                 "attachments": [SimpleUploadedFile("s.bin", b"\x01" * 10)]},
                                  format="multipart"),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 400)
    assert "not both" in str(answers["plain and sealed"].json()["sealed_content"])
    assert "not valid base64" in str(answers["not base64"].json()["sealed_content"])
    assert "50 bytes" in str(answers["too short"].json()["sealed_content"])
    assert "attachments" in answers["an empty file"].json()
    assert not Bid.objects.exists() and not Receipt.objects.exists() and not BidAttachment.objects.exists()


def test_a_bid_its_client_sealed_with_bad_fields_is_stored_but_not_announced_and_the_reason_is_said(db):
    c = ceremony(n_bids=4)
    public = bytes(c.tender.key.public_key)
    # The server cannot read it, so it takes it (and issues a receipt); the opening checks it as the form would.
    bad = submit_sealed_as_is(c, 1, sealing.seal_json(public, {**CONTENT, "price": "12.345", "duration_days": 0}))
    assert bad.receipt.payload["ciphertext_sha256"] == hashlib.sha256(bytes(bad.sealed_content)).hexdigest()
    run_to(c, "announcing")
    bad.refresh_from_db()
    assert bad.status == BidStatus.REVOKED and bad.price is None and bad.announce_order is None
    assert "bidder's fault" in bad.opening_note and "price: Use at most two decimal places" in bad.opening_note
    assert "duration: The duration must be between 1 and 3650 days" in bad.opening_note
    rejected = OpeningEvent.objects.get(tender=c.tender, kind="bid_rejected")
    assert rejected.payload["reason"] == bad.opening_note
    assert Bid.objects.filter(tender=c.tender, status=BidStatus.OPENED).count() == 3
